// Scopes and variables over gdb variable objects, created lazily: kernel structs are huge,
// so nothing is expanded until VS Code asks, and children come in pages.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Gdb } from '../gdb/gdb';
import { MiRecord, MiTuple, list, miQuote, str, tuple } from '../gdb/mi';
import { frameOf } from './frames';

type Ref =
  | { kind: 'scope'; scope: 'args' | 'locals' | 'registers'; frameId: number }
  | { kind: 'expr'; frameId: number; expr: string }     // not yet a varobj
  | { kind: 'varobj'; name: string; expr: string; type: string; frameId?: number };

// x86_64 general registers; the rest (vector, segment bases) are noise for kernel work.
const GENERAL_REGS = new Set(['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base']);

/** Numbered references, reset whenever the guest resumes (DAP: references live until then). */
class Handles<T> {
  private map = new Map<number, T>();
  private next = 1;
  create(v: T): number { const h = this.next++; this.map.set(h, v); return h; }
  get(h: number): T | undefined { return this.map.get(h); }
  set(h: number, v: T): void { this.map.set(h, v); }
  reset(): void { this.map.clear(); }  // numbers keep growing: a stale reference never hits a new value
}

const frameArgs = (frameId: number) => {
  const { thread, level } = frameOf(frameId);
  return `--thread ${thread} --frame ${level}`;
};

/** Whether a value shown by --simple-values can be opened: aggregates (no value) and data pointers. */
function expandable(type: string, value: string | undefined): boolean {
  if (value === undefined) return true;
  if (!/\*\s*(const\s*)?$/.test(type) || /\(\*\)/.test(type)) return false;
  if (/^(const\s+)?(unsigned\s+)?char\s*\*/.test(type) || /^void\s*\*/.test(type)) return false;
  return !/^0x0+$/.test(value);
}

function childExpr(parent: Ref & { kind: 'varobj' }, exp: string): string {
  if (/^\d+$/.test(exp) && /\]$/.test(parent.type)) return `(${parent.expr})[${exp}]`;
  if (/\*\s*$/.test(parent.type)) return /^\*/.test(exp) ? `*(${parent.expr})` : `(${parent.expr})->${exp}`;
  return `(${parent.expr}).${exp}`;
}

export class Variables {
  private handles = new Handles<Ref>();
  private roots: string[] = [];
  private regNames: string[] | undefined;

  constructor(private readonly gdb: Gdb) {}

  scopes(frameId: number): DebugProtocol.Scope[] {
    const ref = (scope: 'args' | 'locals' | 'registers') => this.handles.create({ kind: 'scope', scope, frameId });
    return [
      { name: 'Arguments', presentationHint: 'arguments', variablesReference: ref('args'), expensive: false },
      { name: 'Locals', presentationHint: 'locals', variablesReference: ref('locals'), expensive: false },
      { name: 'Registers', presentationHint: 'registers', variablesReference: ref('registers'), expensive: true },
    ];
  }

  async variables(reference: number, start = 0, count = 0): Promise<DebugProtocol.Variable[]> {
    const ref = this.handles.get(reference);
    if (!ref) return [];
    if (ref.kind === 'scope') {
      if (ref.scope === 'registers') return this.registers(ref.frameId);
      return this.frameVariables(ref.frameId, ref.scope === 'args');
    }
    const vo = ref.kind === 'varobj' ? ref : await this.toVarobj(reference, ref);
    return this.children(vo, start, count);
  }

  /** Evaluates for hover, watch and the debug console: a varobj, so structs can be opened. */
  async evaluate(expr: string, frameId: number | undefined): Promise<DebugProtocol.EvaluateResponse['body']> {
    const where = frameId !== undefined ? `${frameArgs(frameId)} ` : '';
    let r: MiRecord;
    try {
      r = await this.gdb.send(`-var-create ${where}- ${frameId !== undefined ? '*' : '@'} ${miQuote(expr)}`);
    } catch {
      // -var-create only says "unable to create variable object": let gdb say what is wrong
      // (No symbol "x" in current context...), or give the value if plain evaluation works.
      const plain = await this.gdb.send(`-data-evaluate-expression ${where}${miQuote(expr)}`);
      return { result: str(plain.results.value) ?? '', variablesReference: 0 };
    }
    const name = str(r.results.name)!;
    this.roots.push(name);
    const type = str(r.results.type) ?? '';
    const numchild = Number(str(r.results.numchild) ?? 0);
    const reference = numchild > 0 ? this.handles.create({ kind: 'varobj', name, expr, type, frameId }) : 0;
    return { result: str(r.results.value) ?? '', type, variablesReference: reference, ...this.paging(type, numchild) };
  }

