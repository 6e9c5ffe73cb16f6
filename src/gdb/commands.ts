// The MI commands the adapter uses: one typed function each, and the only place (with gdb.ts's
// own -gdb-exit) where MI text is written. Pure over a channel, so it unit-tests without gdb.
import { MiRecord, MiTuple, MiValue, list, miQuote, str, tuple } from './mi';
import { setArgsCommand } from './gdbinit';
import { KernelModule, KernelTask, parseModules, parseTasks } from './kernelPython';
import { ListWalk, parseFields, parseListWalk } from './kernelDataPython';
import { BreakpointInfo, Frame, breakpointRecord, frameRecord } from './records';

/** What sends MI commands: the Gdb process, or a scripted stream in tests. */
export interface MiChannel {
  send(command: string): Promise<MiRecord>;
  /** Sends a command and returns its record with the console text printed for it. */
  capture(command: string): Promise<{ record: MiRecord; console: string }>;
}

/** A thread and a frame level: where expressions are evaluated. */
export interface Where { thread: number; frame: number }

export interface Bkpt { number: number; info: BreakpointInfo }
export interface BreakInsert { location: string; condition?: string; temporary?: boolean; hardware?: boolean }
export interface ThreadEntry { id: number; targetId: string }
export interface FrameVariable { name: string; type: string; value?: string; arg: boolean }
export interface Varobj { name: string; type: string; value?: string; numchild: number }
export interface VarChild extends Varobj { exp: string }
export interface RegisterValue { number: number; value: string }
/** One disassembled instruction; source fields when gdb knows the line (mode 5). */
export interface AsmInsn { address: bigint; opcodes: string; inst: string; func?: string; offset?: number; file?: string; fullname?: string; line?: number }
export interface MemoryBlock { begin: bigint; contents: string }
export type WatchKind = 'write' | 'read' | 'readWrite';

export const hex = (a: bigint) => `0x${a.toString(16)}`;

const threadArg = (thread?: number) => (thread !== undefined ? ` --thread ${thread}` : '');

/** `-break-insert` arguments: pending allowed (-f), temporary, condition; quoted location. */
export function breakInsertCommand(b: BreakInsert): string {
  let cmd = '-break-insert -f';
  if (b.temporary) cmd += ' -t';
  if (b.hardware) cmd += ' -h';
  if (b.condition) cmd += ` -c ${miQuote(b.condition)}`;
  return `${cmd} ${miQuote(b.location)}`;
}

export class MiCommands {
  /** A KVM guest: breakpoints go into the CPU's debug registers (software ones miss early code). */
  hardwareBreakpoints = false;

  /**
   * Frames gdb shows above the running task's top frame since its registers held another
   * task's context (inline frames gdb had hidden at the stop): thread 1's levels are shifted by
   * it, so the frames the client was given keep their meaning. Set by TaskThreads, 0 after a resume.
   */
  frameShift = 0;

  constructor(private readonly ch: MiChannel) {}

  private whereArgs(w: Where | undefined): string {
    return w ? `--thread ${w.thread} --frame ${w.frame + (w.thread === 1 ? this.frameShift : 0)} ` : '';
  }

  /** An expression's type as gdb's whatis names it (typedefs kept: "struct list_head", "atomic_t"). */
  async whatis(expr: string): Promise<string | undefined> {
    return /type = (.*)/.exec(await this.consoleExec(`whatis ${expr}`).catch(() => ''))?.[1]?.trim();
  }

  async gdbSet(variable: string, value: string): Promise<void> {
    await this.ch.send(`-gdb-set ${variable} ${value}`);
  }

  /** A CLI command (source, lx-dmesg, info breakpoints...): what it printed. */
  async consoleExec(command: string): Promise<string> {
    return (await this.ch.capture(`-interpreter-exec console ${miQuote(command)}`)).console;
  }

  /** The kernel's command line for the next run (`set args`, as the gdbinit writes it; no shell). */
  async setArgs(args: string[]): Promise<void> {
    await this.consoleExec(setArgsCommand(args));
  }

  async inferiorTtySet(tty: string): Promise<void> {
    await this.ch.send(`-inferior-tty-set ${miQuote(tty)}`);
  }

