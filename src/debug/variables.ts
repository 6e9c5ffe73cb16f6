// Scopes and variables over gdb variable objects, created lazily: kernel structs are huge,
// so nothing is expanded until VS Code asks, and children come in pages.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MiCommands, Varobj, Where } from '../gdb/commands';
import { frameOf } from './frames';
import { pointerTarget } from './memory';
import { gdbThreadOf } from './tasks';
import { KernelLists } from './kernelLists';
import { bitRanges, counterPath, idPath, isCpumask, isPidPointer, jiffiesText, ktimeText } from './kernelData';
import { PerCpu, PerCpuVar, cpuExpr } from './perCpu';
import type { ListIndex } from './listIndex';
import { ALL_KERNEL_DATA_VIEWS, KernelDataArguments, KernelDataViews, VARIABLE_MENU } from '../shared/messages';

const NO_VIEWS: KernelDataViews = { lists: false, rbtrees: false, mapleTrees: false, xarrays: false, perCpu: false, counters: false, ids: false, time: false, cpumasks: false };
/** varobjs show char arrays as "[16]"; for comm and names the string is what people want. */
const CHAR_ARRAY = /^(const )?(unsigned )?char \[\d+\]$/;
/** `expr,raw` in Watch or the Debug Console: the expression without the kernel data views. */
const RAW_SUFFIX = /^(.*\S)\s*,\s*raw\s*$/s;

type Ref =
  | { kind: 'scope'; scope: 'args' | 'locals' | 'registers'; frameId: number }
  | { kind: 'expr'; frameId?: number; expr: string }     // not yet a varobj
  | { kind: 'varobj'; name: string; expr: string; type: string; frameId?: number }
  | { kind: 'list'; id: number; frameId?: number }       // a kernel list: kernelLists.ts
  | { kind: 'listPage'; id: number; start: number; count: number; frameId?: number }
  | { kind: 'perCpu'; v: PerCpuVar; frameId?: number };  // one child per possible CPU: perCpu.ts

/** x86_64: 4 debug registers, each watching up to 8 aligned bytes. */
export const MAX_WATCH_BYTES = 32;

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
  /** Whether `h` was handed out (and is gone now if get() finds nothing). */
  issued(h: number): boolean { return h > 0 && h < this.next; }
}

const whereOf = (frameId: number): Where => {
  const { thread, level } = frameOf(frameId);
  return { thread: gdbThreadOf(thread), frame: level };
};
const maybeWhere = (frameId: number | undefined) => (frameId !== undefined ? whereOf(frameId) : undefined);

/** Whether a value shown by --simple-values can be opened: aggregates (no value) and data pointers. */
function expandable(type: string, value: string | undefined): boolean {
  if (value === undefined) return true;
  if (!/\*\s*(const\s*)?$/.test(type) || /\(\*\)/.test(type)) return false;
  if (/^(const\s+)?(unsigned\s+)?char\s*\*/.test(type) || /^void\s*\*/.test(type)) return false;
  return !/^0x0+$/.test(value);
}

function childExpr(parent: Ref & { kind: 'varobj' }, exp: string): string {
  // An anonymous union or struct's members are the parent's own: the parent stands for it.
  if (/^<anonymous/.test(exp)) return /\*\s*$/.test(parent.type) ? `(*(${parent.expr}))` : parent.expr;
  if (/^\d+$/.test(exp) && /\]$/.test(parent.type)) return `(${parent.expr})[${exp}]`;
  if (/\*\s*$/.test(parent.type)) return /^\*/.test(exp) ? `*(${parent.expr})` : `(${parent.expr})->${exp}`;
  return `(${parent.expr}).${exp}`;
}

export class Variables {
  private handles = new Handles<Ref>();
  private roots: string[] = [];
  private regNames: string[] | undefined;
  private readonly lists: KernelLists;
  private readonly perCpu: PerCpu;
  private views: KernelDataViews = { ...ALL_KERNEL_DATA_VIEWS };
  /** Expressions (evaluateNames) the user asked to see raw ("Show as Raw"). */
  private readonly raw = new Set<string>();

