// Every resume from a breakpoint makes sure that one call gives one stop (and a logpoint one
// line). When a UML signal (timer, I/O) arrives while gdb steps over the breakpoint it resumes
// from, UML's handler returns to the breakpoint's address with the trap inserted, and gdb can
// report the same call again: same pc, same stack pointer, the instruction not yet run. (gdb
// 13.1 here: its dprintf re-reported 1 to 6 calls in 20 on a loaded host; MI continue, next,
// step and finish none in 2,700: this is the guard, for about 10 ms per resume from one.)
//
// continue (also after a logpoint, a hit count not reached, a hook or an exception whose filter
// is off), stepi, nexti and finish first step the breakpoint's instruction alone (nexti where
// the resume does not enter calls), again while gdb re-reports the trap in the same frame, then
// go on as asked; any later hit of that address is a real new execution. next and step are
// gdb's own (which line a step ends on is gdb's to say: statement boundaries, inlined code), given
// again when their stop is that same trap in the same frame: nothing ran, so the step starts over.
// A signal can also derail gdb's step where it cannot tell frames apart (a function's entry, an
// inlined call: seen on 6.12): the step then ends in UML's signal handler (hard_handler, above
// <signal handler called>, above the function stepped in). Then the handler is finished back to
// where it interrupted, and the step is given again from there.
// Each command is an ordinary resume whose stop comes back through next(): no timeout, and a
// pause stops it like any other.
//
// Dropping a re-report on continue instead (same breakpoint, pc and stack pointer) would be
// wrong: a caller that calls show() once per record does it from the same frame, each call a
// real one.
import type { Stop } from '../gdb/records';
import type { MiCommands } from '../gdb/commands';

export type ResumeKind = 'continue' | 'next' | 'step' | 'finish' | 'nexti' | 'stepi';
export type MiResume = (mi: MiCommands) => Promise<void>;

/** gdb's command for a resume (steps on `thread`). */
export function resumeCommand(kind: ResumeKind, thread = 1): MiResume {
  switch (kind) {
    case 'continue': return (mi) => mi.execContinue();
    case 'next': return (mi) => mi.execNext(thread);
    case 'nexti': return (mi) => mi.execNext(thread, true);
    case 'step': return (mi) => mi.execStep(thread);
    case 'stepi': return (mi) => mi.execStep(thread, true);
    case 'finish': return (mi) => mi.execFinish(thread);
  }
}

/** How each resume leaves a breakpoint: its instruction stepped alone (into calls or over them), or gdb's own step. */
const OFF: Record<ResumeKind, 'stepi' | 'nexti' | 'own'> = { continue: 'stepi', stepi: 'stepi', nexti: 'nexti', finish: 'nexti', next: 'own', step: 'own' };
/** How often the same trap may be re-reported before the stop is shown as it is. */
const MAX_AGAIN = 20;

interface Where { pc?: string; func?: string }

const whereOf = (r: Stop): Where => ({ pc: r.frame.addr, func: r.frame.func });

/** The pc of a stop that sits on a breakpoint (gdb names one), which a resume must leave. */
export function breakpointPc(r: Stop): string | undefined {
  if (r.bkptno === undefined || r.temporary) return undefined;  // a temporary one is gone
  return whereOf(r).pc;
}

const num = (s: string | undefined) => (s && /0x[0-9a-f]+/i.test(s) ? BigInt(/0x[0-9a-f]+/i.exec(s)![0]) : undefined);
const threadOf = (r: Stop) => r.threadId;

/** A resume in progress: the user's resume, where it started; 'unwind': finishing a signal handler that derailed a step. */
export interface Plan { kind: ResumeKind; thread: number; stopThread: number; from: Where; sp: bigint | undefined; again: number; phase?: 'unwind' }

/** What a stop during it means: the next command, or the user's stop. */
export type Next = { resume: MiResume } | { user: true };

/** The gdb reads a decision needs: the stack pointer in a thread's frame 0; the functions of frames 1 to 3. */
export interface Probe {
  sp(thread: number): Promise<bigint | undefined>;
  callers(thread: number): Promise<string[]>;
}

export function gdbProbe(mi: MiCommands): Probe {
  return {
    sp: async (thread) => num(await mi.dataEvaluateExpression('$sp', { thread, frame: 0 }).catch(() => '')),
    callers: async (thread) => (await mi.stackListFrames(thread, 1, 3).catch(() => [])).map((f) => f.func ?? ''),
  };
}

const SIGNAL_FRAME = '<signal handler called>';

/**
 * One stop during a resume of `plan`. 'again': gdb re-reported the trap in the same frame (or
 * stepped no further, or a derailed step is back where the signal came): give the same command
 * again. 'unwind': a signal derailed gdb's step into UML's handler. Otherwise what follows.
 */
