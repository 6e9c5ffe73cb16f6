// "UML: Check Kernel Config for Debugging", diagnostics on .config lines, and the warning
// before F5 when the kernel cannot be debugged well.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { checkConfig } from './doctor';
import { enableWithDependencies, fixConfig } from './fix';
import { isKernelTree } from '../uml/kernelTree';
import { abortSignalOf, buildDirSetting } from '../config';
import { umlTask } from '../tasks/taskProvider';
import { FIX_COMMAND, xsaveTreeProblem } from '../hostcompat/xsaveFix';

function configFileOf(folder: vscode.WorkspaceFolder): string {
  const buildDir = buildDirSetting(folder);
  return path.join(buildDir ? path.resolve(folder.uri.fsPath, buildDir) : folder.uri.fsPath, '.config');
}

async function checkCommand(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.find((f) => isKernelTree(f.uri.fsPath));
  if (!folder) { void vscode.window.showErrorMessage('Open a kernel source tree (with arch/um) to check its configuration.'); return; }
  // A tree whose kernel cannot run on this host comes first: the config is moot until then.
  const xsave = await xsaveTreeProblem(folder.uri.fsPath);
  if (xsave) {
    if (await vscode.window.showWarningMessage(xsave, 'Apply Fix…')) await vscode.commands.executeCommand(FIX_COMMAND, folder.uri.fsPath);
    return;
  }
  const file = configFileOf(folder);
  if (!fs.existsSync(file)) {
    const act = await vscode.window.showErrorMessage(`No ${file}: configure the kernel first (make ARCH=um defconfig).`, 'Run defconfig');
    if (act) await vscode.tasks.executeTask(umlTask({ type: 'uml', target: 'defconfig' }, folder));
    return;
  }
  const text = fs.readFileSync(file, 'utf8');
  const findings = checkConfig(text);
  if (!findings.length) { await offerTimeTravel(folder, file, text); return; }
  const list = findings.map((f) => `CONFIG_${f.option}`).join(', ');
  const act = await vscode.window.showWarningMessage(`For debugging, the kernel config needs: ${list}.`, { detail: findings.map((f) => f.message).join('\n') }, 'Fix');
  if (act !== 'Fix') return;
  const left = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Fixing the kernel config (scripts/config, olddefconfig)', cancellable: true },
    (_p, token) => fixConfig(folder.uri.fsPath, file, findings, abortSignalOf(token)));
  if (left.length) {
    void vscode.window.showErrorMessage(`Still missing after olddefconfig (a dependency is off): ${left.map((f) => f.message).join('; ')}. Use menuconfig.`);
    return;
  }
  const build = await vscode.window.showInformationMessage('Kernel config fixed. Rebuild the kernel now?', 'Build');
  if (build) await vscode.tasks.executeTask(umlTask({ type: 'uml', target: 'linux' }, folder));
}

/** All needed options are there; the optional frozen guest clock may not be. */
async function offerTimeTravel(folder: vscode.WorkspaceFolder, file: string, text: string): Promise<void> {
  if (/^CONFIG_UML_TIME_TRAVEL_SUPPORT=y$/m.test(text)) {
    void vscode.window.showInformationMessage('The kernel config has everything the debugger needs, and time-travel for a frozen guest clock (launch attribute "timeTravel").');
    return;
  }
  const act = await vscode.window.showInformationMessage('The kernel config has everything the debugger needs. Optional: CONFIG_UML_TIME_TRAVEL_SUPPORT stops the guest clock while the debugger holds the kernel (launch attribute "timeTravel"), so timeouts in the guest do not all fire on continue.', 'Enable Time-Travel');
  if (!act) return;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Enabling CONFIG_UML_TIME_TRAVEL_SUPPORT (scripts/config, olddefconfig)', cancellable: true },
      (_p, token) => enableWithDependencies(folder.uri.fsPath, file, ['UML_TIME_TRAVEL_SUPPORT'], true, abortSignalOf(token)));
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not enable CONFIG_UML_TIME_TRAVEL_SUPPORT: ${(e as Error).message}`);
    return;
  }
  if (!/^CONFIG_UML_TIME_TRAVEL_SUPPORT=y$/m.test(fs.readFileSync(file, 'utf8'))) {
    void vscode.window.showErrorMessage('olddefconfig turned CONFIG_UML_TIME_TRAVEL_SUPPORT off again: it cannot be on with CONFIG_RAID6_PQ_BENCHMARK or CONFIG_SMP; see menuconfig.');
    return;
  }
  if (await vscode.window.showInformationMessage('Time-travel enabled. Rebuild the kernel now? Then set "timeTravel": "inf-cpu" (or "basic") in the launch configuration.', 'Build')) {
    await vscode.tasks.executeTask(umlTask({ type: 'uml', target: 'linux' }, folder));
  }
}

/** Diagnostics on a kernel tree's .config: one per missing or wrong option. */
function diagnose(doc: vscode.TextDocument, coll: vscode.DiagnosticCollection): void {
  if (path.basename(doc.uri.fsPath) !== '.config' || !isKernelTree(path.dirname(doc.uri.fsPath))) return;
  coll.set(doc.uri, checkConfig(doc.getText()).map((f) => {
    const range = f.line !== undefined ? doc.lineAt(f.line).range : new vscode.Range(0, 0, 0, 0);
    const d = new vscode.Diagnostic(range, `${f.message}. Run "UML: Check Kernel Config for Debugging" to fix.`, vscode.DiagnosticSeverity.Warning);
    d.source = 'uml';
    return d;
  }));
}

/** The language server's quick fix: enable an option with its dependencies, then show what changed. */
async function enableCommand(a: { tree: string; configFile: string; symbols: string[]; olddefconfig: boolean }): Promise<void> {
  const list = a.symbols.map((s) => `CONFIG_${s}`).join(', ');
  try {
    const before = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Enabling ${list} (scripts/config${a.olddefconfig ? ', olddefconfig' : ''})`, cancellable: true },
      (_p, token) => enableWithDependencies(a.tree, a.configFile, a.symbols, a.olddefconfig, abortSignalOf(token)));
    const old = path.join(os.tmpdir(), `uml-config-before-${Date.now()}`);
    fs.writeFileSync(old, before);
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(old), vscode.Uri.file(a.configFile), `${path.basename(a.configFile)}: before ↔ after enabling ${list}`);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not enable ${list}: ${(e as Error).message}`);
  }
}

export function registerConfigDoctor(ctx: vscode.ExtensionContext): void {
  const coll = vscode.languages.createDiagnosticCollection('uml-kconfig');
  ctx.subscriptions.push(
    coll,
    vscode.commands.registerCommand('umlKernelDebug.checkConfig', checkCommand),
    vscode.commands.registerCommand('umlKernelDebug.enableWithDependencies', enableCommand),
    vscode.workspace.onDidOpenTextDocument((d) => diagnose(d, coll)),
    vscode.workspace.onDidSaveTextDocument((d) => diagnose(d, coll)),
  );
  for (const d of vscode.workspace.textDocuments) diagnose(d, coll);
}
