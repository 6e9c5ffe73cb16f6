// One UML kernel under gdb: starts both, tracks run state, and ends both on every path.
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { Gdb, GdbError, GdbStartOptions } from '../gdb/gdb';
import { MiCommands } from '../gdb/commands';
import { MiRecord, str, tuple } from '../gdb/mi';
import { LaunchPlan, CONSOLE_FDS, HELPER_FILE, bindConsoleTty } from '../targets/uml/plans';
import { KERNEL_PY } from '../gdb/kernelPython';
import { killInstance, pruneSessions } from '../uml/host';
import { warmIndex, WarmResult } from '../gdb/indexCache';
import { QemuProcess, checkRunningKernel, connect, usesKvm } from '../targets/qemu/process';

export type RunState = 'idle' | 'running' | 'stopped' | 'exited';

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
 * Events: 'stopped' (MiRecord, a stop the user should see), 'output' (text, category),
 * 'exited' (reason text: the kernel ended or gdb died; then whether that is bad, and how the process ended), 'breakpoint-modified' (gdb's bkpt tuple),
 * 'phase' (name, detail: the launch's steps, for its timeline), 'resume-failed' (gdb's words:
 * it answered a resume, then could not do it; the kernel stays stopped).
 */
export class UmlRuntime extends EventEmitter {
  private gdb!: Gdb;
  /** The typed MI commands: the only way the adapter talks to gdb. */
  mi!: MiCommands;
  state: RunState = 'idle';
  inferiorPid: number | undefined;
  private internalStop: ((r: MiRecord) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private earlyFifo: string | undefined;
  private earlyStream: fs.ReadStream | undefined;
  private qemu: QemuProcess | undefined;
  /** The kernel binary as gdb loaded it (mtime and size): a restart notices a rebuild. */
  private kernelStamp: string | undefined;

  private readonly stopTimeoutMs: number;
  private readonly cancelWarm = new AbortController();

  /** The plan; a console terminal's tty is bound into it once known (bindTty). */
  get plan(): LaunchPlan { return this.currentPlan; }
  private currentPlan: LaunchPlan;

  /** opts.startGdb and opts.stopTimeoutMs let unit tests drive the runtime with a scripted MI stream. */
  constructor(plan: LaunchPlan, private readonly log: (s: string) => void = () => undefined,
    private readonly opts: { startGdb?: (o: GdbStartOptions) => Gdb; stopTimeoutMs?: number; warmIndex?: typeof warmIndex } = {}) {
    super();
    this.currentPlan = plan;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? STOP_TIMEOUT_MS;
  }

  /**
   * Writes the gdbinit, starts gdb and loads the kernel. Does not run it yet. A plan still
   * waiting for its console terminal loads all the same; bindTty completes it.
   */
  async start(): Promise<void> {
    const p = this.plan;
    this.emit('phase', 'runtime-start');
    pruneSessions(path.dirname(p.sessionDir), 20);
    fs.mkdirSync(p.sessionDir, { recursive: true });
    fs.writeFileSync(p.gdbinitPath, p.gdbinitText);
    fs.writeFileSync(path.join(p.sessionDir, HELPER_FILE), KERNEL_PY);
    // A kernel gdb's index cache has not seen: fill the cache in a gdb of its own first (about
    // 0.6 s), so the session's gdb loads it warm and the first stop does not wait seconds.
    this.kernelStamp = stampOf(p.kernel.kernel);
    await this.warmIndex();
    if (this.disposed) throw new Error('The session ended before gdb started.');
    const internal = p.mode === 'launch' && p.console === 'internalConsole' && !p.remote;
    this.gdb = (this.opts.startGdb ?? Gdb.start)({ gdbPath: p.gdbPath, cwd: p.cwd, env: p.env, extraPipes: internal ? 2 : 0 });
    this.emit('phase', 'gdb-started');
    this.mi = new MiCommands(this.gdb);
    this.gdb.on('sent', (c: string) => this.log(`-> ${c}`));
    this.gdb.on('exec', (r: MiRecord) => this.onExec(r));
    this.gdb.on('notify', (r: MiRecord) => {
      if (r.cls === 'thread-group-started') this.inferiorPid = Number(str(r.results.pid));
      // A pending breakpoint resolved (code loaded), or a location changed.
      if (r.cls === 'breakpoint-modified' && tuple(r.results.bkpt)) this.emit('breakpoint-modified', tuple(r.results.bkpt));
    });
    this.gdb.on('stream', (r: MiRecord) => { if (r.type !== 'console' || this.state !== 'idle') this.emit('output', r.text ?? '', 'console'); });
    this.gdb.on('foreign', (t: string) => this.emit('output', t + '\n', 'stdout'));
    this.gdb.on('exit', (code: number | undefined, signal: string | undefined, stderr: string) => this.onGdbExit(code, signal, stderr));
    this.gdb.on('late-error', (msg: string, log: string) => {
      // gdb said *running, then could not resume after all: the kernel is still stopped. "No such
      // process": a thread of an ending UML (its helpers are killed) went while gdb resumed it; the rest runs on to the exit.
      if (this.state !== 'running' || /No such process/.test(msg)) return;
      this.state = 'stopped';
      this.emit('resume-failed', `${log.trim()} ${msg}`.trim());
    });
    if (internal) {
      this.gdb.pipe(CONSOLE_FDS.outFd).on('data', (d: Buffer) => this.emit('output', d.toString('utf8'), 'stdout'));
      this.gdb.pipe(CONSOLE_FDS.inFd).on('error', () => undefined);
      this.gdb.pipe(CONSOLE_FDS.outFd).on('error', () => undefined);
    }
    // Pipelined: gdb loads the kernel while the FIFO is made (F5 latency is a benchmark target).
    const loaded = Promise.all([
      this.mi.gdbSet('mi-async', 'on'),
      this.mi.consoleExec(`source ${p.gdbinitPath}`),
    ]);
    loaded.catch(() => undefined);  // awaited below; this only keeps an early failure from going unhandled
    // The kernel's own stdout/stderr (early boot messages) must not reach gdb's MI stream:
    // they go through a FIFO to the Debug Console, or to the console terminal.
    const early = p.mode === 'launch' && !p.awaitingTty && !p.remote ? await this.makeEarlyFifo(p.consoleTty) : undefined;
    await loaded;
    this.emit('phase', 'symbols-loaded');
    if (early) await this.mi.inferiorTtySet(early);
    if (p.remote) await this.connectRemote();
  }

  /** QEMU: start it when the plan says so, connect to its gdbstub, check the kernel is the vmlinux. */
  private async connectRemote(): Promise<void> {
    const r = this.plan.remote!;
    this.mi.hardwareBreakpoints = r.hardwareBreakpoints;
    // The banner as the file has it, read before a target is there (then gdb reads its memory).
    const fileBanner = this.plan.mode === 'attach' ? await this.mi.dataEvaluateExpression('linux_banner').catch(() => undefined) : undefined;
    if (r.qemu) {
      this.qemu = new QemuProcess();
      this.qemu.start(r.qemu.command, r.qemu.args, (t, c) => this.emit('output', t, c), (why) => {
        if (this.disposed || this.state === 'exited') return;
        this.state = 'exited';
        this.emit('exited', `QEMU ended (${why}).`);
      });
    }
    // gdb reports the stopped target as a stop of its own: claimed, not shown.
    this.state = 'running';
    await this.internalStopAfter(() => connect(this.mi, r.address, { untilMs: Date.now() + (r.qemu ? 15000 : 0), qemuExited: () => this.qemu?.exited }), 'connect', 15000)
      .catch(async (e: Error) => {
        if (/gdb did not stop/.test(e.message)) return;
        this.state = 'idle';  // never connected: nothing to interrupt or detach
        throw e;
      });
    this.state = 'stopped';
    this.emit('phase', 'connected');
    if (this.plan.mode === 'attach') await checkRunningKernel(this.mi, fileBanner, this.plan.kernel.kernel);
    if (!r.hardwareBreakpoints && await usesKvm(this.mi)) {
      this.mi.hardwareBreakpoints = true;
      this.emit('output', 'QEMU runs this guest under KVM: breakpoints are hardware ones (the CPU\'s 4 debug registers).\n', 'console');
    }
  }

  /** Fills gdb's index cache for the kernel when it has not seen this build-id (a gdb of its own). */
  private async warmIndex(): Promise<void> {
    const p = this.plan;
    const warm: WarmResult = await (this.opts.warmIndex ?? warmIndex)(p.kernel.kernel, p.indexCacheDir, { gdbPath: p.gdbPath, signal: this.cancelWarm.signal });
    this.emit('phase', 'index-cache', warm);
  }

  /**
   * The console terminal exists (gdb has been loading the kernel meanwhile): its tty joins the
   * kernel's command line, the gdbinit on disk becomes the complete one, early output goes there.
   */
  async bindTty(tty: string): Promise<void> {
    this.currentPlan = bindConsoleTty(this.plan, tty);
    const p = this.plan;
    fs.writeFileSync(p.gdbinitPath, p.gdbinitText);
    const early = await this.makeEarlyFifo(tty);
    await this.mi.setArgs(p.args);
    await this.mi.inferiorTtySet(early);
  }

  async run(): Promise<void> {
    if (this.plan.stopOnEntry) await this.mi.breakInsert({ location: 'start_kernel', temporary: true });
    this.state = 'running';
    // QEMU waits at its first instruction (-S): continuing boots it.
    if (this.plan.remote) await this.mi.execContinue();
    else await this.mi.execRun();
  }

  /**
   * Reboots the guest under the same gdb: the kernel and all its host processes end (gdb's
   * `kill`, then every process of the umid), its instance directory goes, and the kernel runs
   * again with the same command line, console and breakpoints. Symbols stay loaded, unless the
   * kernel was rebuilt meanwhile: then gdb re-reads them at `run` and re-binds every breakpoint
   * by its file and line or function (breakpoint-modified says where each one is now).
   */
  restart(): Promise<void> {
    if (this.plan.mode !== 'launch') return Promise.reject(new Error('Restart reboots a kernel this session started; an attached kernel is not ours to reboot (detach and attach again).'));
    if (this.plan.remote) return Promise.reject(new Error('Restart reboots UML kernels; for a kernel in QEMU, Stop and start again (F5).'));
    return this.exclusive(async () => {
      if (this.state === 'running') await this.internalStopAfter(() => this.mi.execInterrupt(), 'interrupt before restart').catch(() => undefined);
      const kernel = this.plan.kernel.kernel;
      const stamp = stampOf(kernel);
      if (stamp !== this.kernelStamp) {
        this.kernelStamp = stamp;
        this.emit('output', `${path.basename(kernel)} was rebuilt since gdb loaded it: gdb re-reads its symbols and re-binds the breakpoints before the guest boots again.\n`, 'console');
        await this.warmIndex();  // the new build-id is new to gdb's index cache too
      }
      await this.mi.consoleExec('kill');  // no *stopped: the session does not end
      killInstance(this.plan.umlDir, this.plan.umid, this.inferiorPid ? [this.inferiorPid] : []);
      this.inferiorPid = undefined;
      this.state = 'running';
      await this.mi.execRun();
    });
  }

  /**
   * Runs `command` and waits for the *stopped it causes, claimed by us (not shown to the user).
   * If the command fails or no stop comes in time, the claim is dropped, so a later stop is
   * the user's again, and the error says what did not happen.
   */
  private async internalStopAfter(command: () => Promise<void>, what: string, ms = this.stopTimeoutMs): Promise<MiRecord> {
    let claim!: (r: MiRecord) => void;
    const stop = new Promise<MiRecord>((resolve) => { claim = resolve; });
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

  /** Attaches gdb to the running kernel; it stays stopped until the first resume. */
  async attach(): Promise<void> {
    this.state = 'running';
    await this.internalStopAfter(() => this.mi.targetAttach(this.plan.attachPid!), 'attach');
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
      const rec = await this.internalStopAfter(() => this.mi.execInterrupt(), 'interrupt');
      try {
        return await fn();
      } finally {
        const own = rec.cls === 'stopped' && str(rec.results.reason) === 'signal-received' && str(rec.results['signal-name']) === 'SIGINT';
        if (own) await this.resume(() => this.mi.execContinue());
        else if (isExit(rec)) this.onExited(rec);
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

  private onExec(r: MiRecord): void {
    if (r.cls === 'running') { this.state = 'running'; return; }
    if (r.cls !== 'stopped') return;
    if (isExit(r)) { this.onExited(r); return; }
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

  private onExited(r: MiRecord): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    if (this.disposed) return;  // we ended it (Stop): "killed by SIGKILL" is no news
    const reason = str(r.results.reason);
    const code = str(r.results['exit-code']);
    const sig = str(r.results['signal-name']);
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
      await this.internalStopAfter(() => this.mi.execInterrupt(), 'interrupt before detach', 3000).catch(() => undefined);
    }
    await this.mi.targetDetach();
  }

  private async makeEarlyFifo(terminalTty?: string): Promise<string> {
    const fifo = path.join(this.plan.sessionDir, 'early-output');
    fs.rmSync(fifo, { force: true });
    await execa('mkfifo', [fifo]);
    this.earlyFifo = fifo;
    // O_RDWR keeps the open from blocking and the reader from seeing EOF between writers.
    const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    this.earlyStream = fs.createReadStream('', { fd, autoClose: true });
    const toTerminal = terminalTty ? fs.createWriteStream(terminalTty, { flags: 'w' }) : undefined;
    toTerminal?.on('error', () => undefined);
    this.earlyStream.on('data', (d) => {
      // gdb's child says this when the kernel's stdio is not a terminal: expected, not news.
      const t = d.toString().replace(/^&"warning: GDB: Failed to set controlling terminal.*\n/m, '');
      if (!t) return;
      if (toTerminal) toTerminal.write(t.replace(/\r?\n/g, '\r\n'));
      else this.emit('output', t, 'stdout');
    });
    this.earlyStream.on('close', () => toTerminal?.end());
    this.earlyStream.on('error', () => undefined);
    return fifo;
  }

  /**
   * launch: ends the kernel (all its host processes) and gdb, removes ~/.uml/<umid>.
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
    const extra = this.inferiorPid ? [this.inferiorPid] : [];
    this.qemu?.kill();  // ours: it ends with the session
    killInstance(this.plan.umlDir, this.plan.umid, extra);
    if (this.gdb) await this.gdb.exit(1500);  // kills gdb if it does not quit in time
    // A process may have been forked while we killed: sweep once more.
    killInstance(this.plan.umlDir, this.plan.umid, extra);
    this.earlyStream?.destroy();
    if (this.earlyFifo) fs.rmSync(this.earlyFifo, { force: true });
    this.state = 'exited';
  }
}

export function isExit(r: MiRecord): boolean {
  const reason = str(r.results.reason) ?? '';
  return reason.startsWith('exited');
}

export { GdbError };
