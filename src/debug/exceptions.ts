// Exception breakpoints: the kernel's own ways of saying something went wrong, each a filter in
// the Breakpoints view. On UML an oops (a kernel-mode fault) and BUG() end in panic() with
// their own messages, so panic() serves both filters and the message tells them apart.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MiCommands, Where } from '../gdb/commands';
import { formatAtEntry } from './panicFormat';

export type ExceptionKind = 'panic' | 'oops' | 'warn' | 'signal';

export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'panic', label: 'Kernel panic', default: true, description: 'Stop in panic(), before the kernel halts (every panic, oops and BUG included).' },
  { filter: 'oops', label: 'Oops / BUG', default: true, description: 'Stop at a kernel-mode fault or BUG() (on UML both end in panic() with their own message).' },
  { filter: 'warn', label: 'WARN', default: false, description: 'Stop at WARN() / WARN_ON() (__warn), with its file, line and message.' },
  { filter: 'signal', label: 'Guest process crashed', default: false, description: 'Stop when a guest process is killed by a core-dumping signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT...).' },
];

/**
 * Where each kind stops: panic and oops share panic(), at its first instruction, where its
 * format's arguments are still in their registers (the stop shows the message formatted).
 */
const LOCATION: Record<ExceptionKind, string> = { panic: '*panic', oops: '*panic', warn: '__warn', signal: 'do_coredump' };

/** UML's panic messages for kernel-mode faults and BUG() (arch/um/kernel/trap.c, asm-generic/bug.h). */
const OOPS_FMT = /^(BUG!|Kernel mode fault|Segfault with no mm|Kernel tried to access user memory|Kernel mode signal)/;

/**
 * The running task on UML: its thread_info sits at the bottom of the kernel stack (THREAD_SIZE
 * aligned; init_stack is THREAD_SIZE long). The kernel's $lx_current() knows only x86's per-cpu
 * current_task, which UML does not have.
 */
export const UML_CURRENT = '((struct thread_info *)((unsigned long)$sp & ~((unsigned long)sizeof(init_stack) - 1)))->task';

const SIGNALS: Record<number, string> = { 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV', 24: 'SIGXCPU', 25: 'SIGXFSZ', 31: 'SIGSYS' };

export interface ExceptionStop { id: string; kind: ExceptionKind; text: string }

/** A C string as gdb prints it (0x605b1828 "text"), unquoted; undefined for anything else. */
export function cString(value: string): string | undefined {
  const m = /"((?:[^"\\]|\\.)*)"/.exec(value);
  return m ? m[1].replace(/\\n$/, '').replace(/\\"/g, '"') : undefined;
}

export class ExceptionBreakpoints {
  private enabled = new Set<ExceptionKind>(EXCEPTION_FILTERS.filter((f) => f.default).map((f) => f.filter as ExceptionKind));
  /** gdb breakpoint number per location (panic, __warn, do_coredump). */
  private numbers = new Map<string, number>();
  last: ExceptionStop | undefined;

  constructor(private readonly mi: MiCommands, private readonly warn: (message: string) => void) {}

  /** Filters the launch turns on whatever the client chooses (a payload's "stopOn"). */
  private forced = new Set<ExceptionKind>();

  /** The filters the client chose; gdb breakpoints follow (inserted, or deleted when no longer needed). */
  async set(filters: string[]): Promise<DebugProtocol.Breakpoint[]> {
    this.enabled = new Set([...filters, ...this.forced].filter((f): f is ExceptionKind => f in LOCATION));
    return this.apply();
  }

  /** Turns `kinds` on for the whole session (a reproducer must stop at its crash even with WARN off in the view). */
  force(kinds: string[]): void {
    for (const k of kinds) if (k in LOCATION) { this.forced.add(k as ExceptionKind); this.enabled.add(k as ExceptionKind); }
  }

  async apply(): Promise<DebugProtocol.Breakpoint[]> {
    const wanted = new Set([...this.enabled].map((k) => LOCATION[k]));
    for (const [loc, num] of this.numbers) {
      if (wanted.has(loc)) continue;
      this.numbers.delete(loc);
      await this.mi.breakDelete([num]).catch(() => undefined);
    }
    const out: DebugProtocol.Breakpoint[] = [];
    for (const kind of this.enabled) {
      const loc = LOCATION[kind];
      if (!this.numbers.has(loc)) {
        try {
          this.numbers.set(loc, (await this.mi.breakInsert({ location: loc })).number);
        } catch (e) {
          const why = kind === 'signal' ? ' (the kernel needs CONFIG_COREDUMP)' : kind === 'warn' ? ' (the kernel needs CONFIG_BUG)' : '';
          const fn = loc.replace(/^\*/, '');
          this.warn(`Could not stop on "${EXCEPTION_FILTERS.find((f) => f.filter === kind)!.label}": no ${fn}() in this kernel${why}: ${(e as Error).message}`);
          out.push({ verified: false, message: `no ${fn}() in this kernel${why}` });
          continue;
        }
      }
      out.push({ verified: true });
    }
    return out;
  }

  /** The location kind of gdb breakpoint `num`, if it is one of ours. */
  kindOf(num: number): 'panic' | 'warn' | 'signal' | undefined {
    for (const [loc, n] of this.numbers) if (n === num) return loc === '*panic' ? 'panic' : loc === '__warn' ? 'warn' : 'signal';
    return undefined;
  }

