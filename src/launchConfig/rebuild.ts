// The inner loop's build step, on the extension host: before F5 and before Restart, a kernel older
// than its .config or than sources saved in this window is rebuilt with the "uml: linux" task
// (make's errors in the Problems view); a failed build starts nothing. The check itself is two
// stats and the window's saves, so an unchanged kernel launches at once.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { umlTask } from '../tasks/taskProvider';
import { UmlTaskDefinition } from '../tasks/makeTask';
import { isKernelTree } from '../uml/kernelTree';
import { SavedSources, kernelStaleness } from './staleness';

/** Sources saved in this window (for the check); fed by the extension. */
export const savedSources = new SavedSources();

export interface RebuildResult { ok: boolean; built: boolean; message?: string }

/** The uml task that makes this kernel: the folder's tree, in place or as an O= build inside it. */
export function buildDefinitionFor(kernel: string, folder: string): UmlTaskDefinition | undefined {
  if (!isKernelTree(folder)) return undefined;
  let dir: string;
  try { dir = path.dirname(fs.realpathSync(kernel)); } catch { return undefined; }
  const tree = fs.realpathSync(folder);
  if (dir === tree) return { type: 'uml', target: 'linux' };
  if (dir.startsWith(tree + path.sep)) return { type: 'uml', target: 'linux', buildDir: path.relative(tree, dir) };
  return undefined;
}

/** Runs a task and resolves with its process's exit code (undefined: it never ran a process). */
async function runTask(task: vscode.Task): Promise<number | undefined> {
  return new Promise((resolve) => {
    let exec: vscode.TaskExecution | undefined;
    const ended = vscode.tasks.onDidEndTaskProcess((e) => { if (e.execution === exec || e.execution.task.name === task.name) { ended.dispose(); resolve(e.exitCode); } });
    vscode.tasks.executeTask(task).then((x) => { exec = x; }, () => { ended.dispose(); resolve(undefined); });
  });
}

/**
 * Builds the kernel first when it is stale. `why` names the moment ("F5", "Restart") in messages.
 * Not stale, or not ours to build (no kernel tree in the folder): ok without building.
 */
export async function rebuildIfStale(config: vscode.DebugConfiguration, folder: vscode.WorkspaceFolder | undefined, why: string): Promise<RebuildResult> {
  // A kernel in QEMU is not built by the uml (ARCH=um) tasks.
  if (config.rebuild === 'never' || config.preLaunchTask || config.qemu || config.target || typeof config.kernel !== 'string' || !folder) return { ok: true, built: false };
  const stale = kernelStaleness(config.kernel, savedSources);
  const def = stale ? buildDefinitionFor(config.kernel, folder.uri.fsPath) : undefined;
  if (!stale || !def) return { ok: true, built: false };
  const startedMs = Date.now();
  const code = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Building the kernel before ${why}: ${stale}` }, () => runTask(umlTask(def, folder)));
  if (code === 0) {
    savedSources.settle(fs.realpathSync(config.kernel), startedMs);
    return { ok: true, built: true };
  }
  return { ok: false, built: true, message: `The kernel build failed (make ${code === undefined ? 'did not run' : `exited with ${code}`}): nothing was started. The compiler's errors are in the Problems view; fix them and press ${why} again.` };
}
