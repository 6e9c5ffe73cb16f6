// A kernel in QEMU as a target: gdb connects to QEMU's gdbstub (QEMU started by the session,
// stopped at its first instruction, or by someone else); the kernel was checked to be the
// vmlinux's; Stop ends the QEMU the session started, or detaches.
import * as fs from 'fs';
import type { MiCommands } from '../../gdb/commands';
import type { KernelModel, Target, TargetHost } from '../target';
import { QemuPlan, withQemuConsole } from './plans';
import { QemuProcess, checkRunningKernel, connect, usesKvm } from './process';
import { exitReport, parseExitLine } from '../payload/guestScripts';
import { writeInitramfs } from '../payload/initramfsPayload';

// x86's current task is per-CPU (SMP: current_task plus the CPU's offset; UP: the variable itself).
export const X86_KERNEL: KernelModel = {
  currentTask: ['*(void **)((unsigned long)&current_task + __per_cpu_offset[0])', '(void *)current_task'],
  cpuThreads: true, endingHooks: false, moduleHooks: false,
};

export class QemuTarget implements Target {
  readonly kernel = X86_KERNEL;
  readonly scriptsGdbCommand = 'make scripts_gdb';
  readonly gdbPipes = 0;
  readonly snapshotKind = 'qemu';
  private qemu: QemuProcess | undefined;

  constructor(private current: QemuPlan) {}

  get plan(): QemuPlan { return this.current; }

  describe(): string {
    const p = this.plan;
    return p.mode === 'attach' ? `Connecting to the gdbstub at ${p.address}; gdbinit at ${p.gdbinitPath}` : `QEMU, gdbstub at ${p.address}: gdbinit at ${p.gdbinitPath}`;
  }

  /** QEMU's serial console is the terminal's tty: the terminal comes before QEMU starts. */
  consoleOrder(wantTerminal: boolean): 'first' | 'late' | 'none' { return wantTerminal && this.plan.qemu ? 'first' : 'none'; }

  useConsoleTty(tty: string): void { this.current = withQemuConsole(this.plan, tty); }

  preflight(): Promise<void> { return Promise.resolve(); }

  /** Start QEMU when the plan says so, connect to its gdbstub, check the kernel is the vmlinux. */
  async loaded(host: TargetHost): Promise<void> {
    const p = this.plan;
    host.mi.hardwareBreakpoints = p.hardwareBreakpoints;
    // The banner as the file has it, read before a target is there (then gdb reads its memory).
    const fileBanner = p.mode === 'attach' ? await host.mi.dataEvaluateExpression('linux_banner').catch(() => undefined) : undefined;
    if (p.qemu) {
      if (p.payload) writeInitramfs(p.payload);
      const said = this.payloadEnd(host);
      this.qemu = new QemuProcess();
      this.qemu.start(p.qemu.command, p.qemu.args, (t, c) => { host.output(t, c); said(t); }, (why) => host.ended(`QEMU ended (${why}).`));
    }
    // gdb reports the stopped target as a stop of its own: claimed, not shown.
    host.state = 'running';
    await host.claimStop(() => connect(host.mi, p.address, { untilMs: Date.now() + (p.qemu ? 15000 : 0), qemuExited: () => this.qemu?.exited }), 'connect', 15000)
      .catch((e: Error) => {
        if (/gdb did not stop/.test(e.message)) return;
        host.state = 'idle';  // never connected: nothing to interrupt or detach
        throw e;
      });
    host.state = 'stopped';
    host.phase('connected');
    if (p.mode === 'attach') await checkRunningKernel(host.mi, fileBanner, p.kernel.kernel);
    if (!p.hardwareBreakpoints && await usesKvm(host.mi)) {
      host.mi.hardwareBreakpoints = true;
      host.output('QEMU runs this guest under KVM: breakpoints are hardware ones (the CPU\'s 4 debug registers).\n', 'console');
    }
  }

  /** The payload's end, read from the serial console when it reaches the adapter (internalConsole); its output is in the console itself. */
  private payloadEnd(host: TargetHost): (text: string) => void {
    let tail = '';
    let said = false;
    return (text) => {
      if (!this.plan.payload || said) return;
      tail = (tail + text).slice(-400);
      const end = parseExitLine(tail);
      if (!end || !/status \d+\r?\n/.test(tail)) return;
      said = true;
      host.output(exitReport(end.name, end.status), 'important');
    };
  }

  /**
   * QEMU's own ELF dump of the guest (its monitor, through the gdbstub): memory by the guest's
   * virtual addresses (-p: through its page tables, so gdb reads the kernel's addresses) and
   * each virtual CPU's registers.
   */
  async saveCore(mi: MiCommands, file: string): Promise<void> {
    const said = await mi.consoleExec(`monitor dump-guest-memory -p ${file}`);
    if (!fs.existsSync(file)) throw new Error(`QEMU did not write the dump: ${said.trim()}`);
  }

  /** QEMU waits at its first instruction (-S): continuing boots it. */
  run(mi: MiCommands): Promise<void> { return mi.execContinue(); }

  restartRefusal(): string | undefined {
    return this.plan.mode === 'launch' ? 'Restart reboots UML kernels; for a kernel in QEMU, Stop and start again (F5).'
      : 'Restart reboots a kernel this session started; an attached kernel is not ours to reboot (detach and attach again).';
  }

  /** QEMU's gdbstub has its own watchpoints. */
  watchpointRefusal(): Promise<string | undefined> { return Promise.resolve(undefined); }

  endProcesses(): void { this.qemu?.kill(); }

  cleanup(): void { if (this.plan.payload) fs.rmSync(this.plan.payload.initrd, { force: true }); }
}
