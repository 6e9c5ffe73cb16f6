// The gdb process and its MI channel: tokens, results, async records, stream capture.
import { EventEmitter } from 'events';
import { execa, type ResultPromise } from 'execa';
import type { Readable, Writable } from 'stream';
import { MiReader, MiRecord, str } from './mi';
import { GdbEvent, gdbEvent } from './records';
import type { MiChannel } from './commands';
import { findExecutable } from '../uml/host';

export class GdbError extends Error {
  constructor(message: string, readonly command: string) { super(message); }
}

export const gdbMissing = (gdbPath: string) => `gdb not found: "${gdbPath}". Install it (apt-get install gdb) or set "gdbPath" in launch.json.`;

export interface GdbStartOptions {
  gdbPath: string;
  cwd?: string;
  env?: Record<string, string>;
  /** Extra pipes handed to gdb (and so to the kernel) as fds 3, 4, ...: the guest console. */
  extraPipes?: number;
}

/** What Gdb needs of the gdb process: execa's child, or scripted streams in unit tests. */
export interface GdbProcess {
  readonly pid?: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  readonly stdio: readonly unknown[];
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  kill(signal?: NodeJS.Signals): unknown;
}

interface Pending {
  token: number;
  command: string;
  /** Console text printed for this command, when it was sent with capture(). */
  console?: string[];
  resolve: (r: MiRecord) => void;
  reject: (e: Error) => void;
}

/**
 * Events: 'exec' (MiRecord: *running, *stopped), 'notify' (=...), 'stream' (console/log text
 * not captured for a command), 'foreign' (non-MI text on gdb's stdout), 'exit' (code, signal, stderrTail),
 * 'late-error' (msg, log: an error for a command already answered, e.g. a resume that failed).
 */
export class Gdb extends EventEmitter implements MiChannel {
  private proc: GdbProcess;
  private reader = new MiReader();
  private nextToken = 1;
  private pending = new Map<number, Pending>();
  private order: Pending[] = [];
  /** gdb's log lines (&"...") since the last result: what a late error was about. */
  private recentLog: string[] = [];
  private stderrTail = '';
  exited = false;
  readonly pid: number | undefined;