  async breakInsert(b: BreakInsert): Promise<Bkpt> {
    const r = await this.ch.send(breakInsertCommand({ ...b, hardware: b.hardware ?? this.hardwareBreakpoints }));
    const info = breakpointRecord(tuple(r.results.bkpt) ?? {});
    return { number: info.number, info };
  }

  async breakDelete(numbers: number[]): Promise<void> {
    if (numbers.length) await this.ch.send(`-break-delete ${numbers.join(' ')}`);
  }

  async execRun(): Promise<void> { await this.ch.send('-exec-run'); }
  async execContinue(): Promise<void> { await this.ch.send('-exec-continue'); }
  async execInterrupt(): Promise<void> { await this.ch.send('-exec-interrupt'); }
  async execNext(thread: number, instruction = false): Promise<void> {
    await this.ch.send(`-exec-${instruction ? 'next-instruction' : 'next'}${threadArg(thread)}`);
  }
  async execStep(thread: number, instruction = false): Promise<void> {
    await this.ch.send(`-exec-${instruction ? 'step-instruction' : 'step'}${threadArg(thread)}`);
  }
  async execStepInstruction(thread?: number): Promise<void> { await this.ch.send(`-exec-step-instruction${threadArg(thread)}`); }
  /** Runs until `frame` (the top one unless said) returns to its caller. */
  async execFinish(thread: number, frame?: number): Promise<void> { await this.ch.send(`-exec-finish${threadArg(thread)}${frame !== undefined ? ` --frame ${frame}` : ''}`); }

  async targetAttach(pid: number): Promise<void> { await this.ch.send(`-target-attach ${pid}`); }
  async targetDetach(): Promise<void> { await this.ch.send('-target-detach'); }
  /** Opens a core file (a crash snapshot): its memory and registers, nothing to run. */
  async targetCore(file: string): Promise<void> { await this.consoleExec(`core-file ${file}`); }  // MI's -target-select keeps quotes in the name
  /** Connects to a gdbstub (QEMU's -gdb / -s): host:port. */
  async targetRemote(address: string): Promise<void> { await this.ch.send(`-target-select remote ${address}`); }

  async threadInfo(): Promise<ThreadEntry[]> {
    const r = await this.ch.send('-thread-info');
    return list(r.results.threads).map((t) => {
      const tt = tuple(t) ?? {};
      return { id: Number(str(tt.id)), targetId: str(tt['target-id']) ?? '' };
    });
  }

  async stackListFrames(thread: number, low: number, high: number): Promise<Frame[]> {
    const shift = thread === 1 ? this.frameShift : 0;
    const frames = list((await this.ch.send(`-stack-list-frames${threadArg(thread)} ${low + shift} ${high + shift}`)).results.stack).map(frameRecord);
    return shift ? frames.map((f) => ({ ...f, level: (f.level ?? shift) - shift })) : frames;
  }

  async stackListVariables(where: Where): Promise<FrameVariable[]> {
    const r = await this.ch.send(`-stack-list-variables ${this.whereArgs(where)}--simple-values`);
    return list(r.results.variables).map((v) => {
      const t = tuple(v) ?? {};
      return { name: str(t.name) ?? '', type: str(t.type) ?? '', value: str(t.value), arg: str(t.arg) === '1' };
    });
  }

  async dataEvaluateExpression(expr: string, where?: Where): Promise<string> {
    return str((await this.ch.send(`-data-evaluate-expression ${this.whereArgs(where)}${miQuote(expr)}`)).results.value) ?? '';
  }

  /** A varobj in the frame (`where`), or floating (`@`: re-evaluated wherever it is asked). */
  async varCreate(expr: string, where?: Where): Promise<Varobj> {
    const r = await this.ch.send(`-var-create ${this.whereArgs(where)}- ${where ? '*' : '@'} ${miQuote(expr)}`);
    return varobjOf(r.results);
  }

  async varListChildren(name: string, range?: { from: number; to: number }): Promise<VarChild[]> {
    const r = await this.ch.send(`-var-list-children --all-values ${name}${range ? ` ${range.from} ${range.to}` : ''}`);
    return list(r.results.children).map((c) => {
      const t = tuple(c) ?? {};
      return { ...varobjOf(t), exp: str(t.exp) ?? '' };
    });
  }

  async varDelete(name: string): Promise<void> { await this.ch.send(`-var-delete ${name}`); }

