// After a successful `linux` build, load the new kernel once in gdb in the background: gdb's
// index cache (keyed by build-id) is then warm, and even the first F5 loads symbols fast.
import * as path from 'path';
import * as vscode from 'vscode';
import { execa } from 'execa';
import { warmIndexArgs } from '../gdb/gdbinit';
import { cacheDir } from '../uml/host';
import { UmlTaskDefinition } from './makeTask';

export function registerIndexWarm(ctx: vscode.ExtensionContext): void {
  ctx.subscriptions.push(vscode.tasks.onDidEndTaskProcess(async (e) => {
    const def = e.execution.task.definition as UmlTaskDefinition;
    if (def.type !== 'uml' || def.target !== 'linux' || e.exitCode !== 0) return;
    const folder = e.execution.task.scope as vscode.WorkspaceFolder | undefined;
    if (!folder?.uri) return;
    const out = def.buildDir ? path.resolve(folder.uri.fsPath, def.buildDir) : folder.uri.fsPath;
    const status = vscode.window.setStatusBarMessage('$(sync~spin) UML: indexing the new kernel for gdb...');
    try {
      await execa('gdb', warmIndexArgs(path.join(out, 'vmlinux'), path.join(cacheDir(), 'gdb-index')), { reject: false, timeout: 300000 });
    } finally {
      status.dispose();
    }
  }));
}
