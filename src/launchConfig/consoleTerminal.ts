// The guest console's terminal, opened by the extension host itself. DAP's runInTerminal makes
// VS Code start the user's shell and type the command into it (about 0.8 s here); a terminal
// whose process is our helper is up in a fraction of that, and F5 reaches the guest sooner.
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Console terminals we opened, with the tty file whose removal ends their session. */
const owned = new Map<vscode.Terminal, string>();

export function openConsoleTerminal(a: DebugProtocol.RunInTerminalRequestArguments): Promise<void> {
  // Consoles of ended sessions (kept for their last words) give way to the new one, as
  // VS Code's own debug terminals are reused.
  for (const [t, ttyFile] of owned) {
    if (!fs.existsSync(ttyFile)) { owned.delete(t); t.dispose(); }
  }
  const [shellPath, ...shellArgs] = a.args;
  const t = vscode.window.createTerminal({
    name: a.title, shellPath, shellArgs, cwd: a.cwd, env: a.env ?? undefined,
    iconPath: new vscode.ThemeIcon('debug'), isTransient: true,
  });
  owned.set(t, shellArgs[1]);
  // Shown once its helper reports the tty (the process runs hidden): the panel's first paint
  // would otherwise hold up the debug toolbar, which the renderer draws at the same moment.
  const ttyFile = shellArgs[1];
  const started = Date.now();
  const reveal = setInterval(() => {
    if (!fs.existsSync(ttyFile) && Date.now() - started < 3000) return;
    clearInterval(reveal);
    t.show(true);
  }, 20);
  return Promise.resolve();
}

export function registerConsoleTerminals(ctx: vscode.ExtensionContext): void {
  ctx.subscriptions.push(vscode.window.onDidCloseTerminal((t) => owned.delete(t)));
}
