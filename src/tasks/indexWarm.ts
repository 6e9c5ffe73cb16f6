// gdb's index cache filled in the background whenever a kernel shows up: the workspace opens
// on a built kernel tree, a `uml` build task links a new one, or `linux` changes on disk (a
// build in a terminal). The first F5 then loads symbols warm; a launch that still finds the
// cache cold fills it first (the adapter), or waits for the warm-up already running here.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { warmIndex } from '../gdb/indexCache';
import { cacheDir } from '../uml/host';
import { kernelBinaryOfBuild } from '../uml/kernelTree';
import { UmlTaskDefinition } from './makeTask';
import { buildDirOf, indexInBackground } from '../config';

const CANCEL_COMMAND = 'umlKernelDebug.cancelIndexWarm';
const SETTLE_MS = 1500;  // the linker writes the binary in pieces: wait until it is quiet

const enabled = indexInBackground;

class BackgroundWarm implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 0);
  private readonly running = new Map<string, AbortController>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor() {
    this.status.command = CANCEL_COMMAND;
  }

  /** Warms `kernel` soon (after it has stopped changing); one warm-up per file at a time. */
  schedule(kernel: string, delayMs = SETTLE_MS): void {
    if (!enabled()) return;
    clearTimeout(this.timers.get(kernel));
    this.timers.set(kernel, setTimeout(() => { this.timers.delete(kernel); void this.warm(kernel); }, delayMs));
  }

  private async warm(kernel: string): Promise<void> {
    if (this.running.has(kernel) || !fs.existsSync(kernel)) return;
    const ac = new AbortController();
    this.running.set(kernel, ac);
    this.show();
    try {
      const r = await warmIndex(kernel, path.join(cacheDir(), 'gdb-index'), { signal: ac.signal, background: true });
      if (r.state === 'failed') void vscode.window.setStatusBarMessage(`UML: gdb could not index ${kernel} (${r.error}); the first F5 will load it slower.`, 8000);
    } finally {
      this.running.delete(kernel);
      this.show();
    }
  }

  private show(): void {
    const kernels = [...this.running.keys()];
    if (!kernels.length) { this.status.hide(); return; }
    this.status.text = `$(sync~spin) UML: indexing ${kernels.map((k) => path.basename(path.dirname(k))).join(', ')} for gdb`;
    this.status.tooltip = `gdb's index cache is being filled for ${kernels.join(', ')}, so that F5 loads its symbols fast and the first stop shows variables at once. Click to cancel.`;
    this.status.show();
  }

  cancel(): void { for (const ac of this.running.values()) ac.abort(); }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.cancel();
    this.status.dispose();
  }
}

export function registerIndexWarm(ctx: vscode.ExtensionContext): void {
  const bg = new BackgroundWarm();
  ctx.subscriptions.push(bg, vscode.commands.registerCommand(CANCEL_COMMAND, () => bg.cancel()));

  // A `uml` build task that linked the kernel.
  ctx.subscriptions.push(vscode.tasks.onDidEndTaskProcess((e) => {
    const def = e.execution.task.definition as UmlTaskDefinition;
    const folder = e.execution.task.scope as vscode.WorkspaceFolder | undefined;
    if (def.type !== 'uml' || def.target !== 'linux' || e.exitCode !== 0 || !folder?.uri) return;
    bg.schedule(path.join(def.buildDir ? path.resolve(folder.uri.fsPath, def.buildDir) : folder.uri.fsPath, 'linux'), 0);
  }));

  // The workspace's kernels: now (after activation has finished), and whenever they change on disk.
  const watchFolder = (folder: vscode.WorkspaceFolder) => {
    const dir = buildDirOf(folder);
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '{linux,vmlinux}'));
    const changed = (u: vscode.Uri) => bg.schedule(u.fsPath);
    ctx.subscriptions.push(w, w.onDidChange(changed), w.onDidCreate(changed));
    setTimeout(() => {
      const kernel = kernelBinaryOfBuild(dir, folder.uri.fsPath);
      if (kernel) bg.schedule(kernel, 0);
    }, 2000);
  };
  for (const f of vscode.workspace.workspaceFolders ?? []) watchFolder(f);
  ctx.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders((e) => e.added.forEach(watchFolder)));
}
