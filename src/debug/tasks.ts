// Kernel tasks as debugger threads. gdb sees UML as one host process; the threads VS Code shows
// are the kernel's tasks: the one that was running first (gdb's thread 1, as it is), then
// runnable, uninterruptible and sleeping ones, each with its own stack, read from its saved
// context (task->thread.switch_buf) only when asked for. UML's host helper threads come last.
import { Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MiCommands, ThreadEntry } from '../gdb/commands';
import { KernelTask, TaskState } from '../gdb/kernelPython';
import type { KernelModel } from '../targets/target';

/** DAP thread ids of tasks that are not running: this base plus the pid. */
export const TASK_THREAD_BASE = 1_000_000;

/** The gdb thread that answers for a DAP thread: tasks live in gdb's thread 1 (the kernel). */
export const gdbThreadOf = (dapThread: number) => (dapThread >= TASK_THREAD_BASE ? 1 : dapThread);

const STATE: Record<TaskState, string> = {
  R: 'runnable', S: 'sleeping', D: 'uninterruptible', I: 'idle', T: 'stopped', t: 'traced', Z: 'zombie', X: 'dead', P: 'parked', '?': 'unknown',
};
const ORDER: TaskState[] = ['R', 'D', 'S', 'I', 'T', 't', 'P', 'Z', 'X', '?'];

export function taskName(t: KernelTask, running: boolean): string {
  return `[${t.pid}] ${t.comm}${running ? ' (running)' : ` (${t.state}: ${STATE[t.state]})`}`;
}

/** The threads list: running task, then by state (R, D, S, I...) and pid; host helpers last. */
export function taskThreads(tasks: KernelTask[], current: bigint | undefined, hosts: ThreadEntry[], vcpus = false): DebugProtocol.Thread[] {
  const running = tasks.find((t) => t.addr === current);
  const others = tasks.filter((t) => t !== running)
    .sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || a.pid - b.pid);
  const out: DebugProtocol.Thread[] = [new Thread(1, running ? taskName(running, true) : vcpus ? 'CPU 0' : 'kernel')];
  for (const t of others) out.push(new Thread(TASK_THREAD_BASE + t.pid, taskName(t, false)));
  for (const h of hosts.filter((x) => x.id !== 1)) {
    if (vcpus) { out.push(new Thread(h.id, `CPU ${h.id - 1}`)); continue; }  // QEMU: the other virtual CPUs
    const lwp = /LWP (\d+)/.exec(h.targetId)?.[1];
    out.push(new Thread(h.id, `host helper${lwp ? ` (LWP ${lwp})` : ''}`));
  }
  return out;
}

export class TaskThreads {
  private tasks = new Map<number, KernelTask>();   // DAP thread id -> task, for this stop
  private failed = false;

  /**
   * exclusive: the runtime's one queue, which task contexts share with every interrupt and
   * resume; model: where the kernel keeps its running task, and what gdb's threads are.
   */
  constructor(private readonly mi: MiCommands, private readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly model: Pick<KernelModel, 'currentTask' | 'cpuThreads' | 'frozenRegisters'>, private readonly warn: (m: string) => void = () => undefined) {}

  /** The task running on (virtual) CPU 0: UML's cpu_tasks; x86's per-CPU current_task (SMP, then UP). */
  private async current(): Promise<bigint> {
    const exprs = this.model.currentTask;
    for (const [i, e] of exprs.entries()) {
      try { return BigInt(/0x[0-9a-f]+/.exec(await this.mi.dataEvaluateExpression(e))?.[0] ?? '0'); } catch (err) { if (i === exprs.length - 1) throw err; }
    }
    return 0n;
  }

  /** The guest ran: tasks and their states are news again. */
  invalidate(): void { this.tasks.clear(); this.topAtStop = undefined; this.shiftKnown = false; this.mi.frameShift = 0; }

  private topAtStop: string | undefined;
  private shiftKnown = false;

  /** Thread 1's frame `level` as gdb numbers it now: its pc and function. */
  private async topFrame(level = 0): Promise<string | undefined> {
    const f = (await this.mi.stackListFrames(1, level, level).catch(() => []))[0];
    return f ? `${f.addr} ${f.func}` : undefined;
  }

  /** How many frames gdb now shows above the running task's top frame at the stop (0 to 3). */
  private async hiddenFrames(): Promise<number> {
    for (let i = 0; this.topAtStop && i < 4; i++) if (await this.topFrame(i) === this.topAtStop) return i;
    return 0;
  }

  async threads(): Promise<DebugProtocol.Thread[]> {
    const hosts = await this.mi.threadInfo();
    let tasks: KernelTask[] = [];
    let current: bigint | undefined;
    try {
      tasks = await this.mi.tasks();
      current = await this.current();
    } catch (e) {
      // An old kernel's structures, or no symbols: the host threads, as gdb sees them.
      if (!this.failed) this.warn(`Kernel tasks are not shown as threads: ${(e as Error).message}`);
      this.failed = true;
    }
    this.tasks.clear();
    for (const t of tasks) if (t.addr !== current) this.tasks.set(TASK_THREAD_BASE + t.pid, t);
    return taskThreads(tasks, current, hosts.length ? hosts : [{ id: 1, targetId: '' }], this.model.cpuThreads);
  }

  /**
   * Runs fn with gdb's thread 1 showing `thread`'s saved context when it is a task that is not
   * running; the registers are put back afterwards, always. One task at a time.
   */
  withTask<T>(thread: number | undefined, fn: () => Promise<T>): Promise<T> {
    // Every frame read goes through here, in order: none may run while another task's context
    // is in the registers.
    const run = async () => {
      if (thread === undefined || thread < TASK_THREAD_BASE) return fn();
      const t = this.tasks.get(thread);
      if (!t) throw new Error('That task is gone (the guest has run since): pick it again in the Call Stack.');
      // gdb forgets the inline frames it hid at the stop once thread 1's pc changes: note the
      // running task's top frame before the first task's context goes in.
      this.topAtStop ??= await this.topFrame();
      const shift = this.mi.frameShift;
      if (this.model.frozenRegisters) {
        // A core: the task's frames follow thread 1's own top frames, which are skipped.
        this.mi.frameShift = await this.mi.taskView(t.addr);
      } else {
        this.mi.frameShift = 0;  // the task's own frames, as gdb numbers them
        await this.mi.taskEnter(t.addr);
      }
      try {
        return await fn();
      } finally {
        await (this.model.frozenRegisters ? this.mi.taskUnview() : this.mi.taskLeave());
        this.mi.frameShift = this.shiftKnown ? shift : await this.hiddenFrames();
        this.shiftKnown = true;
      }
    };
    return this.exclusive(run);
  }
}
