// Kconfig evaluation, as the kernel's conf does it (scripts/kconfig/symbol.c, sym_calc_value):
// tristate logic over expressions, visibility from prompts and dependencies, user values from
// a .config capped by visibility, defaults, select (reverse dependencies) and imply, choices.
// Each value comes with where it came from, for hover and diagnostics.
import { KconfigEntry, KconfigIndex } from './kconfigParse';
import type { KconfigMacros } from './macros';

export type Tri = 0 | 1 | 2;   // n, m, y
const TRI: Record<string, Tri> = { n: 0, m: 1, y: 2 };
const triName = (t: Tri) => (['n', 'm', 'y'] as const)[t];

type Expr =
  | { op: 'sym'; name: string }
  | { op: 'const'; value: string }
  | { op: '!'; a: Expr }
  | { op: '&&' | '||'; a: Expr; b: Expr }
  | { op: '=' | '!=' | '<' | '<=' | '>' | '>='; a: Expr; b: Expr };

export function parseExpr(src: string): Expr {
  const toks = src.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|&&|\|\||!=|<=|>=|[!()=<>]|[^\s!()=<>&|"']+/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const primary = (): Expr => {
    const t = toks[i++];
    if (t === undefined) return { op: 'const', value: 'n' };
    if (t === '(') { const e = or(); if (peek() === ')') i++; return e; }
    if (t === '!') return { op: '!', a: primary() };
    if (/^["']/.test(t)) return { op: 'const', value: t.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (/^[nmy]$/.test(t) || /^-?(0x[0-9a-fA-F]+|\d+)$/.test(t)) return { op: 'const', value: t };
    return { op: 'sym', name: t };
  };
  const cmp = (): Expr => {
    const a = primary();
    const o = peek();
    if (o === '=' || o === '!=' || o === '<' || o === '<=' || o === '>' || o === '>=') { i++; return { op: o, a, b: primary() }; }
    return a;
  };
  const and = (): Expr => { let a = cmp(); while (peek() === '&&') { i++; a = { op: '&&', a, b: cmp() }; } return a; };
  const or = (): Expr => { let a = and(); while (peek() === '||') { i++; a = { op: '||', a, b: and() }; } return a; };
  return or();
}

/** A .config (or fragment): CONFIG_X=value, and "# CONFIG_X is not set" as n. */
export function parseDotConfig(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^CONFIG_(\w+)=(.*)$/.exec(line);
    // The map's order is that of each symbol's last line: in a choice, conf keeps the last =y.
    if (set) { m.delete(set[1]); m.set(set[1], set[2].replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1')); continue; }
    const unset = /^# CONFIG_(\w+) is not set/.exec(line);
    if (unset) { m.delete(unset[1]); m.set(unset[1], 'n'); }
  }
  return m;
}

interface Rev { from: string; cond?: string; deps: string[] }

/** unknown: it depends on a toolchain probe not answered yet (then nothing is claimed of it). */
export interface Value { value: string; origin: string; unknown?: boolean }

export class KconfigEval {
  private cache = new Map<string, Value>();
  private busy = new Set<string>();
  private exprs = new Map<string, Expr>();
  private selects = new Map<string, Rev[]>();
  private implies = new Map<string, Rev[]>();
  private choices = new Map<KconfigEntry, KconfigEntry[]>();
  /** Per symbol being calculated: whether it met something not yet known. */
  private taint: boolean[] = [];
  private readonly userOrder = new Map<string, number>();

  /**
   * user: the .config (or fragment) being evaluated. toolchain: values of symbols whose defaults
   * ask the compiler ($(success,...), $(cc-option,...)): conf runs those; here a .config made on
   * this machine answers them (the build directory's).
   */
  /** macros: Kconfig's macros with their toolchain probes (macros.ts); without them, `toolchain` answers. */
  constructor(private readonly idx: KconfigIndex, private readonly user: Map<string, string>, private readonly toolchain: Map<string, string> = new Map(), private readonly macros?: KconfigMacros) {
    [...user.keys()].forEach((k, i) => this.userOrder.set(k, i));
    for (const defs of idx.symbols.values()) {
      for (const e of defs) {
        for (const s of e.selects) push(this.selects, s.value, { from: e.name, cond: s.cond, deps: e.depends });
        for (const s of e.implies) push(this.implies, s.value, { from: e.name, cond: s.cond, deps: e.depends });
        if (e.choice) push(this.choices, e.choice, e);
      }
    }
  }

  /** The symbol's value ('y'/'m'/'n' or the string/number) and where it came from. */
  value(name: string): Value {
    const hit = this.cache.get(name);
    if (hit) { if (hit.unknown) this.tainted(); return hit; }
    if (this.busy.has(name)) return { value: 'n', origin: 'a dependency loop' };
    this.busy.add(name);
    this.taint.push(false);
    let v: Value | undefined;
    try {
      v = this.calc(name);
      if (this.taint[this.taint.length - 1]) v = { ...v, unknown: true, origin: `${v.origin} (not known: it hangs on a toolchain probe, $(cc-option) and the like, that is still running or did not finish, so nothing is claimed of it)` };
      this.cache.set(name, v);
      return v;
    } finally {
      this.taint.pop();
      this.busy.delete(name);
      if (v?.unknown) this.tainted();
    }
  }

  private tainted(): void { if (this.taint.length) this.taint[this.taint.length - 1] = true; }

  /** An expression with its macros expanded ($(cc-option,...) -> y or n): '' and tainted while unknown. */
  private expanded(e: string): string {
    if (!this.macros || !e.includes('$(')) return e;
    const x = this.macros.expand(e);
    if (x === undefined) { this.tainted(); return ''; }
    return x;
  }

  /** asValue: a default's value, where `m` is m itself; in a condition `m` means `m && MODULES` (conf's menu_check_dep). */
  tri(e: string | undefined, asValue = false): Tri {
    if (!e) return 2;
    e = this.expanded(e);
    if (!e.trim()) return 0;
    let x = this.exprs.get(e);
    if (!x) { x = parseExpr(e); this.exprs.set(e, x); }
    return this.evalTri(x, asValue);
  }

  /** Prompt visibility: the best prompt condition with the definition's dependencies. */
  visibility(name: string): Tri {
    let vis: Tri = 0;
    for (const d of this.idx.symbols.get(name) ?? []) for (const p of d.prompts) vis = Math.max(vis, Math.min(this.tri(p.cond), this.deps(d))) as Tri;
    const type = this.typeOf(name);
    if (vis === 1 && (type !== 'tristate' || this.modules() === 0)) vis = 2;
    return vis;
  }

  typeOf(name: string): string | undefined { return (this.idx.symbols.get(name) ?? []).find((d) => d.type)?.type; }

  private deps(d: KconfigEntry): Tri { return d.depends.reduce<Tri>((t, e) => Math.min(t, this.tri(e)) as Tri, 2); }
  private dirDep(name: string): Tri { return (this.idx.symbols.get(name) ?? []).reduce<Tri>((t, d) => Math.max(t, this.deps(d)) as Tri, 0); }
  private modules(): Tri { return this.cache.get('MODULES') ? TRI[this.cache.get('MODULES')!.value] ?? 0 : (this.idx.symbols.has('MODULES') ? (TRI[this.value('MODULES').value] ?? 0) : 0); }

  private revDep(list: Rev[] | undefined): { t: Tri; by?: string } {
    let t: Tri = 0;
    let by: string | undefined;
    for (const r of list ?? []) {
      const v = Math.min(this.symTri(r.from), this.tri(r.cond), r.deps.reduce<Tri>((x, e) => Math.min(x, this.tri(e)) as Tri, 2)) as Tri;
      if (v > t) { t = v; by = r.from; }
    }
    return { t, by };
  }

  private symTri(name: string): Tri {
    const v = this.value(name).value;
    return TRI[v] ?? 0;
  }

  private calc(name: string): Value {
    const defs = this.idx.symbols.get(name);
    if (!defs) return { value: 'n', origin: 'not defined in Kconfig' };
    if (!this.macros && defs.some((d) => d.defaults.some((x) => x.value.includes('$(') || x.cond?.includes('$(')))) {
      const known = this.toolchain.get(name);
      if (known !== undefined) return { value: known, origin: 'from the toolchain (as the build directory\'s .config records it)' };
    }
    const type = this.typeOf(name);
    const vis = this.visibility(name);
    const user = this.user.get(name);
    const choiceEntry = defs.find((d) => d.choice)?.choice;
    if (type === 'bool' || type === 'tristate') {
      // A choice at y picks one member; a tristate choice at m (6.1) lets each member be m or n,
      // each then a tristate of its own visible as far as the choice.
      let memberVis = vis;
      if (choiceEntry) {
        const mode = this.choiceMode(choiceEntry);
        if (mode !== 1) return this.choiceValue(name, choiceEntry);
        memberVis = Math.min(vis, 1) as Tri;
      }
      let val: Tri = 0;
      let origin = 'no default applies';
      if (memberVis > 0 && user !== undefined && user in TRI) {
        val = Math.min(TRI[user], memberVis) as Tri;
        origin = 'assigned in .config';
      } else {
        const def = this.firstDefault(defs);
        if (def) { val = Math.min(this.tri(def.d.value, true), def.visible) as Tri; origin = `default in ${def.at}`; }
        const imp = this.revDep(this.implies.get(name));
        if (imp.t > 0) {
          const v = Math.min(Math.max(val, imp.t), this.dirDep(name)) as Tri;
          if (v > val) origin = `implied by ${imp.by}`;
          val = v;
        }
      }
      const sel = this.revDep(this.selects.get(name));
      if (sel.t > val) { val = sel.t; origin = `selected by ${sel.by}`; }
      // Without MODULES every tristate is a bool (conf's sym_get_type).
      if (val === 1 && (type === 'bool' || name === 'MODULES' || this.modules() === 0)) val = 2;
      return { value: triName(val), origin };
    }
    // string, int, hex: the user's value when visible (an int or hex outside its range is not
    // read: conf drops it), else the first default that applies, held to the range.
    const range = type === 'int' || type === 'hex' ? this.range(defs) : undefined;
    const inRange = (v: string) => !range || (num(v) !== undefined && num(v)! >= range[0] && num(v)! <= range[1]);
    if (vis > 0 && user !== undefined && inRange(user)) return { value: user, origin: 'assigned in .config' };
    const def = this.firstDefault(defs);
    if (def && this.dirDep(name) > 0) {
      const x = parseExpr(this.expanded(def.d.value));
      let v = (x.op === 'sym' && this.idx.symbols.has(x.name) ? this.value(x.name).value : x.op === 'const' ? x.value : def.d.value).replace(/^"(.*)"$/, '$1');
      const n = num(v);
      if (range && n !== undefined && !inRange(v)) v = format(n < range[0] ? range[0] : range[1], type!);
      return { value: v, origin: `default in ${def.at}${user !== undefined && !inRange(user) ? ` (${user} is outside its range ${format(range![0], type!)}-${format(range![1], type!)})` : ''}` };
    }
    return { value: '', origin: 'no default applies' };
  }

  /** The first range whose condition and dependencies hold, its bounds as numbers (conf's sym_get_range_prop). */
  private range(defs: KconfigEntry[]): [bigint, bigint] | undefined {
    for (const e of defs) {
      for (const r of e.ranges) {
        if (Math.min(this.tri(r.cond), this.deps(e)) === 0) continue;
        const [lo, hi] = r.value.trim().split(/\s+/).map((b) => num(this.idx.symbols.has(b) ? this.value(b).value : b));
        return lo === undefined || hi === undefined ? undefined : [lo, hi];
      }
    }
    return undefined;
  }

  private firstDefault(defs: KconfigEntry[]): { d: { value: string; cond?: string }; visible: Tri; at: string } | undefined {
    for (const e of defs) {
      for (const d of e.defaults) {
        const visible = Math.min(this.tri(d.cond), this.deps(e)) as Tri;
        if (visible > 0) return { d, visible, at: `${e.file}:${e.line}` };
      }
    }
    return undefined;
  }

  /**
   * The choice's own value (conf reads it as the OR of its members' values in the .config, else
   * y): y picks one member, m (a tristate choice, 6.1) leaves each member m or n, n none.
   */
  private choiceMode(choice: KconfigEntry): Tri {
    const vis = choice.prompts.reduce<Tri>((t, p) => Math.max(t, Math.min(this.tri(p.cond), this.deps(choice))) as Tri, 0);
    const members = this.choices.get(choice) ?? [];
    const read = members.map((m) => this.user.get(m.name)).filter((v): v is string => v === 'm' || v === 'y');
    let mode = Math.min(read.length ? Math.max(...read.map((v) => TRI[v])) : 2, vis) as Tri;
    if (mode === 1 && (members.some((m) => this.typeOf(m.name) !== 'tristate') || this.modules() === 0)) mode = 2;
    return mode;
  }

  private choiceValue(name: string, choice: KconfigEntry): Value {
    const members = this.choices.get(choice) ?? [];
    const visible = (m: KconfigEntry) => this.visibility(m.name) > 0;
    const choiceVis = choice.prompts.reduce<Tri>((t, p) => Math.max(t, Math.min(this.tri(p.cond), this.deps(choice))) as Tri, 0);
    if (choiceVis === 0 && !choice.defaults.length) return { value: 'n', origin: 'its choice is not visible' };
    // conf keeps the member set =y last in the .config, if it is visible.
    const last = members.filter((m) => this.user.get(m.name) === 'y').sort((a, b) => this.userOrder.get(b.name)! - this.userOrder.get(a.name)!)[0];
    const chosen = (last && visible(last) ? last : undefined)
      ?? (() => { const d = this.firstDefault([choice]); return d ? members.find((m) => m.name === d.d.value && visible(m)) : undefined; })()
      ?? members.find(visible);
    if (choiceVis === 0) return { value: 'n', origin: 'its choice is not visible' };
    return chosen?.name === name ? { value: 'y', origin: this.user.get(name) === 'y' ? 'assigned in .config (its choice)' : 'the choice\'s default' } : { value: 'n', origin: `another choice is selected (${chosen?.name ?? 'none'})` };
  }

  private evalTri(x: Expr, asValue = false): Tri {
    switch (x.op) {
      case 'const': return x.value in TRI ? (x.value === 'm' && !asValue ? (Math.min(1, this.modules() ? 1 : 0) as Tri) : TRI[x.value]) : 0;
      case 'sym': return this.idx.symbols.has(x.name) && ['bool', 'tristate'].includes(this.typeOf(x.name) ?? '') ? this.symTri(x.name) : 0;
      case '!': return (2 - this.evalTri(x.a, asValue)) as Tri;
      case '&&': return Math.min(this.evalTri(x.a, asValue), this.evalTri(x.b, asValue)) as Tri;
      case '||': return Math.max(this.evalTri(x.a, asValue), this.evalTri(x.b, asValue)) as Tri;
      default: {
        const [a, b] = [this.str(x.a), this.str(x.b)];
        const na = Number(a); const nb = Number(b);
        const c = !Number.isNaN(na) && !Number.isNaN(nb) && a !== '' && b !== '' ? na - nb : a < b ? -1 : a > b ? 1 : 0;
        const r = x.op === '=' ? c === 0 : x.op === '!=' ? c !== 0 : x.op === '<' ? c < 0 : x.op === '<=' ? c <= 0 : x.op === '>' ? c > 0 : c >= 0;
        return r ? 2 : 0;
      }
    }
  }

  private str(x: Expr): string {
    if (x.op === 'const') return x.value;
    if (x.op === 'sym') return this.idx.symbols.has(x.name) ? this.value(x.name).value : x.name;
    return triName(this.evalTri(x));
  }
}

/** An int or hex value as a number (hex with or without 0x, as conf reads it); undefined if neither. */
function num(v: string): bigint | undefined {
  const t = v.trim();
  if (/^-?\d+$/.test(t)) return BigInt(t);
  if (/^(0x)?[0-9a-f]+$/i.test(t)) return BigInt(t.startsWith('0x') || t.startsWith('0X') ? t : `0x${t}`);
  return undefined;
}

const format = (n: bigint, type: string) => (type === 'hex' ? `0x${n.toString(16)}` : n.toString());

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v); else m.set(k, [v]);
}