  constructor(private readonly mi: MiCommands, listIndex: () => ListIndex | undefined = () => undefined) {
    this.perCpu = new PerCpu(mi);
    this.lists = new KernelLists(mi, {
      listRef: (id, frameId) => this.handles.create({ kind: 'list', id, frameId }),
      pageRef: (id, start, count, frameId) => this.handles.create({ kind: 'listPage', id, start, count, frameId }),
      exprRef: (expr, frameId) => this.handles.create({ kind: 'expr', expr, frameId }),
    }, maybeWhere, listIndex);
  }

  /** The setting's views, and "Show as Raw" / "Show as Contents" on one expression. */
  configure(a: KernelDataArguments): void {
    if (a.views) this.views = { ...this.views, ...a.views };
    if (a.container) this.lists.choose(a.container.key, a.container.type && a.container.member ? { type: a.container.type, member: a.container.member } : undefined);
    for (const [key, c] of Object.entries(a.containers ?? {})) this.lists.choose(key, c);
    if (a.raw) {
      if (a.raw.on) this.raw.add(a.raw.expression.trim()); else this.raw.delete(a.raw.expression.trim());
    }
  }

  private viewsFor(expr: string): KernelDataViews {
    return this.raw.has(expr.trim()) ? NO_VIEWS : this.views;
  }

  /**
   * The row's menu context: "Show as Raw" where a view changed it (a value, a list), "Show as
   * Contents" where raw, "View as List of..." on a list and on a head whose entries are unknown.
   */
  private menu(expr: string, viewed: 'value' | 'list' | 'head' | undefined): { __vscodeVariableMenuContext?: string } {
    if (this.raw.has(expr.trim())) return { __vscodeVariableMenuContext: VARIABLE_MENU.raw };
    return viewed ? { __vscodeVariableMenuContext: VARIABLE_MENU[viewed] } : {};
  }

  /** "View as List of...": the candidates for a head, and the choice (undefined: the sources' or the table's again). */
  listCandidates(expr: string, frameId?: number) { return this.lists.candidates(expr, frameId); }

  scopes(frameId: number): DebugProtocol.Scope[] {
    const ref = (scope: 'args' | 'locals' | 'registers') => this.handles.create({ kind: 'scope', scope, frameId });
    return [
      { name: 'Arguments', presentationHint: 'arguments', variablesReference: ref('args'), expensive: false },
      { name: 'Locals', presentationHint: 'locals', variablesReference: ref('locals'), expensive: false },
      { name: 'Registers', presentationHint: 'registers', variablesReference: ref('registers'), expensive: true },
    ];
  }

  /** The frame a variables reference belongs to (its task context), if any. */
  frameOfReference(reference: number): number | undefined {
    return this.handles.get(reference)?.frameId;
  }

  async variables(reference: number, start = 0, count = 0): Promise<DebugProtocol.Variable[]> {
    const ref = this.handles.get(reference);
    if (!ref) return [];
    if (ref.kind === 'scope') {
      if (ref.scope === 'registers') return this.registers(ref.frameId);
      return this.frameVariables(ref.frameId, ref.scope === 'args');
    }
    if (ref.kind === 'list') return this.lists.expand(ref.id, ref.frameId);
    if (ref.kind === 'listPage') return this.lists.entries(ref.id, ref.start, ref.count, ref.frameId);
    if (ref.kind === 'perCpu') return this.perCpuChildren(ref.v, ref.frameId);
    const vo = ref.kind === 'varobj' ? ref : await this.toVarobj(reference, ref);
    return this.children(vo, start, count);
  }

