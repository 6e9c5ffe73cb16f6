// A UML kernel as a target: a host process gdb starts (its console a terminal's tty, pipes, or
// the Debug Console) or attaches to; Restart reboots it under the same gdb; its end kills every
// process of its umid and removes ~/.uml/<umid>.
import * as fs from 'fs';
import type { Gdb } from '../../gdb/gdb';
import type { MiCommands } from '../../gdb/commands';
import { killInstance, runningPid } from '../../uml/host';
import { HostfsPayload } from '../payload/hostfsPayload';
import { exitReport } from '../payload/guestScripts';
import { hwWatchRefusalFor } from '../../hostcompat/hwWatch';
import type { XsaveNotes } from '../../hostcompat/sessionNotes';
import type { KernelModel, Target, TargetHost } from '../target';
import { UmlPlan, CONSOLE_FDS, bindConsoleTty } from './plans';
import { EarlyOutput } from './earlyOutput';
import { NoDebugRun } from './noDebugRun';

export const UML_KERNEL: KernelModel = { currentTask: ['cpu_tasks[0].task'], cpuThreads: false, endingHooks: true, moduleHooks: true };

export class UmlTarget implements Target {
  readonly kernel = UML_KERNEL;
  readonly scriptsGdbCommand = 'make ARCH=um scripts_gdb';
  readonly snapshotKind = 'uml';
  private early: EarlyOutput | undefined;
  private earlyFifo: string | undefined;
  private payload: HostfsPayload | undefined;

  constructor(private current: UmlPlan) {}

  get plan(): UmlPlan { return this.current; }

  describe(): string {
    const p = this.plan;
    return p.mode === 'attach' ? `Attaching to UML instance ${p.umid} (pid ${p.attachPid}); gdbinit at ${p.gdbinitPath}` : `UML instance ${p.umid}: gdbinit at ${p.gdbinitPath}`;
  }

  /**
   * gdb's core of the UML process. The kernel's memory is a shared mapping of a deleted file:
   * included whatever the host's coredump_filter says.
   */
  async saveCore(mi: MiCommands, file: string): Promise<void> {
    await mi.consoleExec('set use-coredump-filter off');
    await mi.consoleExec('set dump-excluded-mappings on');
    await mi.consoleExec(`gcore ${file}`);
  }

  /** The kernel opens the terminal's tty at boot: gdb loads it while the terminal opens. */
  consoleOrder(): 'first' | 'late' | 'none' { return this.plan.awaitingTty ? 'late' : 'none'; }

  preflight(notes: XsaveNotes): Promise<void> { return notes.check(this.plan.kernel.kernel); }

  get hostRoot(): string | undefined { return this.plan.cmdline?.rootfsKind === 'hostfs' ? this.plan.cmdline.rootfs : undefined; }

  private get internalConsole(): boolean { return this.plan.mode === 'launch' && this.plan.console === 'internalConsole'; }

  get gdbPipes(): number { return this.internalConsole ? 2 : 0; }

  /** internalConsole: the kernel's console is two pipes gdb hands it (con0=fd:3,fd:4). */
  gdbStarted(gdb: Gdb, host: TargetHost): void {
    if (!this.internalConsole) return;
    gdb.pipe(CONSOLE_FDS.outFd).on('data', (d: Buffer) => host.output(d.toString('utf8'), 'stdout'));
    gdb.pipe(CONSOLE_FDS.inFd).on('error', () => undefined);
    gdb.pipe(CONSOLE_FDS.outFd).on('error', () => undefined);
  }

  private earlyOutput(host: TargetHost): EarlyOutput {
    this.early ??= new EarlyOutput(this.plan.sessionDir, (t) => host.output(t, 'stdout'));
    return this.early;
  }

  async besideLoad(host: TargetHost): Promise<void> {
    if (this.plan.mode === 'launch' && !this.plan.awaitingTty) this.earlyFifo = await this.earlyOutput(host).make(this.plan.consoleTty);
  }

  async loaded(host: TargetHost): Promise<void> {
    if (this.plan.mode === 'launch' && this.plan.payload) this.startPayload(host);
    if (this.earlyFifo) await host.mi.inferiorTtySet(this.earlyFifo);
    if (this.plan.mode === 'attach') {
      // gdb joins the running kernel, which stays stopped until the first resume.
      host.state = 'running';
      await host.claimStop(() => host.mi.targetAttach(this.plan.attachPid!), 'attach');
    }
  }

  /** The payload goes into the root before the kernel boots; its end is reported when the guest writes it. */
  private startPayload(host: TargetHost): void {
    const p = this.plan;
    this.payload = new HostfsPayload(p.payload!);
    this.payload.install((umid) => !!runningPid(p.umlDir, umid));
    const name = p.payload!.block.name;
    this.payload.watch((status, output) => {
      host.output(exitReport(name, status), 'important');
      host.output(output ? `${name} output:\n${output}${output.endsWith('\n') ? '' : '\n'}` : `${name} printed nothing.\n`, 'console');
    });
  }

  /** The terminal's tty joins the kernel's command line; the gdbinit on disk becomes the complete one. */
  async bindTty(host: TargetHost, tty: string): Promise<void> {
    this.current = bindConsoleTty(this.plan, tty);
    const p = this.plan;
    fs.writeFileSync(p.gdbinitPath, p.gdbinitText);
    const early = await this.earlyOutput(host).make(tty);
    await host.mi.setArgs(p.args);
    await host.mi.inferiorTtySet(early);
  }

  run(mi: MiCommands): Promise<void> { return mi.execRun(); }

  restartRefusal(): string | undefined {
    return this.plan.mode === 'launch' ? undefined : 'Restart reboots a kernel this session started; an attached kernel is not ours to reboot (detach and attach again).';
  }

  /** The kernel and all its host processes end (gdb's `kill`: no *stopped, the session goes on), then it boots again. */
  async reboot(host: TargetHost): Promise<void> {
    await host.mi.consoleExec('kill');
    killInstance(this.plan.umlDir, this.plan.umid, host.inferiorPid ? [host.inferiorPid] : []);
    host.inferiorPid = undefined;
    this.payload?.reset();
    host.state = 'running';
    await host.mi.execRun();
  }

  /** gdb's watchpoints are the host CPU's debug registers: some hypervisors never deliver their traps. */
  watchpointRefusal(): Promise<string | undefined> { return hwWatchRefusalFor(this.plan.gdbPath); }

  endProcesses(host: TargetHost): void {
    killInstance(this.plan.umlDir, this.plan.umid, host.inferiorPid ? [host.inferiorPid] : []);
  }

  cleanup(): void {
    this.early?.close();
    this.payload?.remove();
  }

  /** Run Without Debugging: the same plan, the kernel without gdb. */
  withoutDebugger(): NoDebugRun { return new NoDebugRun(this.plan); }
}
