// Run control of one debugged kernel: gdb started on the target's plan, the run state, the one
// queue every interrupt, resume and task-context read goes through, and the end of both on every
// path. What differs between targets (UML, QEMU) is the target's (src/targets).
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { Gdb, GdbError, GdbStartOptions } from '../gdb/gdb';
import { MiCommands } from '../gdb/commands';
import type { GdbEvent, Stop } from '../gdb/records';
import { warmIndex, WarmResult } from '../gdb/indexCache';
import type { RunState, Target, TargetHost } from '../targets/target';
import { writeSessionFiles } from '../targets/sessionFiles';

export type { RunState };
/** How long gdb may take to stop the kernel (interrupt, attach, a single step) before we say so. */
export const STOP_TIMEOUT_MS = 10000;

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function stampOf(file: string): string | undefined {
  try { const s = fs.statSync(file); return `${s.mtimeMs}:${s.size}`; } catch { return undefined; }
}

/**
 * Events: 'stopped' (Stop, a stop the user should see), 'output' (text, category),
 * 'exited' (reason text: the kernel ended or gdb died; then whether that is bad, and how the process ended),
 * 'breakpoint-modified' (BreakpointInfo), 'phase' (name, detail: the launch's steps, for its
 * timeline), 'resume-failed' (gdb's words: it answered a resume, then could not do it; the
 * kernel stays stopped).
 */
