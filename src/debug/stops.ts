// What a gdb stop means for the user: a stop to show (and why), or one to pass over (a logpoint,
// a hit count not reached, an exception whose filter is off, UML's abort after a panic, UML
// ending or re-executing itself).
import type { Stop } from '../gdb/records';
import { MiCommands } from '../gdb/commands';
import { Breakpoints, renderLogMessage } from './breakpoints';
import { ExceptionBreakpoints } from './exceptions';
import { ModuleSymbols } from './modules';
import { Endings, rebootNote } from './endings';
export type { ProcessExit } from './endings';

export type StopAction =
  | { show: { reason: string; text?: string; hitBreakpointIds?: number[]; crash?: boolean } }
  | { continue: true; say?: string }
  | { stepOff: string | undefined }
  | { log: string };

const WATCH_REASONS = new Set(['watchpoint-trigger', 'read-watchpoint-trigger', 'access-watchpoint-trigger']);

/** "len: 0 -> 42", "len (read): 42": what a data breakpoint saw. */
export function watchText(r: Stop): string {
  const w = r.watch;
  const exp = w?.exp ?? 'watched value';
  if (w?.old !== undefined && w.new !== undefined) return `${exp}: ${w.old} -> ${w.new}`;
  if (w?.new !== undefined) return `${exp}: ${w.new}`;
  return `${exp} (read): ${w?.value ?? '?'}`;
}

export class StopRouter {
  readonly endings: Endings;

  constructor(private readonly mi: MiCommands, private readonly breakpoints: Breakpoints, private readonly exceptions: ExceptionBreakpoints,
    private readonly modules: ModuleSymbols, private readonly o: { stopOnEntry: boolean; panicHint?: () => Promise<string | undefined>; endingHooks?: boolean }) {
    this.endings = new Endings(mi);
  }

  /** A new boot: nothing has ended yet. */
  reset(): void { this.endings.reset(); }

  /** The exception filters' breakpoints and the internal ones that tell how UML ends. */
  async arm(): Promise<void> {
    await this.exceptions.apply();
    if (this.o.endingHooks) await this.endings.arm();
  }

  async route(r: Stop): Promise<StopAction> {
    // gdb can repeat the key (function-finished and breakpoint-hit at once): the breakpoint decides.
    const reasons = r.reasons;
    const reason = reasons.find((x) => x === 'breakpoint-hit' || WATCH_REASONS.has(x)) ?? reasons[0] ?? '';
    const thread = r.threadId;
    if (reason === 'breakpoint-hit') {
      const num = r.bkptno ?? 0;
      const hook = this.modules.hookOf(num);
      if (hook) {
        // A module is being loaded (before its init runs) or freed: its symbols follow, unseen.
        await this.modules.onHook(hook).catch(() => undefined);
        return { continue: true };
      }
      if (this.endings.isHook(num)) {
        // UML ends (or reboots: it re-executes itself and gdb follows): the session says why.
        const ending = await this.endings.onHook(num, thread, r.frame);
        if (ending.kind !== 'reboot' && ending.kind !== 'mconsole-reboot') return { continue: true };
        // A new boot follows (its end overwrites this one): hit counts and modules start over.
        this.breakpoints.resetHits();
        this.modules.reset();
        return { continue: true, say: rebootNote(ending) };
      }
      const msg = this.breakpoints.logMessage(num);
      if (msg !== undefined) return { log: await renderLogMessage(msg, (expr) => this.mi.dataEvaluateExpression(expr, { thread, frame: 0 })) };
      const at = this.exceptions.kindOf(num);
      if (at) {
        const ex = await this.exceptions.describe(at, { thread, frame: 0 }, at === 'panic' ? this.o.panicHint : undefined);
        if (!ex) return { continue: true };  // its filter is off
        return { show: { reason: 'exception', text: ex.text, crash: at === 'panic' } };  // oops and BUG end in panic() too
      }
      if (!this.breakpoints.countHit(num)) return { stepOff: r.frame.addr };
      const entry = r.temporary && this.o.stopOnEntry;
      return { show: { reason: entry ? 'entry' : 'breakpoint', hitBreakpointIds: [num] } };
    }
    if (WATCH_REASONS.has(reason)) {
      const num = r.watch?.number ?? 0;
      if (!this.breakpoints.countHit(num)) return { continue: true };
      return { show: { reason: 'data breakpoint', text: watchText(r), hitBreakpointIds: [num] } };
    }
    if (reason === 'end-stepping-range' || reason === 'function-finished') return { show: { reason: 'step' } };
    if (reason === 'signal-received') {
      const sig = r.signal?.name;
      // After every panic UML aborts itself (os_dump_core): no news, whatever the filters; the
      // session's end says why.
      if (sig === 'SIGABRT' && await this.endings.abortAfterPanic({ thread, frame: 0 })) return { continue: true };
      if (sig !== 'SIGINT' && sig !== '0') return { show: { reason: 'exception', text: `${sig}: ${r.signal?.meaning ?? ''}` } };
      return { show: { reason: 'pause' } };
    }
    return { show: { reason: reason || 'pause' } };
  }
}
