// What a gdb stop means for the user: a stop to show (and why), or one to pass over (a logpoint,
// a hit count not reached, an exception whose filter is off, UML's abort after a panic).
import { MiRecord, str, tuple } from '../gdb/mi';
import { MiCommands } from '../gdb/commands';
import { Breakpoints, renderLogMessage } from './breakpoints';
import { ExceptionBreakpoints } from './exceptions';
import { ModuleSymbols } from './modules';

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
  private panicked = false;

  constructor(private readonly mi: MiCommands, private readonly breakpoints: Breakpoints, private readonly exceptions: ExceptionBreakpoints,
    private readonly modules: ModuleSymbols, private readonly o: { stopOnEntry: boolean; panicHint?: () => Promise<string | undefined> }) {}

  /** A new boot: no panic seen yet. */
  reset(): void { this.panicked = false; }

  async route(r: MiRecord): Promise<StopAction> {
    const reason = str(r.results.reason) ?? '';
    const thread = Number(str(r.results['thread-id']) ?? 1);
    if (reason === 'breakpoint-hit') {
      const num = Number(str(r.results.bkptno));
      const hook = this.modules.hookOf(num);
      if (hook) {
        // A module is being loaded (before its init runs) or freed: its symbols follow, unseen.
        await this.modules.onHook(hook).catch(() => undefined);
        return { continue: true };
      }
      const msg = this.breakpoints.logMessage(num);
      if (msg !== undefined) return { log: await renderLogMessage(msg, (expr) => this.mi.dataEvaluateExpression(expr, { thread, frame: 0 })) };
      const at = this.exceptions.kindOf(num);
      if (at) {
        // A panic ends in UML's abort() whether or not it is shown: that SIGABRT is no news.
        if (at === 'panic') this.panicked = true;
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
      // After a panic UML aborts itself: the panic stop already showed where; let it end.
      if (sig === 'SIGABRT' && this.panicked) return { continue: true, say: 'UML aborts after the kernel panic.' };
      if (sig !== 'SIGINT' && sig !== '0') return { show: { reason: 'exception', text: `${sig}: ${str(r.results['signal-meaning']) ?? ''}` } };
      return { show: { reason: 'pause' } };
    }
    return { show: { reason: reason || 'pause' } };
  }
}
