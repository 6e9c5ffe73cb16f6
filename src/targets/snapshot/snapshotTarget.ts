// A crash snapshot as a target: gdb opens the core beside the kernel's symbols and nothing ever
// runs. The session shows the stop as it was saved (its reason and text); reads work as at a
// live stop (stack, variables, memory, disassembly, tasks, lx- commands); anything that would
// run the kernel is refused with the reason.
import type { KernelModel, Target, TargetHost } from '../target';
import { X86_KERNEL } from '../qemu/qemuTarget';
import { UML_KERNEL } from '../uml/umlTarget';
import { SnapshotError } from './coreFile';
import { SnapshotPlan } from './plans';

// The live targets' kernels, minus what needs a running one; a core's registers are read-only.
const FROZEN = { endingHooks: false, moduleHooks: false, frozenRegisters: true };
const UML_SNAPSHOT: KernelModel = { ...UML_KERNEL, ...FROZEN };
const X86_SNAPSHOT: KernelModel = { ...X86_KERNEL, ...FROZEN };

export const SNAPSHOT_DOES_NOT_RUN = 'A crash snapshot does not run: it is the kernel as it was when saved. Start the kernel itself (F5) to run it.';

export class SnapshotTarget implements Target {
  readonly scriptsGdbCommand = 'make scripts_gdb';
  readonly gdbPipes = 0;

  constructor(readonly plan: SnapshotPlan) {}

  get kernel(): KernelModel { return this.plan.meta.target === 'qemu' ? X86_SNAPSHOT : UML_SNAPSHOT; }

  /** The stop the snapshot was saved at: the session shows it instead of running anything. */
  get frozen(): { reason: string; text?: string } { return { reason: this.plan.meta.reason, text: this.plan.meta.text }; }

  describe(): string {
    const m = this.plan.meta;
    return `Crash snapshot ${this.plan.core}: ${m.target === 'qemu' ? 'a kernel in QEMU' : `UML${m.umid ? ` instance ${m.umid}` : ''}`}, saved ${m.time}${m.text ? ` at "${m.text.split('\n')[0]}"` : ''}; gdbinit at ${this.plan.gdbinitPath}`;
  }

  consoleOrder(): 'first' | 'late' | 'none' { return 'none'; }

  preflight(): Promise<void> { return Promise.resolve(); }

  /** gdb opens the core; a core without the kernel's memory is refused, never shown as garbage. */
  async loaded(host: TargetHost): Promise<void> {
    await host.mi.targetCore(this.plan.core).catch((e: Error) => {
      throw new SnapshotError(`gdb could not open ${this.plan.core} as a core of ${this.plan.kernel.kernel}: ${e.message}`);
    });
    host.state = 'stopped';
    // init_task's list of tasks leads into memory the kernel allocated: a core without the
    // kernel's memory (a host core with its shared mappings filtered out) has none there, and
    // where the core has no bytes gdb reads the kernel file's (init_task's list then empty).
    const next = await host.mi.dataEvaluateExpression('init_task.tasks.next == &init_task.tasks ? 0 : (unsigned long) init_task.tasks.next->next').catch((e: Error) => e.message);
    if (!/^[1-9]\d*$/.test(next)) {
      throw new SnapshotError(`${this.plan.core} does not hold the kernel's memory (init_task's task list cannot be followed${next === '0' ? '' : `: ${next}`}): it was dumped without the kernel's memory mappings (gdb's gcore needs "set use-coredump-filter off" and "set dump-excluded-mappings on"; the debugger's own save does this).`);
    }
    host.phase('snapshot-opened');
  }

  run(): Promise<void> { return Promise.reject(new Error(SNAPSHOT_DOES_NOT_RUN)); }

  restartRefusal(): string { return SNAPSHOT_DOES_NOT_RUN; }

  watchpointRefusal(): Promise<string | undefined> { return Promise.resolve(SNAPSHOT_DOES_NOT_RUN); }

  endProcesses(): void { /* nothing was started */ }
}
