// The guest console in a VS Code terminal with a real tty: the adapter asks the client to run
// our small helper there (DAP runInTerminal); the helper reports its tty, and gdb starts the
// kernel on it (inferior-tty), so the guest console never touches gdb's MI pipes.
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';

type RunInTerminal = (a: DebugProtocol.RunInTerminalRequestArguments, cb: (r: DebugProtocol.Response) => void) => void;

export class ConsoleTerminal {
  readonly ttyFile: string;

  constructor(private readonly sessionDir: string) {
    this.ttyFile = path.join(sessionDir, 'console-tty');
  }

  async open(run: RunInTerminal, umid: string, cwd: string | undefined, timeoutMs = 15000): Promise<string> {
    fs.mkdirSync(this.sessionDir, { recursive: true });
    fs.rmSync(this.ttyFile, { force: true });
    const helper = path.join(__dirname, 'consoleTty.js');
    await new Promise<void>((resolve, reject) => run({
      kind: 'integrated',
      title: `UML console: ${umid}`,
      cwd: cwd ?? this.sessionDir,
      args: [process.execPath, helper, this.ttyFile],
      // VS Code's own binary acts as node with this set; plain node ignores it.
      env: { ELECTRON_RUN_AS_NODE: '1' },
    }, (r) => (r.success ? resolve() : reject(new Error(`Could not open the console terminal: ${r.message}`)))));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const tty = fs.readFileSync(this.ttyFile, 'utf8').trim();
        if (tty) return tty;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('The console terminal did not report its tty. Set "console": "internalConsole" in launch.json to use the Debug Console instead.');
  }

  /** The helper watches the file: removing it ends the helper, which restores the terminal. */
  close(): void {
    fs.rmSync(this.ttyFile, { force: true });
  }
}