export class Runtime extends EventEmitter implements TargetHost {
  private gdb!: Gdb;
  /** The typed MI commands: the only way the adapter talks to gdb. */
  mi!: MiCommands;
  state: RunState = 'idle';
  inferiorPid: number | undefined;
  private internalStop: ((r: Stop) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** The kernel binary as gdb loaded it (mtime and size): a restart notices a rebuild. */
  private kernelStamp: string | undefined;

  private readonly stopTimeoutMs: number;
  private readonly cancelWarm = new AbortController();
  /** opts.startGdb and opts.stopTimeoutMs let unit tests drive the runtime with a scripted MI stream. */
  constructor(readonly target: Target, private readonly log: (s: string) => void = () => undefined,
    private readonly opts: { startGdb?: (o: GdbStartOptions) => Gdb; stopTimeoutMs?: number; warmIndex?: typeof warmIndex } = {}) {
    super();
    this.stopTimeoutMs = opts.stopTimeoutMs ?? STOP_TIMEOUT_MS;
  }

  // The target's hands on the run (TargetHost): the runtime lends itself.
  output(text: string, category: 'console' | 'stdout' | 'stderr' | 'important'): void { this.emit('output', text, category); }
  phase(name: string): void { this.emit('phase', name); }
  /** The target ended by itself (QEMU exited): the session ends, saying why. */
  ended(why: string): void {
    if (this.disposed || this.state === 'exited') return;
    this.state = 'exited';
    this.emit('exited', why);
  }

  get plan() { return this.target.plan; }

  /**
   * Writes the session's files, starts gdb and loads the kernel; the target connects or attaches.
   * Does not run it yet. A UML plan still waiting for its console terminal loads all the same;
   * bindTty completes it.
   */
  async start(): Promise<void> {
    const p = this.plan;
    this.emit('phase', 'runtime-start');
    writeSessionFiles(p);
    // A kernel gdb's index cache has not seen: fill the cache in a gdb of its own first (about
    // 0.6 s), so the session's gdb loads it warm and the first stop does not wait seconds.
    this.kernelStamp = stampOf(p.kernel.kernel);
    await this.warmIndex();
    if (this.disposed) throw new Error('The session ended before gdb started.');
    this.gdb = (this.opts.startGdb ?? Gdb.start)({ gdbPath: p.gdbPath, cwd: p.cwd, env: p.env, extraPipes: this.target.gdbPipes });
    this.emit('phase', 'gdb-started');
    this.mi = new MiCommands(this.gdb);
    this.gdb.on('sent', (c: string) => this.log(`-> ${c}`));
    // gdb's records, typed (records.ts): nothing here picks MI apart.
    this.gdb.onEvent((e) => this.onEvent(e));
    this.gdb.on('foreign', (t: string) => this.emit('output', t + '\n', 'stdout'));
    this.gdb.on('exit', (code: number | undefined, signal: string | undefined, stderr: string) => this.onGdbExit(code, signal, stderr));
    this.gdb.on('late-error', (msg: string, log: string) => {
      // gdb said *running, then could not resume after all: the kernel is still stopped. "No such
      // process": a thread of an ending UML (its helpers are killed) went while gdb resumed it; the rest runs on to the exit.
      if (this.state !== 'running' || /No such process/.test(msg)) return;
      this.state = 'stopped';
      this.emit('resume-failed', `${log.trim()} ${msg}`.trim());
    });
    this.target.gdbStarted?.(this.gdb, this);
    // Pipelined: gdb loads the kernel while the target does its own part (F5 latency is a benchmark target).
    const loaded = Promise.all([
      this.mi.gdbSet('mi-async', 'on'),
      this.mi.consoleExec(`source ${p.gdbinitPath}`),
    ]);
    loaded.catch(() => undefined);  // awaited below; this only keeps an early failure from going unhandled
    await this.target.besideLoad?.(this);
    await loaded;
    this.emit('phase', 'symbols-loaded');
    await this.target.loaded(this);
  }

  /** Fills gdb's index cache for the kernel when it has not seen this build-id (a gdb of its own). */
  private async warmIndex(): Promise<void> {
    const p = this.plan;
    const warm: WarmResult = await (this.opts.warmIndex ?? warmIndex)(p.kernel.kernel, p.indexCacheDir, { gdbPath: p.gdbPath, signal: this.cancelWarm.signal });
    this.emit('phase', 'index-cache', warm);
  }

  /** The console terminal exists (gdb has been loading the kernel meanwhile): the target takes its tty. */
  async bindTty(tty: string): Promise<void> {
    if (!this.target.bindTty) throw new Error('this target opens no terminal late');
    await this.target.bindTty(this, tty);
  }

  async run(): Promise<void> {
    if (this.plan.stopOnEntry) await this.mi.breakInsert({ location: 'start_kernel', temporary: true });
    this.state = 'running';
    await this.target.run(this.mi);
  }

  /**
   * Reboots the guest under the same gdb: the kernel ends, and runs again with the same command
   * line, console and breakpoints. Symbols stay loaded, unless the kernel was rebuilt meanwhile:
   * then gdb re-reads them at `run` and re-binds every breakpoint by its file and line or function
   * (breakpoint-modified says where each one is now).
   */
  restart(): Promise<void> {
    const refusal = this.target.restartRefusal();
    if (refusal || !this.target.reboot) return Promise.reject(new Error(refusal ?? 'This target cannot be restarted.'));
    const reboot = this.target.reboot.bind(this.target);
    return this.exclusive(async () => {
      if (this.state === 'running') await this.claimStop(() => this.mi.execInterrupt(), 'interrupt before restart').catch(() => undefined);
      const kernel = this.plan.kernel.kernel;
      const stamp = stampOf(kernel);
      if (stamp !== this.kernelStamp) {
        this.kernelStamp = stamp;
        this.emit('output', `${path.basename(kernel)} was rebuilt since gdb loaded it: gdb re-reads its symbols and re-binds the breakpoints before the guest boots again.\n`, 'console');
        await this.warmIndex();  // the new build-id is new to gdb's index cache too
      }
      await reboot(this);
    });
  }

  /**
   * Runs `command` and waits for the *stopped it causes, claimed by us (not shown to the user).
   * If the command fails or no stop comes in time, the claim is dropped, so a later stop is
   * the user's again, and the error says what did not happen.
   */
  async claimStop(command: () => Promise<void>, what: string, ms = this.stopTimeoutMs): Promise<Stop> {
    let claim!: (r: Stop) => void;
    const stop = new Promise<Stop>((resolve) => { claim = resolve; });
    this.internalStop = claim;
    try {
      await command();
      return await withTimeout(stop, ms, `gdb did not stop the kernel within ${ms / 1000} s (${what}).`);
    } finally {
      if (this.internalStop === claim) this.internalStop = undefined;
    }
  }

  /** The next stop or exit the user sees. */
  private nextUserStop(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { this.off('stopped', done); this.off('exited', done); resolve(); };
      this.on('stopped', done);
      this.on('exited', done);
    });
  }

  /** Serialises operations that interrupt and resume the guest. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.queue.then(fn, fn);
    this.queue = r.catch(() => undefined);
    return r;
  }

  /**
   * Runs fn with the guest stopped. If it was running, interrupts it and resumes afterwards,
   * invisibly to the user (used for breakpoint changes while the guest runs).
   */
  withStopped<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      if (this.state !== 'running') return fn();
      const rec = await this.claimStop(() => this.mi.execInterrupt(), 'interrupt');
      try {
        return await fn();
      } finally {
        const own = rec.reasons[0] === 'signal-received' && rec.signal?.name === 'SIGINT';
        if (own) await this.resume(() => this.mi.execContinue());
        else if (rec.exit) this.onExited(rec);
        else { this.state = 'stopped'; this.emit('stopped', rec); }  // something real happened meanwhile
      }
    });
  }

  /** Interrupts the guest; resolves when the stop has been reported, not on gdb's ^done. */
  async pause(): Promise<void> {
    if (this.state !== 'running') return;
    const stopped = this.nextUserStop();
    await this.mi.execInterrupt();
    await withTimeout(stopped, this.stopTimeoutMs, `gdb did not stop the kernel within ${this.stopTimeoutMs / 1000} s of the pause.`);
  }

  /** For requests that read the stopped guest (stack, variables): a clear error while it runs. */
  requireStopped(toDo: string): void {
    if (this.state === 'running') throw new Error(`The guest is running: pause it (F6) to ${toDo}.`);
    if (this.state !== 'stopped') throw new Error(`The kernel is not stopped (${this.state}): nothing to ${toDo}.`);
  }

  /** How many resumes gdb has been given (this one included while it is given): stepOff.ts tells its own from others. */
  resumes = 0;

  /** continue, next, step...: marks running before gdb answers, so a fast stop is not lost. */
  async resume(command: () => Promise<void>): Promise<void> {
    this.state = 'running';
    this.resumes++;
    try {
      await command();
    } catch (e) {
      this.state = 'stopped';
      throw e;
    }
  }

  private onEvent(e: GdbEvent): void {
    switch (e.kind) {
      case 'running': this.state = 'running'; return;
      case 'stopped': this.onStop(e.stop); return;
      case 'started': this.inferiorPid = e.pid; return;
      case 'breakpoint-modified': this.emit('breakpoint-modified', e.info); return;
      // gdb's console text before the kernel runs is the gdbinit's own: not news.
      case 'text': if (e.stream !== 'console' || this.state !== 'idle') this.emit('output', e.text, 'console');
    }
  }

  private onStop(r: Stop): void {
    if (r.exit) { this.onExited(r); return; }
    if (this.internalStop) {
      const cb = this.internalStop;
      this.internalStop = undefined;
      this.state = 'stopped';
      cb(r);
      return;
    }
    this.state = 'stopped';
    this.emit('stopped', r);
  }

  private onExited(r: Stop): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    if (this.disposed) return;  // we ended it (Stop): "killed by SIGKILL" is no news
    const reason = r.reasons[0];
    const { code, signal: sig } = r.exit ?? {};
    this.emit('exited', reason === 'exited-signalled' ? `The kernel was killed by ${sig}.` : `The kernel exited${code ? ` with code ${parseInt(code, 8)}` : ''}.`, false, { code, signal: sig });
  }

  private onGdbExit(code: number | undefined, signal: string | undefined, stderr: string): void {
    if (this.disposed || this.state === 'exited') return;
    this.state = 'exited';
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    this.emit('exited', `gdb ${how} unexpectedly; the kernel was stopped.${stderr.trim() ? ` gdb said: ${stderr.trim().slice(-500)}` : ''}`, true);
  }

  private async detach(): Promise<void> {
    if (!this.gdb || this.gdb.exited || this.state === 'exited' || this.state === 'idle') return;
    if (this.state === 'running') {
      // gdb detaches a stopped process only; if the stop does not come, detach anyway.
      await this.claimStop(() => this.mi.execInterrupt(), 'interrupt before detach', 3000).catch(() => undefined);
    }
    await this.mi.targetDetach();
  }

  /**
   * launch: ends the kernel (every process the target started) and gdb.
   * attach: detaches and leaves the guest running. Idempotent.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelWarm.abort();
    if (this.plan.mode === 'attach') {
      // gdb's exit detaches too; the user still hears that the clean detach failed.
      await this.detach().catch((e: Error) => this.emit('output', `Detaching from the kernel failed (${e.message}); gdb quits, which detaches it.\n`, 'stderr'));
      if (this.gdb) await this.gdb.exit(1500);
      this.state = 'exited';
      return;
    }
    this.target.endProcesses(this);
    if (this.gdb) await this.gdb.exit(1500);  // kills gdb if it does not quit in time
    // A process may have been forked while we killed: sweep once more.
    this.target.endProcesses(this);
    this.target.cleanup?.();
    this.state = 'exited';
  }
}

export { GdbError };
