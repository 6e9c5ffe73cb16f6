// Source, function, conditional, hit-count and log breakpoints over gdb's -break-* commands.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GdbError } from '../gdb/gdb';
import { BreakInsert, MiCommands, hex } from '../gdb/commands';
import type { BreakpointInfo } from '../gdb/records';

export interface HitCount { ignore: number }

/**
 * DAP hit conditions: "N", ">=N" (stop from the Nth hit on), ">N", as the number of hits to
 * ignore. The adapter counts, not gdb's ignore count: when a UML timer signal arrives while gdb
 * steps over the breakpoint, gdb counts the re-executed trap as one more hit.
 */
export function parseHitCondition(s: string): HitCount {
  const m = /^\s*(>=|>)?\s*(\d+)\s*$/.exec(s);
  if (!m) throw new Error(`Hit count "${s}" is not supported: use N, >=N or >N.`);
  const n = Number(m[2]);
  return { ignore: m[1] === '>' ? n : Math.max(0, n - 1) };
}

/** Splits a logpoint message into literal text and {expressions}. */
export function parseLogMessage(msg: string): Array<{ text: string } | { expr: string }> {
  const parts: Array<{ text: string } | { expr: string }> = [];
  const re = /\{([^{}]+)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(msg))) {
    if (m.index > last) parts.push({ text: msg.slice(last, m.index) });
    parts.push({ expr: m[1] });
    last = re.lastIndex;
  }
  if (last < msg.length) parts.push({ text: msg.slice(last) });
  return parts;
}

export interface BreakpointSpec {
  location: string;
  /** A source breakpoint's line as the user set it. */
  line?: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

/** The gdb side of a DAP breakpoint; a hit condition is refused here, before gdb, if malformed. */
export function breakInsertOf(spec: BreakpointSpec, temporary = false): BreakInsert {
  if (spec.hitCondition) parseHitCondition(spec.hitCondition);
  return { location: spec.location, condition: spec.condition, temporary };
}

export class Breakpoints {
  private groups = new Map<string, number[]>();
  private logMessages = new Map<number, string>();
  private hitCounts = new Map<number, { ignore: number; hits: number }>();

  /** What each of our breakpoints last looked like to the client (verified, line). */
  private shown = new Map<number, DebugProtocol.Breakpoint>();
  /** The line each source breakpoint was set on, to say when gdb bound it elsewhere. */
  private requested = new Map<number, number>();

  private hostRefusal: Promise<string | undefined> | undefined;
  private hostRefusalSaid = false;

  /**
   * warn: a failure the user should know of (a breakpoint that may stay in gdb).
   * hostWatch: why this host cannot stop on a hardware watchpoint, or undefined where it can
   * (hwWatch.ts; asked at the first data breakpoint, not at launch).
   */
  constructor(private readonly mi: MiCommands, private readonly warn: (message: string) => void = () => undefined,
    private readonly hostWatch?: () => Promise<string | undefined>) {}

  /** Why data breakpoints cannot stop on this host (undefined: they can, or nobody can tell); asked once per session. */
  dataRefusal(): Promise<string | undefined> {
    this.hostRefusal ??= this.hostWatch ? this.hostWatch().catch(() => undefined) : Promise.resolve(undefined);
    return this.hostRefusal;
  }

  /** gdb changed breakpoint `num` (=breakpoint-modified): the new view if the client must hear of it. */
  modified(num: number, bp: DebugProtocol.Breakpoint): DebugProtocol.Breakpoint | undefined {
    bp = explainPlace(bp, this.requested.get(num));
    const before = this.shown.get(num);
    // Every hit also modifies a breakpoint (its hit count): only verification and place matter.
    if (!before || (before.verified === bp.verified && before.line === bp.line && before.source?.path === bp.source?.path)) return undefined;
    this.shown.set(num, bp);
    return bp;
  }

  /** Counts a hit of gdb breakpoint `num`; false when its hit condition says not to stop yet. */
  countHit(num: number): boolean {
    const h = this.hitCounts.get(num);
    if (!h) return true;
    h.hits++;
    return h.hits > h.ignore;
  }

  /** A new boot (restart): hit conditions count from zero again. */
  resetHits(): void {
    for (const h of this.hitCounts.values()) h.hits = 0;
  }

  /** Every source file that holds a breakpoint now (a module's .ko is looked for next to them). */
  sourceFiles(): string[] {
    return [...this.groups].filter(([k, nums]) => k.startsWith('source:') && nums.length).map(([k]) => k.slice('source:'.length));
  }

  logMessage(gdbNumber: number): string | undefined {
    return this.logMessages.get(gdbNumber);
  }

  async setSource(path: string, bps: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    return this.setGroup(`source:${path}`, bps.map((bp) => ({ location: `${path}:${bp.line}`, line: bp.line, condition: bp.condition, hitCondition: bp.hitCondition, logMessage: bp.logMessage })));
  }

  async setFunctions(bps: DebugProtocol.FunctionBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    return this.setGroup('functions', bps.map((bp) => ({ location: bp.name, condition: bp.condition, hitCondition: bp.hitCondition })));
  }

  /** Breakpoints on instructions (the Disassembly view): `*ADDRESS`, offset applied. */
  async setInstructions(bps: DebugProtocol.InstructionBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    return this.setGroup('instructions', bps.map((bp) => {
      let location: string;
      try { location = `*${hex(BigInt(bp.instructionReference) + BigInt(bp.offset ?? 0))}`; } catch { location = `*${bp.instructionReference}`; }
      return { location, condition: bp.condition, hitCondition: bp.hitCondition };
    }));
  }