  /**
   * Evaluates for hover, watch and the debug console: a varobj, so structs can be opened. A
   * per-CPU global opens to its CPUs' copies (`plain`: evaluating one of those copies).
   */
  async evaluate(expression: string, frameId: number | undefined, plain = false): Promise<DebugProtocol.EvaluateResponse['body']> {
    const where = maybeWhere(frameId);
    const rawSuffix = RAW_SUFFIX.exec(expression);
    const expr = rawSuffix ? rawSuffix[1] : expression;
    const views = rawSuffix ? NO_VIEWS : this.viewsFor(expr);
    const perCpu = plain || !views.perCpu ? undefined : await this.perCpu.lookup(expr, where);
    if (perCpu) {
      const n = perCpu.cpus.length;
      return { result: `per-CPU ${perCpu.type}: ${n} possible CPU${n === 1 ? '' : 's'}`, type: perCpu.type, variablesReference: this.handles.create({ kind: 'perCpu', v: perCpu, frameId }) };
    }
    let v: Varobj;
    try {
      v = await this.mi.varCreate(expr, where);
    } catch {
      // -var-create only says "unable to create variable object": let gdb say what is wrong
      // (No symbol "x" in current context...), or give the value if plain evaluation works.
      return { result: await this.mi.dataEvaluateExpression(expr, where), variablesReference: 0 };
    }
    this.roots.push(v.name);
    const list = await this.lists.recognise(expr, v.type, frameId, views);
    if (list && 'value' in list) return { result: list.value, type: v.type, variablesReference: list.variablesReference };
    const reference = v.numchild > 0 ? this.handles.create({ kind: 'varobj', name: v.name, expr, type: v.type, frameId }) : 0;
    // The memory inspector opens at what a pointer points to, or at an aggregate itself.
    let memoryReference = pointerTarget(v.type, v.value);
    if (!memoryReference && v.numchild > 0) memoryReference = /^(0x[0-9a-f]+)/i.exec(await this.mi.dataEvaluateExpression(`&(${expr})`, where).catch(() => ''))?.[1];
    const shown = await this.kernelValue(expr, v.type, v.value, views, frameId)
      ?? (CHAR_ARRAY.test(v.type) ? await this.mi.dataEvaluateExpression(expr, where).catch(() => undefined) : undefined) ?? v.value ?? '';
    return { result: shown, type: v.type, variablesReference: reference, memoryReference, ...this.paging(v.type, v.numchild) };
  }

  async setVariable(reference: number, name: string, value: string): Promise<DebugProtocol.SetVariableResponse['body']> {
    const ref = this.handles.get(reference);
    if (!ref) throw new Error('variable is gone: the guest has run since');
    let expr = name;
    let frameId: number | undefined;
    if (ref.kind === 'scope') frameId = ref.frameId;
    else if (ref.kind === 'expr') { frameId = ref.frameId; expr = `(${ref.expr}).${name}`; }
    else if (ref.kind === 'varobj') { expr = childExpr(ref, name); frameId = ref.frameId; }
    else if (ref.kind === 'perCpu') { expr = cpuExpr(ref.v, Number(/\d+/.exec(name)?.[0])); frameId = ref.frameId; }
    else throw new Error(`${name} is an entry of a kernel list: set its members instead`);
    if (ref.kind === 'scope' && ref.scope === 'registers') expr = `$${name}`;
    return { value: (await this.mi.dataEvaluateExpression(`${expr} = ${value}`, maybeWhere(frameId))) || value };
  }

  /** The Watch view's edit: `expression = value` in the frame; the value gdb then reads back. */
  async setExpression(expression: string, value: string, frameId?: number): Promise<DebugProtocol.SetExpressionResponse['body']> {
    return { value: await this.mi.dataEvaluateExpression(`(${expression}) = (${value})`, maybeWhere(frameId)) };
  }

  /**
   * Drops every handle and varobj: called whenever the guest resumes. The deletes are not
   * awaited: gdb runs commands in order, so they cost the following step no round trip.
   */
  reset(): void {
    this.handles.reset();
    this.lists.reset();
    // A varobj gdb has already dropped (its frame is gone) is no loss: nothing to report.
    for (const n of this.roots) this.mi.varDelete(n).catch(() => undefined);
    this.roots = [];
  }

  private async frameVariables(frameId: number, args: boolean): Promise<DebugProtocol.Variable[]> {
    const out: DebugProtocol.Variable[] = [];
    for (const { name, type, value, arg } of await this.mi.stackListVariables(whereOf(frameId))) {
      if (arg !== args) continue;
      const reference = expandable(type, value) ? this.handles.create({ kind: 'expr', frameId, expr: name }) : 0;
      out.push({ name, type, value: value ?? summary(type), evaluateName: name, variablesReference: reference, memoryReference: pointerTarget(type, value) });
    }
    return out;
  }

  private async toVarobj(reference: number, ref: Ref & { kind: 'expr' }): Promise<Ref & { kind: 'varobj' }> {
    const v = await this.mi.varCreate(ref.expr, maybeWhere(ref.frameId));
    this.roots.push(v.name);
    const vo = { kind: 'varobj' as const, name: v.name, expr: ref.expr, type: v.type, frameId: ref.frameId };
    this.handles.set(reference, vo);
    return vo;
  }

