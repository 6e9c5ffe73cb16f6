// "UML: Debug Reproducer...": build a C file statically (errors in Problems), then debug the
// workspace's UML launch configuration with the binary as its payload and the crash filters on.
import * as path from 'path';
import * as vscode from 'vscode';
import { launchConfigurationFor } from '../launchConfig/provider';
import { cacheDir } from '../uml/host';
import { GccDiagnostic, buildReproducer, reproducerPayload } from './build';

export const DEBUG_REPRODUCER = 'umlKernelDebug.debugReproducer';

function toProblems(diags: GccDiagnostic[], problems: vscode.DiagnosticCollection): void {
  problems.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const d of diags) {
    const pos = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
    const sev = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
    const diag = new vscode.Diagnostic(new vscode.Range(pos, pos), d.message, sev);
    diag.source = 'gcc';
    byFile.set(d.file, [...(byFile.get(d.file) ?? []), diag]);
  }
  for (const [file, list] of byFile) problems.set(vscode.Uri.file(file), list);
}

async function pickSource(uri?: vscode.Uri): Promise<string | undefined> {
  if (uri?.fsPath.endsWith('.c')) return uri.fsPath;
  const active = vscode.window.activeTextEditor?.document;
  if (active && !active.isUntitled && active.fileName.endsWith('.c')) {
    if (active.isDirty) await active.save();
    return active.fileName;
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'C reproducer': ['c'] }, openLabel: 'Debug Reproducer' });
  return picked?.[0]?.fsPath;
}

async function debugReproducer(problems: vscode.DiagnosticCollection, uri?: vscode.Uri): Promise<void> {
  const file = await pickSource(uri);
  if (!file) return;
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) ?? vscode.workspace.workspaceFolders?.[0];
  const base = await launchConfigurationFor(folder);
  if (!base) return;  // the provider said why
  if (base.qemu) {
    void vscode.window.showErrorMessage('"UML: Debug Reproducer..." runs the reproducer in a UML guest: the workspace\'s first "uml" launch configuration starts a kernel in QEMU. Add a UML launch configuration (with a "rootfs" directory) first.');
    return;
  }
  const outDir = path.join(cacheDir(), 'reproducers');
  const built = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Building ${path.basename(file)} (gcc -static)` },
    () => buildReproducer(file, outDir));
  toProblems(built.diagnostics, problems);
  if (!built.ok) {
    const errors = built.diagnostics.filter((d) => d.severity === 'error').length;
    const why = errors ? `${errors} error${errors > 1 ? 's' : ''} (see Problems)` : built.stderr.split('\n').slice(-3).join(' ');
    const act = await vscode.window.showErrorMessage(`The reproducer did not build: ${why}. Nothing was started.`, ...(errors ? ['Show Problems'] : []));
    if (act) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  const config: vscode.DebugConfiguration = { ...base, name: `Reproducer: ${path.basename(file)}`, payload: reproducerPayload(built.binary) };
  await vscode.debug.startDebugging(folder, config);
}

export function registerReproducer(ctx: vscode.ExtensionContext): void {
  const problems = vscode.languages.createDiagnosticCollection('uml-reproducer');
  ctx.subscriptions.push(problems, vscode.commands.registerCommand(DEBUG_REPRODUCER, (uri?: vscode.Uri) => debugReproducer(problems, uri)));
}