  /** Data breakpoints (gdb watchpoints) from dataIds made by Variables.watchTarget. */
  async setData(bps: DebugProtocol.DataBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    await this.remove(this.groups.get('data') ?? []);
    this.groups.set('data', []);
    const out: DebugProtocol.Breakpoint[] = [];
    const nums: number[] = [];
    // A host that loses debug-register traps: gdb would accept each watchpoint, and none would stop.
    const refusal = bps.length ? await this.dataRefusal() : undefined;
    if (refusal && !this.hostRefusalSaid) { this.hostRefusalSaid = true; this.warn(refusal); }
    for (const bp of bps) {
      let target: { expr: string; label: string };
      try { target = JSON.parse(bp.dataId); } catch { out.push({ verified: false, message: `not a data breakpoint of this session: ${bp.dataId}` }); continue; }
      if (refusal) { out.push({ verified: false, message: `Cannot watch ${target.label}: ${refusal}` }); continue; }
      try {
        if (bp.hitCondition) parseHitCondition(bp.hitCondition);
        const { number: num } = await this.mi.breakWatch(target.expr, bp.accessType ?? 'write');
        if (await this.mi.breakType(num) === 'watchpoint') {
          // Software: gdb would single-step the whole kernel and check the value after each step.
          await this.mi.breakDelete([num]);
          throw new Error('the CPU\'s debug registers cannot watch it (unaligned, or the host gives gdb none); a software watchpoint would single-step the whole kernel.');
        }
        nums.push(num);
        if (bp.condition) await this.mi.breakCondition(num, bp.condition);
        if (bp.hitCondition) this.hitCounts.set(num, { ignore: parseHitCondition(bp.hitCondition).ignore, hits: 0 });
        out.push({ id: num, verified: true, message: `watching ${target.label}` });
      } catch (e) {
        out.push({ verified: false, message: `Cannot watch ${target.label}: ${(e as Error).message}` });
      }
    }
    this.groups.set('data', nums);
    return out;
  }

  /** Replaces a whole group (one source file's, all function or all instruction breakpoints). */
  private async setGroup(group: string, specs: BreakpointSpec[]): Promise<DebugProtocol.Breakpoint[]> {
    await this.remove(this.groups.get(group) ?? []);
    const out: DebugProtocol.Breakpoint[] = [];
    const nums: number[] = [];
    this.groups.set(group, nums);  // filled as gdb answers: the debug-register count sees them
    for (const spec of specs) {
      const r = await this.insert(spec, spec.logMessage);
      if (r.id !== undefined) nums.push(r.id);
      out.push(r);
    }
    this.groups.set(group, nums);
    return out;
  }

  private async insert(spec: BreakpointSpec, logMessage?: string): Promise<DebugProtocol.Breakpoint> {
    // A KVM guest's breakpoints live in the CPU's 4 debug registers (watchpoints share them).
    if (this.mi.hardwareBreakpoints && [...this.groups.values()].flat().length >= 4) {
      return { verified: false, message: 'KVM: the 4 x86 debug registers are in use by other breakpoints or watchpoints: remove one for this one.' };
    }
    let b: BreakInsert;
    try {
      b = breakInsertOf(spec);
    } catch (e) {
      return { verified: false, message: (e as Error).message };
    }
    try {
      const { number: num, info } = await this.mi.breakInsert(b);
      if (logMessage) this.logMessages.set(num, logMessage);
      if (spec.hitCondition) this.hitCounts.set(num, { ignore: parseHitCondition(spec.hitCondition).ignore, hits: 0 });
      if (spec.line) this.requested.set(num, spec.line);
      const bp = explainPlace(toDap(info), spec.line);
      this.shown.set(num, bp);
      return bp;
    } catch (e) {
      if (e instanceof GdbError) return { verified: false, message: e.message };
      throw e;
    }
  }

  private async remove(nums: number[]): Promise<void> {
    if (!nums.length) return;
    for (const n of nums) { this.logMessages.delete(n); this.hitCounts.delete(n); this.shown.delete(n); this.requested.delete(n); }
    await this.mi.breakDelete(nums).catch((e: Error) => this.warn(`Could not remove breakpoint${nums.length > 1 ? 's' : ''} ${nums.join(', ')} from gdb (${e.message}): it may still stop the guest.`));
  }
}

export function toDap(b: BreakpointInfo): DebugProtocol.Breakpoint {
  // Several locations (inlined or duplicated code): gdb's first one.
  const bp: DebugProtocol.Breakpoint = { id: b.number, verified: b.pending === undefined };
  if (b.line) bp.line = b.line;
  if (b.fullname) bp.source = { path: b.fullname };
  if (b.addr) bp.instructionReference = b.addr;
  if (b.pending !== undefined) bp.message = `Pending: ${b.pending} is not in the loaded kernel (yet).`;
  return bp;
}

/**
 * A source breakpoint gdb bound to another line than the one set (no code there in this build:
 * the source was edited, or the kernel rebuilt), or could no longer bind: the message says so.
 */
export function explainPlace(bp: DebugProtocol.Breakpoint, requested: number | undefined): DebugProtocol.Breakpoint {
  if (!requested) return bp;
  if (!bp.verified) return { ...bp, message: `No code for line ${requested} in the kernel gdb has loaded (edited and rebuilt, or not built in): the breakpoint waits.` };
  if (bp.line && bp.line !== requested) return { ...bp, message: `No code at line ${requested} in this build: the breakpoint moved to line ${bp.line}.` };
  return bp;
}

/** A logpoint's line: its text with each {expression} evaluated (an error shows in its place). */
export async function renderLogMessage(message: string, evaluate: (expr: string) => Promise<string>): Promise<string> {
  let line = '';
  for (const part of parseLogMessage(message)) {
    if ('text' in part) { line += part.text; continue; }
    try {
      line += await evaluate(part.expr);
    } catch (e) {
      line += `<${(e as Error).message}>`;
    }
  }
  return line;
}
