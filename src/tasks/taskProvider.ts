// Task type `uml`: ARCH=um make targets run as processes (argument arrays, no shell),
// their compiler, linker and Kconfig errors landing in the Problems view.
import * as vscode from 'vscode';
import * as path from 'path';
import { TARGETS, UmlTaskDefinition, makeCommand, describe, ifChangedCommand, taskName } from './makeTask';
import { isKernelTree } from '../uml/kernelTree';

export const MATCHERS = ['$uml-gcc', '$uml-ld', '$uml-kconfig'];

export function umlTask(def: UmlTaskDefinition, folder: vscode.WorkspaceFolder): vscode.Task {
  const cmd = makeCommand(def, folder.uri.fsPath);
  let exec = new vscode.ProcessExecution(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env });
  if (def.ifChanged && def.target === 'linux') {
    // The editor's own node runs the check (Electron's binary acts as node with this variable).
    const c = ifChangedCommand(cmd, def, process.execPath, path.join(__dirname, 'buildIfChanged.js'));
    exec = new vscode.ProcessExecution(c.command, c.args, { cwd: cmd.cwd, env: { ...cmd.env, ELECTRON_RUN_AS_NODE: '1' } });
  }
  const task = new vscode.Task(def, folder, taskName(def), 'uml', exec, def.target === 'menuconfig' ? [] : MATCHERS);
  task.detail = `${def.ifChanged && def.target === 'linux' ? 'when a source is newer than the kernel: ' : ''}make ${cmd.args.join(' ')} — ${describe(def.target)}`;
  if (def.target === 'linux' && !def.ifChanged) task.group = vscode.TaskGroup.Build;
  if (def.target === 'clean' || def.target === 'mrproper') task.group = vscode.TaskGroup.Clean;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true, focus: def.target === 'menuconfig' };
  return task;
}

export class UmlTaskProvider implements vscode.TaskProvider {
  provideTasks(): vscode.Task[] {
    const tasks: vscode.Task[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (!isKernelTree(folder.uri.fsPath)) continue;
      for (const target of TARGETS) {
        const t = umlTask({ type: 'uml', target }, folder);
        if (target === 'linux') t.group = vscode.TaskGroup.Build;
        tasks.push(t);
      }
      tasks.push(umlTask({ type: 'uml', target: 'linux', ifChanged: true }, folder));
    }
    return tasks;
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as UmlTaskDefinition;
    const folder = task.scope && typeof task.scope === 'object' ? task.scope as vscode.WorkspaceFolder : vscode.workspace.workspaceFolders?.[0];
    if (!folder || !def.target) return undefined;
    const t = umlTask(def, folder);
    // Keep what the user configured in tasks.json (group, problem matchers...).
    t.group = task.group ?? t.group;
    return t;
  }
}