export async function decide(plan: Plan, r: Stop, probe: Probe): Promise<Next | 'again' | 'unwind'> {
  const at = whereOf(r);
  const reasons = r.reasons;
  const stepped = reasons.includes('end-stepping-range') && r.bkptno === undefined;
  const own = OFF[plan.kind] === 'own';
  if (plan.phase === 'unwind') {
    // Back where the handler interrupted (the breakpoint itself, if that is where): step again.
    const elsewhere = (r.bkptno !== undefined && at.pc !== plan.from.pc) || reasons.includes('signal-received');
    return elsewhere ? { user: true } : 'again';
  }
  if (at.pc === plan.from.pc && plan.again < MAX_AGAIN) {
    if (stepped && !own) return 'again';
    // The same trap once more; one deeper in the stack (recursion, an interrupt) is a real stop.
    if (r.bkptno !== undefined && plan.sp !== undefined && await probe.sp(threadOf(r)) === plan.sp) return 'again';
  }
  if (own && stepped && plan.from.func !== undefined && at.func !== plan.from.func && plan.again < MAX_AGAIN) {
    const callers = await probe.callers(threadOf(r));
    if (callers[0] === SIGNAL_FRAME && callers.slice(1).includes(plan.from.func)) return 'unwind';
  }
  // gdb's own step has ended; or a real stop on the way off (another breakpoint, a pause).
  if (own || !stepped || at.pc === plan.from.pc) return { user: true };
  switch (plan.kind) {
    case 'continue': return { resume: resumeCommand('continue') };
    case 'finish':  // a `ret` stepped alone has already left the function
      return at.func === plan.from.func ? { resume: resumeCommand('finish', plan.thread) } : { user: true };
    default: return { user: true };  // stepi, nexti: that instruction was the step
  }
}

export class StepOff {
  /** The last stop the user saw or the adapter passed over: where the next resume starts. */
  private last: Stop | undefined;
  private plan: Plan | undefined;
  /** The runtime's resume count when the plan last resumed: any other resume (a breakpoint change while running) ends the plan. */
  private resumedAt = -1;

  /** resumes: how many resumes the runtime has given gdb, this one included while it is given. */
  constructor(private readonly probe: Probe, private readonly resumes: () => number) {}

  /**
   * The command that starts a resume of `kind`: gdb's own, with no gdb round trip, when the guest
   * is not stopped on a breakpoint; else the first step of a resume from it.
   */
  async begin(kind: ResumeKind, thread = 1): Promise<MiResume> {
    this.plan = undefined;
    const from = this.last;
    const onBreakpoint = !!from && !!breakpointPc(from);
    // next and step are watched for a derailing signal wherever they start (no gdb read until one ends elsewhere).
    if (!from || (!onBreakpoint && OFF[kind] !== 'own')) return resumeCommand(kind, thread);
    const plan: Plan = { kind, thread, stopThread: threadOf(from), from: whereOf(from), sp: onBreakpoint ? await this.probe.sp(threadOf(from)) : undefined, again: 0 };
    this.plan = plan;
    return this.first(plan);
  }

  /** A stop: the next command of the resume in progress, or undefined: the stop is the user's. */
  async next(r: Stop): Promise<MiResume | undefined> {
    const plan = this.plan;
    if (plan && this.resumes() === this.resumedAt) {
      const n = await decide(plan, r, this.probe);
      if (this.plan === plan) {  // not cancelled (a pause) meanwhile
        if (n === 'again') { plan.again++; plan.phase = undefined; return this.first(plan); }
        if (n === 'unwind') {
          plan.again++;
          plan.phase = 'unwind';
          return this.marked((mi) => mi.execFinish(threadOf(r), 1));  // out of <signal handler called>
        }
        this.plan = undefined;
        if ('resume' in n) return n.resume;
      }
    }
    this.plan = undefined;
    this.last = r;
    return undefined;
  }

  /** A pause: whatever stops next is the user's. */
  cancel(): void { this.plan = undefined; }

  /** A new boot: nothing to step off. */
  reset(): void { this.plan = undefined; this.last = undefined; }

  /** The breakpoint's instruction alone, on the thread that stopped there; or gdb's own step. */
  private first(plan: Plan): MiResume {
    const off = OFF[plan.kind];
    return this.marked(off === 'own' ? resumeCommand(plan.kind, plan.thread)
      : off === 'stepi' ? (mi) => mi.execStepInstruction(plan.stopThread) : (mi) => mi.execNext(plan.stopThread, true));
  }

  /** A command of the plan: the runtime's resume count while it is given says the next stop is its. */
  private marked(command: MiResume): MiResume {
    return async (mi) => { this.resumedAt = this.resumes(); await command(mi); };
  }
}