  /** Where the globals whose names match `regex` are defined (debug info only). */
  async symbolInfoVariables(regex: string): Promise<Array<{ fullname: string; line: number; name: string }>> {
    const r = await this.ch.send(`-symbol-info-variables --name ${miQuote(regex)}`);
    const out = [];
    for (const file of list(tuple(r.results.symbols)?.debug)) {
      const f = tuple(file) ?? {};
      for (const s of list(f.symbols)) {
        const t = tuple(s) ?? {};
        out.push({ fullname: str(f.fullname) ?? str(f.filename) ?? '', line: Number(str(t.line)), name: str(t.name) ?? '' });
      }
    }
    return out;
  }

  /** Instructions in [start, end), with their source lines when `source` (gdb's mode 5, else 2). */
  async dataDisassemble(start: bigint, end: bigint, source: boolean): Promise<AsmInsn[]> {
    const r = await this.ch.send(`-data-disassemble -s ${hex(start)} -e ${hex(end)} -- ${source ? 5 : 2}`);
    const out: AsmInsn[] = [];
    const insn = (t: MiTuple, src?: MiTuple): AsmInsn => ({
      address: BigInt(str(t.address) ?? 0), opcodes: str(t.opcodes) ?? '', inst: str(t.inst) ?? '',
      func: str(t['func-name']), offset: str(t.offset) !== undefined ? Number(str(t.offset)) : undefined,
      file: src && str(src.file), fullname: src && str(src.fullname), line: src && str(src.line) !== undefined ? Number(str(src.line)) : undefined,
    });
    for (const v of list(r.results.asm_insns)) {
      const t = tuple(v) ?? {};
      if (t.line_asm_insn !== undefined) for (const i of list(t.line_asm_insn)) out.push(insn(tuple(i) ?? {}, t));
      else out.push(insn(t));
    }
    return out;
  }

  /** Where the source line holding `addr` starts: an instruction boundary at or before it. */
  async lineStart(addr: bigint): Promise<bigint | undefined> {
    const out = await this.consoleExec(`info line *${hex(addr)}`).catch(() => '');
    const m = /starts at address (0x[0-9a-f]+)/.exec(out) ?? /is at address (0x[0-9a-f]+)/.exec(out);
    return m ? BigInt(m[1]) : undefined;
  }

  /** The readable parts of [addr, addr+count): gdb leaves out what it cannot read. */
  async dataReadMemoryBytes(addr: bigint, count: number): Promise<MemoryBlock[]> {
    const r = await this.ch.send(`-data-read-memory-bytes ${hex(addr)} ${count}`);
    return list(r.results.memory).map((m) => {
      const t = tuple(m) ?? {};
      return { begin: BigInt(str(t.begin) ?? 0), contents: str(t.contents) ?? '' };
    });
  }

  async dataWriteMemoryBytes(addr: bigint, hexBytes: string): Promise<void> {
    await this.ch.send(`-data-write-memory-bytes ${hex(addr)} ${hexBytes}`);
  }

  /** A watchpoint (hardware where the host allows): write (watch), read (rwatch), readWrite (awatch). */
  async breakWatch(expr: string, kind: WatchKind): Promise<Bkpt> {
    const r = await this.ch.send(`-break-watch${kind === 'read' ? ' -r' : kind === 'readWrite' ? ' -a' : ''} ${miQuote(expr)}`);
    const info = breakpointRecord(tuple(r.results.wpt) ?? tuple(r.results['hw-rwpt']) ?? tuple(r.results['hw-awpt']) ?? {});
    return { number: info.number, info };
  }

  /** gdb's type of breakpoint `num`: "breakpoint", "hw watchpoint", "watchpoint" (software)... */
  async breakType(num: number): Promise<string> {
    const r = await this.ch.send(`-break-info ${num}`);
    const body = list(tuple(r.results.BreakpointTable)?.body)[0];
    return str(tuple(body)?.type) ?? '';
  }

  async breakCondition(num: number, condition: string): Promise<void> {
    await this.ch.send(`-break-condition ${num} ${condition}`);
  }

