// The kernel's own stdout/stderr (early boot messages, before its console is up) must not reach
// gdb's MI stream: gdb gives the kernel a FIFO (inferior-tty), read here into the Debug Console
// or the console terminal.
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';

export class EarlyOutput {
  private fifo: string | undefined;
  private stream: fs.ReadStream | undefined;

  constructor(private readonly sessionDir: string, private readonly output: (text: string) => void) {}

  /** Makes the FIFO and reads it; `terminalTty`: the text goes to that terminal instead. */
  async make(terminalTty?: string): Promise<string> {
    this.close();
    const fifo = path.join(this.sessionDir, 'early-output');
    fs.rmSync(fifo, { force: true });
    await execa('mkfifo', [fifo]);
    this.fifo = fifo;
    // O_RDWR keeps the open from blocking and the reader from seeing EOF between writers.
    const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    const stream = fs.createReadStream('', { fd, autoClose: true });
    this.stream = stream;
    const toTerminal = terminalTty ? fs.createWriteStream(terminalTty, { flags: 'w' }) : undefined;
    toTerminal?.on('error', () => undefined);
    stream.on('data', (d) => {
      // gdb's child says this when the kernel's stdio is not a terminal: expected, not news.
      const t = d.toString().replace(/^&"warning: GDB: Failed to set controlling terminal.*\n/m, '');
      if (!t) return;
      if (toTerminal) toTerminal.write(t.replace(/\r?\n/g, '\r\n'));
      else this.output(t);
    });
    stream.on('close', () => toTerminal?.end());
    stream.on('error', () => undefined);
    return fifo;
  }

  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
    if (this.fifo) fs.rmSync(this.fifo, { force: true });
    this.fifo = undefined;
  }
}
