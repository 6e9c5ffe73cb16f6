// How a UML kernel ends, or starts again, on its own, and the one line the session ends with.
// Every clean end runs uml_cleanup() (halt, power-off, reboot, mconsole halt, SIGTERM/SIGINT
// from the host through UML's last_ditch_exit): an internal breakpoint there, hit once at the
// very end, reads which way it went from the stack (one in last_ditch_exit reads the signal's
// number, which is optimized out further in). A panic ends in UML's own abort()
// (os_dump_core): at that SIGABRT the kernel's panic_cpu and panic()'s formatted message say
// whether and why it panicked, whatever the exception filters are, at no cost before.
import { MiCommands, Where } from '../gdb/commands';
import type { Frame } from '../gdb/records';
import { readCString } from './panicFormat';

export type Ending =
  | { kind: 'panic'; message: string }
  | { kind: 'poweroff' | 'halt' | 'reboot' | 'mconsole-halt' | 'mconsole-reboot' }
  | { kind: 'signal'; signal: string };

/** How gdb saw the kernel process end: its exit code (octal, as MI gives it) or the signal that killed it. */
export interface ProcessExit { code?: string; signal?: string }

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 15: 'SIGTERM' };

/**
 * Which end uml_cleanup() is part of, from the functions on the stack (innermost first), the
 * kernel's system_state (SYSTEM_HALT, SYSTEM_POWER_OFF, SYSTEM_RESTART, or still running for an
 * mconsole request) and, under last_ditch_exit, the host signal's number.
 */
export function endingOf(functions: string[], systemState: string, signo?: number): Ending {
  const has = (f: string) => functions.includes(f);
  if (has('last_ditch_exit')) return { kind: 'signal', signal: SIGNAL_NAMES[signo ?? 0] ?? (signo ? `signal ${signo}` : 'a signal') };
  if (has('mconsole_halt')) return { kind: 'mconsole-halt' };
  if (has('mconsole_reboot')) return { kind: 'mconsole-reboot' };
  if (systemState === 'SYSTEM_RESTART' || has('machine_restart') || has('kernel_restart')) return { kind: 'reboot' };
  if (systemState === 'SYSTEM_HALT' || has('kernel_halt')) return { kind: 'halt' };
  return { kind: 'poweroff' };
}

/** "… message." with one full stop, whatever the message ends with. */
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

/** The session's last line: why UML ended. `generic` is what gdb's exit alone says. */
export function endMessage(ending: Ending | undefined, exit: ProcessExit, generic: string): string {
  // After a followed reboot the recorded end is the old boot's: it counts only when UML then
  // exited normally (noreboot), not when the new boot was killed or exited otherwise.
  const rebooted = ending?.kind === 'reboot' || ending?.kind === 'mconsole-reboot';
  if (!ending || (rebooted && (exit.signal || Number(exit.code ?? 0) !== 0))) {
    return exit.signal === 'SIGKILL' ? 'The kernel was killed by SIGKILL from outside the debugger (kill -9, or the host\'s OOM killer). UML ended.' : generic;
  }
  switch (ending.kind) {
    case 'panic': {
      const init = /^Attempted to kill init!/.test(ending.message) ? ' (the guest\'s init process ended)' : '';
      return `The kernel panicked: ${sentence(ending.message.trim() + init)} UML ended.`;
    }
    case 'poweroff': return 'The guest powered off. UML ended.';
    case 'halt': return 'The guest halted. UML ended.';
    case 'mconsole-halt': return 'UML was halted through its mconsole (Halt in the UML sidebar, or uml_mconsole halt). UML ended.';
    case 'signal': return `UML received ${ending.signal} from the host and shut down. UML ended.`;
    default: return 'The guest rebooted, but UML did not start again (the kernel command line has noreboot). UML ended.';
  }
}

/** What the session says when UML starts again under the same gdb (it re-executes itself). */
export function rebootNote(ending: Ending): string {
  const how = ending.kind === 'mconsole-reboot' ? 'UML was rebooted through its mconsole' : 'The guest rebooted';
  return `${how}: UML starts again (it re-executes itself) under the same gdb; the session follows it, breakpoints kept.`;
}

export class Endings {
  /** gdb breakpoint numbers: uml_cleanup (every clean end), last_ditch_exit (a host SIGTERM/SIGINT, with its number). */
  private hooks = new Map<number, 'cleanup' | 'signal'>();
  /** How this boot is ending, once known (uml_cleanup, or the abort after a panic). */
  ending: Ending | undefined;

  constructor(private readonly mi: MiCommands) {}

  /** The internal breakpoints, each hit at most once, at the very end; a kernel without them just ends generically. */
  async arm(): Promise<void> {
    if (this.hooks.size) return;
    for (const [loc, kind] of [['uml_cleanup', 'cleanup'], ['last_ditch_exit', 'signal']] as const) {
      try { this.hooks.set((await this.mi.breakInsert({ location: loc })).number, kind); } catch { /* not UML */ }
    }
  }

  isHook(num: number): boolean { return this.hooks.has(num); }

  /**
   * At a hook: which end this is (a reboot is followed: a new boot; the others end). At
   * last_ditch_exit the signal's number is its argument (in uml_cleanup it is optimized out).
   */
  async onHook(num: number, thread: number, frame: Frame | undefined): Promise<Ending> {
    if (this.hooks.get(num) === 'signal') {
      const sig = frame?.args?.find((a) => a.name === 'sig');
      this.ending = endingOf(['last_ditch_exit'], '', Number(sig?.value) || undefined);
      return this.ending;
    }
    const frames = await this.mi.stackListFrames(thread, 0, 30).catch((): Frame[] => []);
    const functions = frames.map((f) => f.func ?? '');
    const state = await this.mi.dataEvaluateExpression('system_state').catch(() => '');
    const known = this.ending?.kind === 'signal' && functions.includes('last_ditch_exit');
    if (!known) this.ending = endingOf(functions, state.trim());
    return this.ending!;
  }

  /**
   * At a SIGABRT: did the kernel panic (UML aborts itself after every panic)? Records the
   * panic's message (the formatted buffer: panic()'s in 6.1, vpanic()'s in 6.12) when it did.
   */
  async abortAfterPanic(where: Where): Promise<boolean> {
    const cpu = await this.mi.dataEvaluateExpression('panic_cpu.counter', where).catch(() => '');
    if (!/^\d+$/.test(cpu.trim())) return false;  // -1: no panic (or no such kernel variable)
    let message = '';
    for (const fn of ['vpanic', 'panic']) {
      const at = /0x[0-9a-f]+/i.exec(await this.mi.dataEvaluateExpression(`&'${fn}'::buf`, where).catch(() => ''))?.[0];
      message = at ? (await readCString(this.mi, BigInt(at))).replace(/\n$/, '') : '';
      if (message) break;
    }
    this.ending = { kind: 'panic', message: message || 'no message' };
    return true;
  }

  /** A new boot (a followed reboot, or Restart): nothing has ended yet. */
  reset(): void { this.ending = undefined; }

  message(exit: ProcessExit, generic: string): string { return endMessage(this.ending, exit, generic); }
}
