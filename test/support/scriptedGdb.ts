// A scripted MI stream in place of the gdb process, for unit tests of gdb.ts, the runtime and
// variables: the test answers each command (by token) and can send async records or die.
import { EventEmitter } from 'events';
import { PassThrough } from 'stream';
import { Gdb, GdbProcess } from '../../src/gdb/gdb';

export type Answer = (command: string, token: number, gdb: ScriptedGdb) => void;

export class ScriptedGdb extends EventEmitter implements GdbProcess {
  readonly pid = 424242;
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdio: unknown[] = [this.stdin, this.stdout, this.stderr];
  /** Every command received, without its token. */
  readonly commands: string[] = [];
  private buffered = '';

  constructor(private readonly answer: Answer) {
    super();
    this.stdin.setEncoding('utf8');
    this.stdin.on('data', (d: string) => {
      this.buffered += d;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const m = /^(\d+)(.*)$/.exec(line)!;
        this.commands.push(m[2]);
        this.answer(m[2], Number(m[1]), this);
      }
    });
  }

  /** Writes MI lines to the adapter, as gdb would. */
  write(...lines: string[]): void {
    this.stdout.write(lines.map((l) => `${l}\n`).join(''));
  }

  /** gdb dies: its stdout ends and the process exits. */
  die(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.stdout.end();
    setImmediate(() => this.emit('exit', null, signal));
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void { this.die(signal); }
}

/** Answers -gdb-exit by dying and everything else with ^done, unless `more` answers first. */
export function scripted(more: (command: string, token: number, g: ScriptedGdb) => boolean = () => false): { proc: ScriptedGdb; gdb: Gdb } {
  const proc = new ScriptedGdb((c, t, g) => {
    if (more(c, t, g)) return;
    if (c === '-gdb-exit') { g.write(`${t}^exit`); g.die('SIGTERM'); return; }
    g.write(`${t}^done`);
  });
  return { proc, gdb: new Gdb(proc) };
}
