// Commands that start sessions: debug, run without debugging (also the Instances view's buttons).
import * as vscode from 'vscode';
import { launchConfigurationFor } from './provider';
import { savedSources } from './rebuild';

async function start(noDebug: boolean): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const config = await launchConfigurationFor(folder);
  if (config) await vscode.debug.startDebugging(folder, config, { noDebug });
}

export function registerSessionCommands(ctx: vscode.ExtensionContext): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('umlKernelDebug.startDebugging', () => start(false)),
    vscode.commands.registerCommand('umlKernelDebug.runWithoutDebugging', () => start(true)),
    vscode.workspace.onDidSaveTextDocument((d) => savedSources.note(d.uri.fsPath)),
  );
}