  // The kernel-aware commands of kernelPython.ts (sourced by the gdbinit).
  async tasks(): Promise<KernelTask[]> { return parseTasks(await this.consoleExec('uml-tasks')); }
  async taskEnter(addr: bigint): Promise<void> { await this.consoleExec(`uml-task-enter ${hex(addr)}`); }
  async taskLeave(): Promise<void> { await this.consoleExec('uml-task-leave'); }
  /** A core's task view (registers read-only): how many of thread 1's frames come before the task's. */
  async taskView(addr: bigint): Promise<number> { return Number(/\d+/.exec(await this.consoleExec(`uml-task-view ${hex(addr)}`))?.[0] ?? 1); }
  async taskUnview(): Promise<void> { await this.consoleExec('uml-task-unview'); }
  async modules(): Promise<KernelModule[]> { return parseModules(await this.consoleExec('uml-modules')); }
  /** The nodes of a list_head ('list') or hlist_head ('hlist') at `head`, checked as walked (kernelPython.ts). */
  async listWalk(kind: 'list' | 'hlist' | 'hnulls' | 'llist', head: bigint, max: number): Promise<ListWalk> { return parseListWalk(await this.consoleExec(`uml-list-walk ${kind} ${hex(head)} ${max}`)); }
  /** A struct maple_tree's entries with their index ranges. */
  async mapleWalk(tree: bigint, max: number): Promise<ListWalk> { return parseListWalk(await this.consoleExec(`uml-maple-walk ${hex(tree)} ${max}`)); }
  /** A struct rb_root's nodes in order. */
  async rbWalk(root: bigint, max: number): Promise<ListWalk> { return parseListWalk(await this.consoleExec(`uml-rb-walk ${hex(root)} ${max}`)); }
  /** A struct xarray's entries with their indexes (plus `base`). */
  async xaWalk(xa: bigint, base: bigint, max: number): Promise<ListWalk> { return parseListWalk(await this.consoleExec(`uml-xa-walk ${hex(xa)} ${hex(base)} ${max}`)); }
  /** Named fields of structs of `type` ("struct task_struct") at `addrs`, in one round trip. */
  async structFields(type: string, fields: string[], addrs: bigint[]): Promise<Map<bigint, Array<[string, string]>>> {
    if (!addrs.length) return new Map();
    return parseFields(await this.consoleExec(`uml-fields ${type.replace(/\s+/g, '+')} ${fields.join(',') || ','} ${addrs.map(hex).join(' ')}`));
  }
  async moduleInfo(expr: string): Promise<KernelModule | undefined> { return parseModules(await this.consoleExec(`uml-module-info ${expr}`))[0]; }

  /**
   * A module's symbols at its load addresses: .text first, then every other section. The
   * kernel lists its own kallsyms copies (.symtab, .strtab) too; gdb cannot place them (not
   * loaded sections in the file) and would warn at every load.
   */
  async addSymbolFile(file: string, text: bigint, sections: Record<string, bigint>): Promise<void> {
    if (/["\n]/.test(file)) throw new Error(`a module path with a quote or newline cannot be given to gdb: ${file}`);
    const more = Object.entries(sections).filter(([n, a]) => n !== '.text' && n !== '.symtab' && n !== '.strtab' && a !== 0n && /^[\w.$-]+$/.test(n)).map(([n, a]) => ` -s ${n} ${hex(a)}`).join('');
    await this.consoleExec(`add-symbol-file "${file}" ${hex(text)}${more}`);
  }

  async removeSymbolFile(text: bigint): Promise<void> { await this.consoleExec(`remove-symbol-file -a ${hex(text)}`); }

  /** gdb's own completion of a CLI command line. */
  async complete(text: string): Promise<string[]> {
    return list((await this.ch.send(`-complete ${miQuote(text)}`)).results.matches).map((m) => str(m) ?? '');
  }

  async dataListRegisterNames(): Promise<string[]> {
    return list((await this.ch.send('-data-list-register-names')).results['register-names']).map((v) => str(v) ?? '');
  }

  async dataListRegisterValues(where: Where, registers: number[]): Promise<RegisterValue[]> {
    const r = await this.ch.send(`-data-list-register-values ${this.whereArgs(where)}--skip-unavailable x ${registers.join(' ')}`);
    return list(r.results['register-values']).map((v) => {
      const t = tuple(v) ?? {};
      return { number: Number(str(t.number)), value: str(t.value) ?? '' };
    });
  }
}

function varobjOf(t: MiTuple): Varobj {
  return { name: str(t.name) ?? '', type: str(t.type) ?? '', value: str(t.value), numchild: Number(str(t.numchild) ?? 0) };
}