  private async children(vo: Ref & { kind: 'varobj' }, start: number, count: number): Promise<DebugProtocol.Variable[]> {
    const out: DebugProtocol.Variable[] = [];
    for (const c of await this.mi.varListChildren(vo.name, count > 0 ? { from: start, to: start + count } : undefined)) {
      const { exp, type, numchild } = c;
      const expr = childExpr(vo, exp);
      // An anonymous union or struct's members are read as the parent's own (vma->vm_start): shown so.
      if (/^<anonymous/.test(exp) && numchild > 0) {
        out.push(...await this.children({ kind: 'varobj', name: c.name, expr, type, frameId: vo.frameId }, 0, 0));
        continue;
      }
      const views = this.viewsFor(expr);
      const list = await this.lists.recognise(expr, type, vo.frameId, views, vo.type, exp);
      if (list && 'value' in list) { out.push({ name: exp, type, value: list.value, evaluateName: expr, variablesReference: list.variablesReference, ...this.menu(expr, 'list') }); continue; }
      const reference = numchild > 0 ? this.handles.create({ kind: 'varobj', name: c.name, expr, type, frameId: vo.frameId }) : 0;
      const viewed = await this.kernelValue(expr, type, c.value, views, vo.frameId);
      let value = viewed ?? c.value ?? summary(type);
      if (CHAR_ARRAY.test(type)) value = await this.mi.dataEvaluateExpression(expr, maybeWhere(vo.frameId)).catch(() => value);
      const name = /^\d+$/.test(exp) ? `[${exp}]` : exp;
      out.push({ name, type, value, evaluateName: expr, variablesReference: reference, memoryReference: pointerTarget(type, c.value), ...this.paging(type, numchild), ...this.menu(expr, list ? 'head' : viewed !== undefined ? 'value' : undefined) });
    }
    return out;
  }

  /**
   * What a data breakpoint on a variable `name` of container `reference` (or on an expression in
   * a frame) watches: the memory itself, `{type} address`, so it holds in any frame. Refused with
   * the reason when it is not in memory or too big for the CPU's debug registers.
   */
  async watchTarget(name: string, reference?: number, frameId?: number): Promise<DebugProtocol.DataBreakpointInfoResponse['body']> {
    let listed: { expr: string; frameId?: number } | { gone: string };
    try {
      listed = reference ? await this.memberOf(reference, name) : { expr: name, frameId };
    } catch (e) {
      return { dataId: null, description: `Cannot watch ${name}: ${(e as Error).message}` };
    }
    if ('gone' in listed) return { dataId: null, description: listed.gone };
    const where = maybeWhere(listed.frameId);
    let addr: string;
    let size: number;
    let type: string;
    try {
      addr = /0x[0-9a-f]+/i.exec(await this.mi.dataEvaluateExpression(`&(${listed.expr})`, where))?.[0] ?? '';
      size = Number(await this.mi.dataEvaluateExpression(`sizeof(${listed.expr})`, where));
      const v = await this.mi.varCreate(listed.expr, where);
      type = v.type;
      this.mi.varDelete(v.name).catch(() => undefined);
    } catch (e) {
      return { dataId: null, description: `Cannot watch ${listed.expr}: ${(e as Error).message}` };
    }
    if (!addr) return { dataId: null, description: `Cannot watch ${listed.expr}: it has no address (a register or a constant).` };
    if (size > MAX_WATCH_BYTES) return { dataId: null, description: `Cannot watch ${listed.expr}: ${size} bytes, more than the CPU's debug registers cover (${MAX_WATCH_BYTES}: 4 of 8 bytes). Watch one member instead.` };
    const dataId = JSON.stringify({ expr: `{${type}} ${addr}`, label: listed.expr });
    return { dataId, description: `${listed.expr} (${size} bytes at ${addr})`, accessTypes: ['write', 'read', 'readWrite'], canPersist: false };
  }

