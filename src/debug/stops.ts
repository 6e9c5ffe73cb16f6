// What a gdb stop means for the user: a stop to show (and why), or one to pass over (a logpoint,
// a hit count not reached, an exception whose filter is off, UML's abort after a panic, UML
// ending or re-executing itself).
import { MiRecord, str, tuple } from '../gdb/mi';
import { reasonsOf } from './stepOff';
import { MiCommands } from '../gdb/commands';
import { Breakpoints, renderLogMessage } from './breakpoints';
import { ExceptionBreakpoints } from './exceptions';
import { ModuleSymbols } from './modules';
import { Endings, rebootNote } from './endings';
export type { ProcessExit } from './endings';

export type StopAction =
  | { show: { reason: string; text?: string; hitBreakpointIds?: number[] } }
  | { continue: true; say?: string }
  | { stepOff: string | undefined }
  | { log: string };

const WATCH_REASONS = new Set(['watchpoint-trigger', 'read-watchpoint-trigger', 'access-watchpoint-trigger']);

const watchpointOf = (r: MiRecord) => tuple(r.results.wpt) ?? tuple(r.results['hw-rwpt']) ?? tuple(r.results['hw-awpt']) ?? {};

/** "len: 0 -> 42", "len (read): 42": what a data breakpoint saw. */
export function watchText(r: MiRecord): string {
  const wpt = watchpointOf(r);
  const value = tuple(r.results.value) ?? {};
  const exp = str(wpt.exp) ?? 'watched value';
  const [old, now] = [str(value.old), str(value.new)];
  if (old !== undefined && now !== undefined) return `${exp}: ${old} -> ${now}`;
  if (now !== undefined) return `${exp}: ${now}`;
  return `${exp} (read): ${str(value.value) ?? '?'}`;
}

export class StopRouter {
  readonly endings: Endings;

  constructor(private readonly mi: MiCommands, private readonly breakpoints: Breakpoints, private readonly exceptions: ExceptionBreakpoints,
    private readonly modules: ModuleSymbols, private readonly o: { stopOnEntry: boolean; panicHint?: () => Promise<string | undefined>; uml?: boolean }) {
    this.endings = new Endings(mi);
  }

  /** A new boot: nothing has ended yet. */
  reset(): void { this.endings.reset(); }

  /** The exception filters' breakpoints and the internal ones that tell how UML ends. */
  async arm(): Promise<void> {
    await this.exceptions.apply();
    if (this.o.uml) await this.endings.arm();
  }

  async route(r: MiRecord): Promise<StopAction> {
    // gdb can repeat the key (function-finished and breakpoint-hit at once): the breakpoint decides.
    const reasons = reasonsOf(r);
    const reason = reasons.find((x) => x === 'breakpoint-hit' || WATCH_REASONS.has(x)) ?? reasons[0] ?? '';
    const thread = Number(str(r.results['thread-id']) ?? 1);
    if (reason === 'breakpoint-hit') {
      const num = Number(str(r.results.bkptno));
      const hook = this.modules.hookOf(num);
      if (hook) {
        // A module is being loaded (before its init runs) or freed: its symbols follow, unseen.
        await this.modules.onHook(hook).catch(() => undefined);
        return { continue: true };
      }
      if (this.endings.isHook(num)) {
        // UML ends (or reboots: it re-executes itself and gdb follows): the session says why.
        const ending = await this.endings.onHook(num, thread, tuple(r.results.frame));
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
        return { show: { reason: 'exception', text: ex.text } };
      }
      if (!this.breakpoints.countHit(num)) return { stepOff: str(tuple(r.results.frame)?.addr) };
      const entry = str(r.results.disp) === 'del' && this.o.stopOnEntry;
      return { show: { reason: entry ? 'entry' : 'breakpoint', hitBreakpointIds: [num] } };
    }
    if (WATCH_REASONS.has(reason)) {
      const num = Number(str(watchpointOf(r).number));
      if (!this.breakpoints.countHit(num)) return { continue: true };
      return { show: { reason: 'data breakpoint', text: watchText(r), hitBreakpointIds: [num] } };
    }
    if (reason === 'end-stepping-range' || reason === 'function-finished') return { show: { reason: 'step' } };
    if (reason === 'signal-received') {
      const sig = str(r.results['signal-name']);
      // After every panic UML aborts itself (os_dump_core): no news, whatever the filters; the
      // session's end says why.
      if (sig === 'SIGABRT' && await this.endings.abortAfterPanic({ thread, frame: 0 })) return { continue: true };
      if (sig !== 'SIGINT' && sig !== '0') return { show: { reason: 'exception', text: `${sig}: ${str(r.results['signal-meaning']) ?? ''}` } };
      return { show: { reason: 'pause' } };
    }
    return { show: { reason: reason || 'pause' } };
  }
}