  /** Over an already started gdb process (Gdb.start), or scripted streams in unit tests. */
  constructor(proc: GdbProcess) {
    super();
    this.proc = proc;
    this.pid = proc.pid;
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => this.onData(d));
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => { this.stderrTail = (this.stderrTail + d).slice(-2000); });
    proc.stdin!.on('error', () => { /* gdb gone: reported through 'exit' */ });
    // The process's own exit, not execa's promise: that waits for every stdio pipe to close,
    // and the kernel's processes inherit the console pipes.
    let stdoutEnded = false;
    proc.stdout!.on('end', () => { stdoutEnded = true; });
    proc.on('exit', (code, signal) => {
      const done = () => this.onExit(code ?? undefined, signal ?? undefined);
      // Let gdb's last records (already in the pipe) arrive first, but never wait long.
      if (stdoutEnded) done();
      else { proc.stdout!.once('end', done); setTimeout(done, 200); }
    });
  }

  /** gdb's asynchronous records (a stop, the inferior's pid, a breakpoint's change, text), typed. */
  onEvent(listener: (e: GdbEvent) => void): void {
    const follow = (r: MiRecord) => { const e = gdbEvent(r); if (e) listener(e); };
    for (const kind of ['exec', 'notify', 'stream']) this.on(kind, follow);
  }

  static start(o: GdbStartOptions): Gdb {
    const gdb = findExecutable(o.gdbPath);
    if (!gdb) {
      throw new GdbError(gdbMissing(o.gdbPath), '');
    }
    const stdio = ['pipe', 'pipe', 'pipe', ...Array(o.extraPipes ?? 0).fill('pipe')] as const;
    const proc = execa(gdb, ['--interpreter=mi3', '--quiet', '--nx'], {
      stdio: stdio as unknown as ['pipe', 'pipe', 'pipe'],
      cwd: o.cwd,
      env: o.env,
      extendEnv: true,
      reject: false,
      buffer: false,
      cleanup: true,
    });
    proc.catch(() => undefined);  // the exit is reported through 'exit'
    return new Gdb(proc as ResultPromise & GdbProcess);
  }

  /** A descriptor handed to gdb beyond stdio (3, 4, ...). */
  pipe(fd: number): Readable & Writable {
    return this.proc.stdio[fd] as unknown as Readable & Writable;
  }

  /** Sends an MI command; resolves with its ^done/^running record, rejects on ^error. */
  send(command: string): Promise<MiRecord> {
    return this.submit(command, false).then((r) => r.record);
  }

  /** Sends an MI command and collects the console text gdb prints for it (CLI commands). */
  capture(command: string): Promise<{ record: MiRecord; console: string }> {
    return this.submit(command, true);
  }

  private submit(command: string, capture: boolean): Promise<{ record: MiRecord; console: string }> {
    if (this.exited) return Promise.reject(new GdbError('gdb has exited', command));
    const token = this.nextToken++;
    return new Promise((resolve, reject) => {
      const p: Pending = {
        token, command, console: capture ? [] : undefined,
        resolve: (record) => resolve({ record, console: p.console?.join('') ?? '' }), reject,
      };
      this.pending.set(token, p);
      this.order.push(p);
      this.emit('sent', `${token}${command}`);
      this.proc.stdin!.write(`${token}${command}\n`);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.exited) this.proc.kill(signal);
  }

  /** Asks gdb to quit; kills it if it has not gone within `ms`. */
  async exit(ms = 2000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.once('exit', () => r()));
    this.send('-gdb-exit').catch(() => undefined);
    const t = setTimeout(() => this.kill(), ms);
    await Promise.race([gone, new Promise((r) => setTimeout(r, ms + 1000))]);
    clearTimeout(t);
  }

  private onData(d: string): void {
    for (const rec of this.reader.push(d)) this.dispatch(rec);
  }

  private dispatch(rec: MiRecord): void {
    switch (rec.type) {
      case 'result': {
        const p = rec.token !== undefined ? this.pending.get(rec.token) : this.order[0];
        const log = this.recentLog.join('');
        this.recentLog = [];
        if (!p) {
          // A command answered twice: -exec-continue says ^running, then fails to place hardware
          // watchpoints and says ^error (the kernel never ran). The runtime must hear of it.
          if (rec.cls === 'error') this.emit('late-error', (str(rec.results.msg) ?? '').trim(), log);
          return;
        }
        this.pending.delete(p.token);
        this.order.splice(this.order.indexOf(p), 1);
        if (rec.cls === 'error') {
          const msg = str(rec.results.msg) ?? 'unknown gdb error';
          p.reject(new GdbError(msg.trim(), p.command));
        } else {
          p.resolve(rec);
        }
        return;
      }
      case 'console':
      case 'log':
      case 'target': {
        // gdb handles one command at a time: console text before a captured command's result
        // is that command's output. Everything else is its own stream.
        const p = this.order[0];
        if (rec.type === 'log') this.recentLog = [...this.recentLog, rec.text ?? ''].slice(-20);
        // target (@): a remote's answer to a command, such as QEMU's monitor through `monitor`.
        if (p?.console && (rec.type === 'console' || rec.type === 'target')) p.console.push(rec.text ?? '');
        else this.emit('stream', rec);
        return;
      }
      case 'exec':
        this.emit('exec', rec);
        return;
      case 'notify':
        this.emit('notify', rec);
        return;
      case 'other':
        this.emit('foreign', rec.text ?? '');
        return;
      default:
        return;
    }
  }

  private onExit(code: number | undefined, signal: string | undefined): void {
    if (this.exited) return;
    this.exited = true;
    for (const rec of this.reader.flush()) this.dispatch(rec);
    for (const p of this.order) p.reject(new GdbError('gdb exited', p.command));
    this.pending.clear();
    this.order = [];
    this.emit('exit', code, signal, this.stderrTail);
  }
}
