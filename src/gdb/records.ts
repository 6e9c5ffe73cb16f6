// gdb's records as the adapter uses them: a stop, a frame, a breakpoint. MI's tuples are picked
// apart here, once, so nothing above src/gdb/ reads raw MI.
import { MiRecord, MiTuple, MiValue, list, str, tuple } from './mi';

export interface Frame {
  level?: number;
  addr?: string;
  func?: string;
  file?: string;
  fullname?: string;
  line?: number;
  /** The shared object of a frame without source (libc). */
  from?: string;
  args?: Array<{ name: string; value?: string }>;
}

/** What a data breakpoint saw: a write's old and new value, a read's value. */
export interface WatchHit { number: number; exp?: string; old?: string; new?: string; value?: string }

/** A `*stopped` record. */
export interface Stop {
  /** Every reason gdb gives (it repeats the key: function-finished and breakpoint-hit at once). */
  reasons: string[];
  threadId: number;
  frame: Frame;
  /** The breakpoint that stopped the guest, and whether it was a temporary one (now gone). */
  bkptno?: number;
  temporary: boolean;
  signal?: { name?: string; meaning?: string };
  watch?: WatchHit;
  /** The inferior ended (reason exited, exited-normally, exited-signalled). */
  exit?: { code?: string; signal?: string };
}

/** A breakpoint as gdb placed it (its first location, for code that is inlined or duplicated). */
export interface BreakpointInfo {
  number: number;
  /** Not in the loaded kernel (yet): what gdb waits for. */
  pending?: string;
  line?: number;
  fullname?: string;
  addr?: string;
}

const num = (v: MiValue | undefined): number | undefined => {
  const s = str(v);
  return s !== undefined && s !== '' && !Number.isNaN(Number(s)) ? Number(s) : undefined;
};

export function frameRecord(v: MiValue | undefined): Frame {
  const f: MiTuple = tuple(v) ?? {};
  const args = f.args !== undefined ? list(f.args).map((a) => tuple(a) ?? {}).map((a) => ({ name: str(a.name) ?? '', value: str(a.value) })) : undefined;
  const out: Frame = { level: num(f.level), addr: str(f.addr), func: str(f.func), file: str(f.file), fullname: str(f.fullname), line: num(f.line), from: str(f.from), args };
  for (const k of Object.keys(out) as Array<keyof Frame>) if (out[k] === undefined) delete out[k];
  return out;
}

export function stopRecord(r: MiRecord): Stop {
  const v = r.results.reason;
  const reasons = (v === undefined ? [] : Array.isArray(v) ? list(v) : [v]).map((x) => str(x) ?? '');
  const stop: Stop = { reasons, threadId: num(r.results['thread-id']) ?? 1, frame: frameRecord(r.results.frame), temporary: str(r.results.disp) === 'del' };
  const bkptno = num(r.results.bkptno);
  if (bkptno !== undefined) stop.bkptno = bkptno;
  if (r.results['signal-name'] !== undefined) stop.signal = { name: str(r.results['signal-name']), meaning: str(r.results['signal-meaning']) };
  const wpt = tuple(r.results.wpt) ?? tuple(r.results['hw-rwpt']) ?? tuple(r.results['hw-awpt']);
  if (wpt) {
    const value = tuple(r.results.value) ?? {};
    stop.watch = { number: num(wpt.number) ?? 0, exp: str(wpt.exp), old: str(value.old), new: str(value.new), value: str(value.value) };
  }
  if (reasons.some((x) => x.startsWith('exited'))) stop.exit = { code: str(r.results['exit-code']), signal: str(r.results['signal-name']) };
  return stop;
}

export function breakpointRecord(b: MiTuple): BreakpointInfo {
  const pending = str(b.addr) === '<PENDING>' || str(b.pending) !== undefined;
  const loc = tuple(list(b.locations)[0]) ?? b;
  const addr = str(loc.addr);
  const info: BreakpointInfo = { number: num(b.number) ?? 0 };
  if (pending) info.pending = str(b.pending) ?? str(b['original-location']) ?? '';
  const line = num(loc.line) ?? num(b.line);
  if (line) info.line = line;
  const full = str(loc.fullname) ?? str(b.fullname);
  if (full) info.fullname = full;
  if (addr && addr !== '<PENDING>' && addr !== '<MULTIPLE>') info.addr = addr;
  return info;
}

/** gdb's asynchronous records the runtime follows, typed. */
export type GdbEvent =
  | { kind: 'running' }
  | { kind: 'stopped'; stop: Stop }
  /** The inferior's pid (thread-group-started). */
  | { kind: 'started'; pid: number }
  /** A pending breakpoint resolved (code loaded), or a location changed. */
  | { kind: 'breakpoint-modified'; info: BreakpointInfo }
  /** Text gdb prints: its console (CLI output), the target's, its log. */
  | { kind: 'text'; stream: 'console' | 'target' | 'log'; text: string };

export function gdbEvent(r: MiRecord): GdbEvent | undefined {
  if (r.type === 'exec') {
    if (r.cls === 'running') return { kind: 'running' };
    if (r.cls === 'stopped') return { kind: 'stopped', stop: stopRecord(r) };
    return undefined;
  }
  if (r.type === 'notify') {
    if (r.cls === 'thread-group-started') return { kind: 'started', pid: Number(str(r.results.pid)) };
    const b = r.cls === 'breakpoint-modified' ? tuple(r.results.bkpt) : undefined;
    return b ? { kind: 'breakpoint-modified', info: breakpointRecord(b) } : undefined;
  }
  if (r.type === 'console' || r.type === 'target' || r.type === 'log') return { kind: 'text', stream: r.type, text: r.text ?? '' };
  return undefined;
}
