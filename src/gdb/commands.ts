// The MI commands the adapter uses: one typed function each, and the only place (with gdb.ts's
// own -gdb-exit) where MI text is written. Pure over a channel, so it unit-tests without gdb.
import { MiRecord, MiTuple, MiValue, list, miQuote, str, tuple } from './mi';
import { setArgsCommand } from './gdbinit';

/** What sends MI commands: the Gdb process, or a scripted stream in tests. */
export interface MiChannel {
  send(command: string): Promise<MiRecord>;
  /** Sends a command and returns its record with the console text printed for it. */
  capture(command: string): Promise<{ record: MiRecord; console: string }>;
}

/** A thread and a frame level: where expressions are evaluated. */
export interface Where { thread: number; frame: number }

export interface Bkpt { number: number; raw: MiTuple }
export interface BreakInsert { location: string; condition?: string; temporary?: boolean }
export interface ThreadEntry { id: number; targetId: string }
export interface FrameVariable { name: string; type: string; value?: string; arg: boolean }
export interface Varobj { name: string; type: string; value?: string; numchild: number }
export interface VarChild extends Varobj { exp: string }
export interface RegisterValue { number: number; value: string }

const whereArgs = (w: Where | undefined) => (w ? `--thread ${w.thread} --frame ${w.frame} ` : '');
const threadArg = (thread?: number) => (thread !== undefined ? ` --thread ${thread}` : '');

/** `-break-insert` arguments: pending allowed (-f), temporary, condition; quoted location. */
export function breakInsertCommand(b: BreakInsert): string {
  let cmd = '-break-insert -f';
  if (b.temporary) cmd += ' -t';
  if (b.condition) cmd += ` -c ${miQuote(b.condition)}`;
  return `${cmd} ${miQuote(b.location)}`;
}

export class MiCommands {
  constructor(private readonly ch: MiChannel) {}

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
    const r = await this.ch.send(breakInsertCommand(b));
    const raw = tuple(r.results.bkpt) ?? {};
    return { number: Number(str(raw.number)), raw };
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
  async execFinish(thread: number): Promise<void> { await this.ch.send(`-exec-finish${threadArg(thread)}`); }

  async targetAttach(pid: number): Promise<void> { await this.ch.send(`-target-attach ${pid}`); }
  async targetDetach(): Promise<void> { await this.ch.send('-target-detach'); }

  async threadInfo(): Promise<ThreadEntry[]> {
    const r = await this.ch.send('-thread-info');
    return list(r.results.threads).map((t) => {
      const tt = tuple(t) ?? {};
      return { id: Number(str(tt.id)), targetId: str(tt['target-id']) ?? '' };
    });
  }

  async stackListFrames(thread: number, low: number, high: number): Promise<MiValue[]> {
    return list((await this.ch.send(`-stack-list-frames${threadArg(thread)} ${low} ${high}`)).results.stack);
  }

  async stackInfoDepth(thread: number, max: number): Promise<number> {
    return Number(str((await this.ch.send(`-stack-info-depth${threadArg(thread)} ${max}`)).results.depth) ?? 0);
  }

  async stackListVariables(where: Where): Promise<FrameVariable[]> {
    const r = await this.ch.send(`-stack-list-variables ${whereArgs(where)}--simple-values`);
    return list(r.results.variables).map((v) => {
      const t = tuple(v) ?? {};
      return { name: str(t.name) ?? '', type: str(t.type) ?? '', value: str(t.value), arg: str(t.arg) === '1' };
    });
  }

  async dataEvaluateExpression(expr: string, where?: Where): Promise<string> {
    return str((await this.ch.send(`-data-evaluate-expression ${whereArgs(where)}${miQuote(expr)}`)).results.value) ?? '';
  }

  /** A varobj in the frame (`where`), or floating (`@`: re-evaluated wherever it is asked). */
  async varCreate(expr: string, where?: Where): Promise<Varobj> {
    const r = await this.ch.send(`-var-create ${whereArgs(where)}- ${where ? '*' : '@'} ${miQuote(expr)}`);
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

  async dataListRegisterNames(): Promise<string[]> {
    return list((await this.ch.send('-data-list-register-names')).results['register-names']).map((v) => str(v) ?? '');
  }

  async dataListRegisterValues(where: Where, registers: number[]): Promise<RegisterValue[]> {
    const r = await this.ch.send(`-data-list-register-values ${whereArgs(where)}--skip-unavailable x ${registers.join(' ')}`);
    return list(r.results['register-values']).map((v) => {
      const t = tuple(v) ?? {};
      return { number: Number(str(t.number)), value: str(t.value) ?? '' };
    });
  }
}

function varobjOf(t: MiTuple): Varobj {
  return { name: str(t.name) ?? '', type: str(t.type) ?? '', value: str(t.value), numchild: Number(str(t.numchild) ?? 0) };
}
