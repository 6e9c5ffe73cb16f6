// The guest console in a VS Code terminal with a real tty: the adapter asks the client to run
// our small helper there (DAP runInTerminal); the helper reports its tty, and gdb starts the
// kernel on it (inferior-tty), so the guest console never touches gdb's MI pipes.
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';

/**
 * Opens a terminal running `a.args`: DAP's runInTerminal, or the extension host's own (faster)
 * terminal, which it may keep hidden until the returned reveal is called (when the tty is read).
 */
export type OpenTerminal = (a: DebugProtocol.RunInTerminalRequestArguments) => Promise<void | (() => void)>;

export class ConsoleTerminal {
  readonly ttyFile: string;

  constructor(private readonly sessionDir: string) {
    this.ttyFile = path.join(sessionDir, 'console-tty');
  }

  /**
   * `hold`: the helper keeps the terminal (and the guest's last words) open after the session,
   * for a terminal that is not a shell of its own (the extension host's).
   */
  async open(openTerminal: OpenTerminal, umid: string, cwd: string | undefined, o: { hold?: boolean; mark?: (phase: string) => void } = {}, timeoutMs = 15000): Promise<string> {
    fs.mkdirSync(this.sessionDir, { recursive: true });
    fs.rmSync(this.ttyFile, { force: true });
    const helper = path.join(__dirname, 'consoleTty.js');
    const reveal = await openTerminal({
      kind: 'integrated',
      title: `UML console: ${umid}`,
      cwd: cwd ?? this.sessionDir,
      args: [process.execPath, helper, this.ttyFile, ...(o.hold ? ['--hold'] : [])],
      // VS Code's own binary acts as node with this set; plain node ignores it.
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    o.mark?.('terminal-created');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const tty = fs.readFileSync(this.ttyFile, 'utf8').trim();
        if (tty) { reveal?.(); return tty; }
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 20));
    }
    reveal?.();  // whatever the terminal shows instead of a tty
    throw new Error('The console terminal did not report its tty. Set "console": "internalConsole" in launch.json to use the Debug Console instead.');
  }

  /** The helper watches the file: removing it ends the helper, which restores the terminal. */
  close(): void {
    fs.rmSync(this.ttyFile, { force: true });
  }
}
