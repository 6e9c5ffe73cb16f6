// Crash snapshots from the extension host: "UML: Save Crash Snapshot" (a command and a debug
// toolbar button, at a stop) and "UML: Open Crash Snapshot..." (a file picker, then a debug
// session with "snapshot" in its configuration). Saving shows progress; Cancel removes what
// the save wrote once gdb has finished writing it (gcore cannot be stopped half-way).
import * as fs from 'fs';
import * as vscode from 'vscode';
import { SAVE_SNAPSHOT_REQUEST, SaveSnapshotArguments, SaveSnapshotResponse } from '../shared/messages';

async function saveSnapshot(): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (session?.type !== 'uml') {
    void vscode.window.showErrorMessage('Save Crash Snapshot works in a UML or QEMU debug session stopped at a breakpoint, a panic or a pause.');
    return;
  }
  if (session.configuration.snapshot) {
    void vscode.window.showInformationMessage(`This session is a crash snapshot already: ${session.configuration.snapshot as string}.`);
    return;
  }
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Saving a crash snapshot (the guest\'s memory)...', cancellable: true }, async (_p, token) => {
    try {
      const saved = await session.customRequest(SAVE_SNAPSHOT_REQUEST, {} satisfies SaveSnapshotArguments) as SaveSnapshotResponse;
      if (token.isCancellationRequested) {
        for (const f of [saved.file, `${saved.file}.json`]) fs.rmSync(f, { force: true });
        return 'cancelled';
      }
      return saved;
    } catch (e) {
      void vscode.window.showErrorMessage((e as Error).message);
      return undefined;
    }
  });
  if (r === 'cancelled') void vscode.window.showInformationMessage('Crash snapshot cancelled: what was written has been removed.');
  else if (r) {
    const act = await vscode.window.showInformationMessage(`Crash snapshot saved: ${r.file} (${(r.bytes / 1048576).toFixed(0)} MB).`, 'Reveal');
    if (act) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.file));
  }
}

/** Opens a snapshot (picked, or given) as a debug session in the first workspace folder. */
async function openSnapshot(file?: vscode.Uri): Promise<void> {
  const uri = file ?? (await vscode.window.showOpenDialog({ title: 'Open Crash Snapshot', canSelectMany: false, filters: { 'Crash snapshots': ['core'], 'All files': ['*'] } }))?.[0];
  if (!uri) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  await vscode.debug.startDebugging(folder, { type: 'uml', request: 'launch', name: `Snapshot ${uri.fsPath.split('/').pop()}`, snapshot: uri.fsPath });
}

/** Set while the active debug session is a snapshot: the toolbar offers no save of what is saved. */
const SNAPSHOT_CONTEXT = 'umlKernelDebug.inSnapshot';

export function registerSnapshots(ctx: vscode.ExtensionContext): void {
  const update = (s: vscode.DebugSession | undefined) =>
    void vscode.commands.executeCommand('setContext', SNAPSHOT_CONTEXT, s?.type === 'uml' && !!s.configuration.snapshot);
  ctx.subscriptions.push(
    vscode.debug.onDidChangeActiveDebugSession(update),
    vscode.commands.registerCommand('umlKernelDebug.saveSnapshot', saveSnapshot),
    vscode.commands.registerCommand('umlKernelDebug.openSnapshot', (file?: vscode.Uri) => openSnapshot(file)),
  );
}