  /**
   * What the stop at our breakpoint means, read from the kernel (panic's message, __warn's file
   * and line, the signal and the process); undefined when its filter is off (panic() hit for an
   * oops with only "Kernel panic" on, or the other way round): then the guest goes on.
   */
  async describe(at: 'panic' | 'warn' | 'signal', where: Where, hint?: () => Promise<string | undefined>): Promise<ExceptionStop | undefined> {
    const ev = (e: string, w: Where = where) => this.mi.dataEvaluateExpression(e, w).catch(() => '');
    let stop: ExceptionStop;
    if (at === 'panic') {
      const fmt = cString(await ev('fmt')) ?? '';
      const oops = OOPS_FMT.test(fmt);
      // Every panic stops with "Kernel panic" on; an oops or BUG (a panic on UML) also with "Oops / BUG".
      if (!this.enabled.has('panic') && !(oops && this.enabled.has('oops'))) return undefined;
      const msg = (fmt.includes('%') ? await formatAtEntry(this.mi, fmt, where) : undefined) ?? fmt;
      let text = oops ? `Oops: ${msg}` : `Kernel panic${msg ? `: ${msg}` : ''}`;
      const caller = { ...where, frame: where.frame + 1 };
      if (/^Kernel (mode fault|tried to access user memory)/.test(fmt)) {
        // The fault's address and ip are segv()'s (the caller): the message with its values.
        // `address` is often optimized out; it is FAULT_ADDRESS(fi), fi.cr2 on x86_64.
        const known = (v: string) => (v && !/optimized out/.test(v) ? v : '');
        const addr = known(await ev('address', caller)) || known(await ev('fi.cr2', caller));
        const ip = known(await ev('ip', caller));
        if (addr && ip) text = `Oops: ${fmt.replace(/ at addr .*/, '')} at addr ${hexOf(addr)}, ip ${hexOf(ip)}${await symbolAt(this.mi, ip, where)}`;
      } else if (fmt === 'BUG!') {
        text = 'BUG() hit: see the caller frame (the BUG() site) in the call stack';
      }
      const more = await hint?.();
      stop = { id: oops ? (fmt === 'BUG!' ? 'BUG' : 'oops') : 'panic', kind: oops ? 'oops' : 'panic', text: more ? `${text}. ${more}` : text };
    } else if (at === 'warn') {
      const file = cString(await ev('file'));
      const line = await ev('line');
      const caller = await ev('caller');
      const msg = cString(await ev('args ? args->fmt : 0'));
      stop = { id: 'WARN', kind: 'warn', text: `WARNING${file ? ` at ${file}:${line}` : ''}${await callerOf(this.mi, caller, where)}${msg ? `: ${msg}` : ''}` };
    } else {
      const signo = Number(await ev('siginfo->si_signo'));
      const name = SIGNALS[signo] ?? `signal ${signo}`;
      const comm = cString(await ev(`${UML_CURRENT}->comm`));
      const pid = await ev(`${UML_CURRENT}->pid`);
      // A fault's address; a signal sent by kill (si_code <= 0, SI_USER) has none.
      const fault = Number(await ev('siginfo->si_code')) > 0;
      const addr = fault && (signo === 11 || signo === 7) ? await ev('siginfo->_sifields._sigfault._addr') : '';
      stop = { id: name, kind: 'signal', text: `Guest process ${comm ? `${comm} (pid ${pid})` : ''} killed by ${name}${addr ? ` at address ${hexOf(addr)}` : ''}`.replace('process  killed', 'process killed') };
    }
    if (stop.kind !== 'panic' && stop.kind !== 'oops' && !this.enabled.has(stop.kind)) return undefined;
    this.last = stop;
    return stop;
  }

  info(): DebugProtocol.ExceptionInfoResponse['body'] {
    const s = this.last;
    if (!s) throw new Error('No exception: the last stop was not at a panic, oops, WARN or crash.');
    return { exceptionId: s.id, description: s.text, breakMode: 'always', details: { message: s.text, typeName: EXCEPTION_FILTERS.find((f) => f.filter === s.kind)!.label } };
  }
}

/** "(void *) 0x6012a4 <lkdtm_WARNING+20>" -> 0x6012a4; a plain number as hex. */
function hexOf(value: string): string {
  const m = /0x[0-9a-f]+/i.exec(value);
  if (m) return m[0];
  return /^\d+$/.test(value.trim()) ? `0x${BigInt(value.trim()).toString(16)}` : value;
}

/** " (function+offset)" for a code address, from gdb's <symbol> annotation or info symbol. */
async function symbolAt(mi: MiCommands, value: string, where: Where): Promise<string> {
  const tag = /<([^>]+)>/.exec(value)?.[1];
  if (tag) return ` (${tag})`;
  const s = await mi.dataEvaluateExpression(`(void *) ${hexOf(value)}`, where).catch(() => '');
  const t = /<([^>]+)>/.exec(s)?.[1];
  return t ? ` (${t})` : '';
}

/** " (function+offset)", or " (0x...)" where no symbol is known (a module gdb has not loaded). */
async function callerOf(mi: MiCommands, value: string, where: Where): Promise<string> {
  return (await symbolAt(mi, value, where)) || (value ? ` (${hexOf(value)})` : '');
}
