// The guest console's terminal, opened by the extension host itself. DAP's runInTerminal makes
// VS Code start the user's shell and type the command into it (about 0.8 s here); a terminal
// whose process is our helper is up in a fraction of that, and F5 reaches the guest sooner.
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Console terminals we opened, with the tty file whose removal ends their session. */
const owned = new Map<vscode.Terminal, string>();

/**
 * The toolbar first: VS Code draws it 20 ms after it focuses the new session, and a terminal
 * created in that moment (tens of ms of the renderer's time) holds it up. The terminal waits
 * for the session to be the active one (at most 300 ms), then for the toolbar's paint.
 */
async function afterToolbar(session: vscode.DebugSession | undefined): Promise<void> {
  if (!session) return;
  if (vscode.debug.activeDebugSession?.id !== session.id) {
    await new Promise<void>((resolve) => {
      const done = () => { clearTimeout(cap); sub.dispose(); resolve(); };
      const sub = vscode.debug.onDidChangeActiveDebugSession((s) => { if (s?.id === session.id) done(); });
      const cap = setTimeout(done, 300);
    });
  }
  await new Promise((r) => setTimeout(r, 30));
}

export async function openConsoleTerminal(a: DebugProtocol.RunInTerminalRequestArguments, session?: vscode.DebugSession): Promise<() => void> {
  await afterToolbar(session);
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
  // Shown when the adapter has read its tty (the process runs hidden until then): the panel's
  // first paint would otherwise compete with the debug toolbar's.
  return () => t.show(true);
}

export function registerConsoleTerminals(ctx: vscode.ExtensionContext): void {
  ctx.subscriptions.push(vscode.window.onDidCloseTerminal((t) => owned.delete(t)));
}