  /**
   * The expression of variable `name` in container `reference`, whether or not the client has
   * listed the container yet (it may ask for a child it never expanded): from the container's
   * own expression, as children() would name it.
   */
  private async memberOf(reference: number, name: string): Promise<{ expr: string; frameId?: number } | { gone: string }> {
    const ref = this.handles.get(reference);
    if (!ref) {
      return { gone: this.handles.issued(reference)
        ? `${name}: the guest ran since it was listed (it belongs to an earlier stop): open it again at this stop to watch it.`
        : `${name}: no such variables container (${reference}) in this session.` };
    }
    if (ref.kind === 'scope') return { expr: ref.scope === 'registers' ? `$${name}` : name, frameId: ref.frameId };
    if (ref.kind === 'list' || ref.kind === 'listPage') return { gone: `${name}: an entry of a kernel list: watch one of its members instead.` };
    if (ref.kind === 'perCpu') return { expr: cpuExpr(ref.v, Number(/\d+/.exec(name)?.[0])), frameId: ref.frameId };
    const vo = ref.kind === 'varobj' ? ref : await this.toVarobj(reference, ref);
    return { expr: childExpr(vo, /^\[(\d+)\]$/.exec(name)?.[1] ?? name), frameId: vo.frameId };
  }

  /** A per-CPU variable's copies, "[cpu]" each, as evaluate shows them. */
  private async perCpuChildren(v: PerCpuVar, frameId?: number): Promise<DebugProtocol.Variable[]> {
    const out: DebugProtocol.Variable[] = [];
    for (const cpu of v.cpus) {
      const expr = cpuExpr(v, cpu);
      const r = await this.evaluate(expr, frameId, true).catch((e: Error) => ({ result: `<${e.message}>`, variablesReference: 0, type: undefined, memoryReference: undefined }));
      out.push({ name: `[${cpu}]`, value: r.result, type: r.type, evaluateName: expr, variablesReference: r.variablesReference, memoryReference: r.memoryReference });
    }
    return out;
  }

  /**
   * What a kernel type means, where gdb shows its parts: a counter as its number, a kuid_t as
   * its number, a struct pid pointer with its pid, a ktime_t with seconds, jiffies as the time since boot, a cpumask as its set
   * bits; undefined for other types (no gdb round trip for them).
   */
  private async kernelValue(expr: string, type: string, value: string | undefined, views: KernelDataViews, frameId?: number): Promise<string | undefined> {
    const where = maybeWhere(frameId);
    const aggregate = value === undefined || value === '{...}';
    if (views.time) {
      const time = ktimeText(type, value) ?? (expr.trim() === 'jiffies' && /^(volatile\s+)?unsigned long$/.test(type) ? await this.jiffies(value) : undefined);
      if (time) return time;
    }
    if (views.ids && isPidPointer(type) && value && !/^0x0+$/.test(value)) {
      const nr = await this.mi.dataEvaluateExpression(`(${expr})->numbers[0].nr`, where).catch(() => undefined);
      return nr === undefined ? undefined : `${value} {nr = ${nr}}`;
    }
    if (!aggregate) return undefined;
    const path = (views.counters ? counterPath(type) : undefined) ?? (views.ids ? idPath(type) : undefined);
    if (path) return this.mi.dataEvaluateExpression(`(${expr})${path}`, where).catch(() => undefined);
    if (views.cpumasks && isCpumask(type)) {
      const bits = await this.mi.dataEvaluateExpression(`(${expr}).bits`, where).catch(() => undefined);
      return bits === undefined ? undefined : `"${bitRanges(bits)}"`;
    }
    return undefined;
  }

  private async jiffies(raw: string | undefined): Promise<string | undefined> {
    if (raw === undefined) return undefined;
    return jiffiesText(raw, await this.mi.dataEvaluateExpression('tick_nsec').catch(() => ''));
  }

  private paging(type: string, numchild: number): Partial<DebugProtocol.Variable> {
    // Arrays get indexed paging (VS Code asks for 100 at a time); structs come whole.
    return /\[\d+\]$/.test(type) && numchild > 100 ? { indexedVariables: numchild } : {};
  }

  private async registers(frameId: number): Promise<DebugProtocol.Variable[]> {
    this.regNames ??= await this.mi.dataListRegisterNames();
    const names = this.regNames;
    const wanted = names.map((n, i) => (GENERAL_REGS.has(n) ? i : -1)).filter((i) => i >= 0);
    return (await this.mi.dataListRegisterValues(whereOf(frameId), wanted)).map(({ number, value }) => {
      const name = names[number];
      return { name, value, evaluateName: `$${name}`, variablesReference: 0 };
    });
  }
}

function summary(type: string): string {
  const arr = /\[(\d+)\]$/.exec(type);
  if (arr) return `${type.replace(/\s*\[\d+\]$/, '')}[${arr[1]}]`;
  return `{...}`;
}
