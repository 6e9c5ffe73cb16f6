// "UML: Apply XSAVE Host Fix to Kernel Tree": the project's patch, shown as a diff first and
// applied only on the user's click, then the rebuild. Also the check before F5, Run Without
// Debugging and Attach (the sidebar's start actions go through the same resolver).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { execa } from 'execa';
import { executableOf, findExecutable, runningPid } from '../uml/host';
import { sourceTreeOf } from '../uml/kernelTree';
import { umlTask } from '../tasks/taskProvider';
import { hostXsave, xsaveCheck } from './hostXsave';
import { PATCH_FILE, PATCHED_SOURCE, classifySource, hostTooLarge, previewPatchArgs } from './xsave';

export const FIX_COMMAND = 'umlKernelDebug.applyXsaveFix';
const FIX_BUTTON = 'Apply Fix…';

let extensionRoot = '';

/** The kernel binary a debug configuration will run or attach to, if it can be told now. */
function kernelOf(config: vscode.DebugConfiguration, umlDir: string): string | undefined {
  if (typeof config.kernel === 'string') return config.kernel;
  if (config.request !== 'attach') return undefined;
  const pid = typeof config.pid === 'number' ? config.pid : typeof config.umid === 'string' ? runningPid(umlDir, config.umid) : undefined;
  return pid ? executableOf(pid) : undefined;
}

/**
 * Before a session: a kernel that cannot run user processes on this host. Returns false when
 * the user chose not to start (or to fix the tree first).
 */
export async function confirmXsave(config: vscode.DebugConfiguration, umlDir: string): Promise<boolean> {
  const kernel = kernelOf(config, umlDir);
  const problem = kernel && await xsaveCheck(kernel);
  if (!kernel || !problem) return true;
  const act = await vscode.window.showWarningMessage(problem, { modal: true }, FIX_BUTTON, 'Start Anyway');
  if (act === 'Start Anyway') return true;
  if (act === FIX_BUTTON) {
    const tree = sourceTreeOf(path.dirname(fs.realpathSync(kernel)));
    await vscode.commands.executeCommand(FIX_COMMAND, tree);
  }
  return false;
}

/** The config doctor's part: this tree's FPU code on this host. Undefined when all is well. */
export async function xsaveTreeProblem(tree: string): Promise<string | undefined> {
  const host = await hostXsave();
  if (!hostTooLarge(host)) return undefined;
  const file = path.join(tree, PATCHED_SOURCE);
  if (!fs.existsSync(file) || classifySource(fs.readFileSync(file, 'utf8')) !== 'fixed-size') return undefined;
  return `This host's XSAVE area (${host.size !== undefined ? `${host.size} bytes` : 'AMX'}) is larger than the fixed FPU buffer in ${PATCHED_SOURCE}: ` +
    'a kernel built from this tree panics when its first process starts. Apply the fix, or use Linux 6.13 or later.';
}

async function applyFix(treeArg?: string): Promise<void> {
  const tree = treeArg ?? vscode.workspace.workspaceFolders?.find((f) => fs.existsSync(path.join(f.uri.fsPath, PATCHED_SOURCE)))?.uri.fsPath;
  if (!tree) { void vscode.window.showErrorMessage(`Open a kernel source tree (with ${PATCHED_SOURCE}) to apply the XSAVE host fix.`); return; }
  const file = path.join(tree, PATCHED_SOURCE);
  if (!fs.existsSync(file)) { void vscode.window.showErrorMessage(`${file} not found: the fix is for x86_64 UML kernel trees.`); return; }
  const kind = classifySource(fs.readFileSync(file, 'utf8'));
  if (kind === 'patched') { void vscode.window.showInformationMessage(`${tree} already has the XSAVE host fix. Rebuild the kernel if the binary is older.`); return; }
  if (kind === 'other') { void vscode.window.showInformationMessage(`${PATCHED_SOURCE} in ${tree} has no fixed-size FPU transfers (Linux 6.13 or later has the upstream fix): nothing to patch.`); return; }
  const patchTool = findExecutable('patch');
  if (!patchTool) { void vscode.window.showErrorMessage('The fix needs GNU patch: apt-get install patch'); return; }

  // The patched copy is made aside; the tree changes only after the user has seen the diff.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'uml-xsave-fix-'));
  const preview = path.join(scratch, path.basename(file));
  try {
    const r = await execa(patchTool, previewPatchArgs(file, path.join(extensionRoot, PATCH_FILE), preview), { reject: false });
    if (r.exitCode !== 0) {
      void vscode.window.showErrorMessage(`The patch ${PATCH_FILE} does not apply to ${file} (this tree differs from Linux 6.1-6.12): use Linux 6.13 or later, or port the patch by hand. patch said: ${(r.stdout || r.stderr).trim()}`);
      return;
    }
    const previewUri = vscode.Uri.file(preview);
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(file), previewUri, `${path.basename(file)} ↔ with the XSAVE host fix`, { preview: true });
    const act = await vscode.window.showInformationMessage(`Apply the XSAVE host fix to ${file}?`, 'Apply and Rebuild', 'Apply Only', 'Cancel');
    await closeDiff(previewUri);
    if (act !== 'Apply and Rebuild' && act !== 'Apply Only') return;
    fs.writeFileSync(file, fs.readFileSync(preview));
    if (act === 'Apply Only') { void vscode.window.showInformationMessage(`XSAVE host fix applied to ${file}. Rebuild: make ARCH=um linux`); return; }
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === tree);
    if (folder) await vscode.tasks.executeTask(umlTask({ type: 'uml', target: 'linux' }, folder));
    else void vscode.window.showInformationMessage(`XSAVE host fix applied. Rebuild in ${tree}: make ARCH=um linux`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function closeDiff(modified: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.fsPath === modified.fsPath);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

export function registerXsaveFix(ctx: vscode.ExtensionContext): void {
  extensionRoot = ctx.extensionPath;
  setImmediate(() => void hostXsave());  // probed in the background (once per host boot), ready before the first F5
  ctx.subscriptions.push(vscode.commands.registerCommand(FIX_COMMAND, (tree?: string) => applyFix(typeof tree === 'string' ? tree : undefined)));
}
