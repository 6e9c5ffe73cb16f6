// F5 on a workspace whose one "uml" configuration is selected: started through the API with
// VS Code's save-before-start left out. VS Code's own F5 saves and then reloads every
// configuration model (saveAllBeforeDebugStart -> reloadConfiguration), about 200-300 ms of the
// renderer's time before any provider is asked, with the user looking at nothing. We save what
// debug.saveBeforeStart asks ourselves and start the same configuration by its name.
import * as vscode from 'vscode';
import { F5_COMMAND, F5_CONTEXT, soleUmlConfiguration } from './f5Config';

/** A folder's launch configurations as launch.json has them (not yet checked). */
export const launchConfigurations = (folder: vscode.WorkspaceFolder | undefined) => vscode.workspace.getConfiguration('launch', folder?.uri).get<unknown>('configurations');

/** The name F5 starts, or undefined: VS Code's own F5 then runs (the keybinding's context is off). */
export function f5Configuration(): { folder: vscode.WorkspaceFolder; name: string } | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const name = folders.length ? soleUmlConfiguration(launchConfigurations(folders[0]), folders.length) : undefined;
  return name ? { folder: folders[0], name } : undefined;
}

let pressedAt: number | undefined;

/** When our F5 ran, for the timeline's first mark (once; undefined for any other start). */
export function takeF5Press(): number | undefined {
  const at = pressedAt;
  pressedAt = undefined;
  return at !== undefined && Date.now() - at < 10000 ? at : undefined;
}

async function start(): Promise<void> {
  const which = f5Configuration();
  if (!which) {
    // The context said otherwise a moment ago (launch.json just changed): VS Code's F5 decides.
    await vscode.commands.executeCommand('workbench.action.debug.start');
    return;
  }
  pressedAt = Date.now();
  const save = vscode.workspace.getConfiguration('debug').get<string>('saveBeforeStart', 'allEditorsInActiveGroup');
  if (save !== 'none' && vscode.workspace.textDocuments.some((d) => d.isDirty && !d.isUntitled)) await vscode.workspace.saveAll(false);
  await vscode.debug.startDebugging(which.folder, which.name, { suppressSaveBeforeStart: true });
}

export function registerF5(ctx: vscode.ExtensionContext): void {
  const update = () => void vscode.commands.executeCommand('setContext', F5_CONTEXT, !!f5Configuration());
  update();
  ctx.subscriptions.push(
    vscode.commands.registerCommand(F5_COMMAND, start),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('launch')) update(); }),
    vscode.workspace.onDidChangeWorkspaceFolders(update),
  );
}