  async setVariable(reference: number, name: string, value: string): Promise<DebugProtocol.SetVariableResponse['body']> {
    const ref = this.handles.get(reference);
    if (!ref) throw new Error('variable is gone: the guest has run since');
    let expr = name;
    let frameId: number | undefined;
    if (ref.kind === 'scope') frameId = ref.frameId;
    else if (ref.kind === 'expr') { frameId = ref.frameId; expr = `(${ref.expr}).${name}`; }
    else { expr = childExpr(ref, name); frameId = ref.frameId; }
    if (ref.kind === 'scope' && ref.scope === 'registers') expr = `$${name}`;
    const where = frameId !== undefined ? `${frameArgs(frameId)} ` : '';
    const r = await this.gdb.send(`-data-evaluate-expression ${where}${miQuote(`${expr} = ${value}`)}`);
    return { value: str(r.results.value) ?? value };
  }

  /**
   * Drops every handle and varobj: called whenever the guest resumes. The deletes are not
   * awaited: gdb runs commands in order, so they cost the following step no round trip.
   */
  reset(): void {
    this.handles.reset();
    for (const n of this.roots) this.gdb.send(`-var-delete ${n}`).catch(() => undefined);
    this.roots = [];
  }

  private async frameVariables(frameId: number, args: boolean): Promise<DebugProtocol.Variable[]> {
    const r = await this.gdb.send(`-stack-list-variables ${frameArgs(frameId)} --simple-values`);
    const out: DebugProtocol.Variable[] = [];
    for (const v of list(r.results.variables)) {
      const t = tuple(v) ?? {};
      if ((str(t.arg) === '1') !== args) continue;
      const name = str(t.name)!;
      const type = str(t.type) ?? '';
      const value = str(t.value);
      const reference = expandable(type, value) ? this.handles.create({ kind: 'expr', frameId, expr: name }) : 0;
      out.push({ name, type, value: value ?? summary(type), evaluateName: name, variablesReference: reference });
    }
    return out;
  }

  private async toVarobj(reference: number, ref: Ref & { kind: 'expr' }): Promise<Ref & { kind: 'varobj' }> {
    const r = await this.gdb.send(`-var-create ${frameArgs(ref.frameId)} - * ${miQuote(ref.expr)}`);
    const name = str(r.results.name)!;
    this.roots.push(name);
    const vo = { kind: 'varobj' as const, name, expr: ref.expr, type: str(r.results.type) ?? '', frameId: ref.frameId };
    this.handles.set(reference, vo);
    return vo;
  }

  private async children(vo: Ref & { kind: 'varobj' }, start: number, count: number): Promise<DebugProtocol.Variable[]> {
    const range = count > 0 ? ` ${start} ${start + count}` : '';
    const r = await this.gdb.send(`-var-list-children --all-values ${vo.name}${range}`);
    const out: DebugProtocol.Variable[] = [];
    for (const c of list(r.results.children)) {
      const t = tuple(c) ?? {};
      const exp = str(t.exp) ?? '';
      const type = str(t.type) ?? '';
      const numchild = Number(str(t.numchild) ?? 0);
      const expr = childExpr(vo, exp);
      const reference = numchild > 0 ? this.handles.create({ kind: 'varobj', name: str(t.name)!, expr, type, frameId: vo.frameId }) : 0;
      let value = str(t.value) ?? summary(type);
      // varobjs show arrays as "[16]"; for char arrays (comm, names) the string is what people want.
      if (/^(const )?(unsigned )?char \[\d+\]$/.test(type)) value = await this.plainValue(expr, vo.frameId).catch(() => value);
      out.push({ name: /^\d+$/.test(exp) ? `[${exp}]` : exp, type, value, evaluateName: expr, variablesReference: reference, ...this.paging(type, numchild) });
    }
    return out;
  }

  private async plainValue(expr: string, frameId: number | undefined): Promise<string> {
    const where = frameId !== undefined ? `${frameArgs(frameId)} ` : '';
    const r = await this.gdb.send(`-data-evaluate-expression ${where}${miQuote(expr)}`);
    return str(r.results.value) ?? '';
  }

  private paging(type: string, numchild: number): Partial<DebugProtocol.Variable> {
    // Arrays get indexed paging (VS Code asks for 100 at a time); structs come whole.
    return /\[\d+\]$/.test(type) && numchild > 100 ? { indexedVariables: numchild } : {};
  }

  private async registers(frameId: number): Promise<DebugProtocol.Variable[]> {
    if (!this.regNames) {
      const r = await this.gdb.send('-data-list-register-names');
      this.regNames = list(r.results['register-names']).map((v) => str(v) ?? '');
    }
    const wanted = this.regNames.map((n, i) => (GENERAL_REGS.has(n) ? i : -1)).filter((i) => i >= 0);
    const r = await this.gdb.send(`-data-list-register-values ${frameArgs(frameId)} --skip-unavailable x ${wanted.join(' ')}`);
    return list(r.results['register-values']).map((v) => {
      const t = tuple(v) as MiTuple;
      const name = this.regNames![Number(str(t.number))];
      return { name, value: str(t.value) ?? '', evaluateName: `$${name}`, variablesReference: 0 };
    });
  }
}

function summary(type: string): string {
  const arr = /\[(\d+)\]$/.exec(type);
  if (arr) return `${type.replace(/\s*\[\d+\]$/, '')}[${arr[1]}]`;
  return `{...}`;
}
