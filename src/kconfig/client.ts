// The Kconfig language server's client (extension host): started for a workspace folder that
// is a kernel tree, with the server in its own process (dist/kconfigServer.js over IPC).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { KCONFIG_STATUS, KconfigInitOptions, KconfigStatusParams } from '../shared/messages';
import { buildDirSetting } from '../config';

export function registerKconfigServer(ctx: vscode.ExtensionContext): void {
  const folder = vscode.workspace.workspaceFolders?.find((f) => fs.existsSync(path.join(f.uri.fsPath, 'Kconfig')) && fs.existsSync(path.join(f.uri.fsPath, 'scripts', 'kconfig')));
  if (!folder) return;
  const module = ctx.asAbsolutePath(path.join('dist', 'kconfigServer.js'));
  const initializationOptions: KconfigInitOptions = { tree: folder.uri.fsPath, buildDir: buildDirSetting(folder) };
  const client = new LanguageClient('umlKconfig', 'Kconfig (UML Kernel Debug)', {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc },
  }, {
    // C and Makefiles too: hover and go to definition on CONFIG_ symbols.
    documentSelector: ['kconfig', 'kconfig-dotconfig', 'c', 'cpp', 'makefile'].map((language) => ({ scheme: 'file', language })),
    initializationOptions,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '{.config,*/.config}')) },
  });
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, -1);
  status.text = '$(sync~spin) Kconfig: indexing';
  status.show();
  client.onNotification(KCONFIG_STATUS, (s: KconfigStatusParams) => {
    status.text = '$(check) Kconfig';
    status.tooltip = s.text;
    setTimeout(() => status.hide(), 10000);
  });
  ctx.subscriptions.push(client, status);
  void client.start().catch((e: Error) => { status.text = '$(error) Kconfig'; status.tooltip = `The Kconfig language server did not start: ${e.message}`; });
}
