// Kconfig evaluation, as the kernel's conf does it (scripts/kconfig/symbol.c, sym_calc_value):
// tristate logic over expressions, visibility from prompts and dependencies, user values from
// a .config capped by visibility, defaults, select (reverse dependencies) and imply, choices.
// Each value comes with where it came from, for hover and diagnostics.
import { KconfigEntry, KconfigIndex } from './kconfigParse';

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
    if (set) { m.set(set[1], set[2].replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1')); continue; }
    const unset = /^# CONFIG_(\w+) is not set/.exec(line);
    if (unset) m.set(unset[1], 'n');
  }
  return m;
}

interface Rev { from: string; cond?: string; deps: string[] }

export interface Value { value: string; origin: string }

export class KconfigEval {
  private cache = new Map<string, Value>();
  private busy = new Set<string>();
  private exprs = new Map<string, Expr>();
  private selects = new Map<string, Rev[]>();
  private implies = new Map<string, Rev[]>();
  private choices = new Map<KconfigEntry, KconfigEntry[]>();

  /**
   * user: the .config (or fragment) being evaluated. toolchain: values of symbols whose defaults
   * ask the compiler ($(success,...), $(cc-option,...)): conf runs those; here a .config made on
   * this machine answers them (the build directory's).
   */
  constructor(private readonly idx: KconfigIndex, private readonly user: Map<string, string>, private readonly toolchain: Map<string, string> = new Map()) {
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
    if (hit) return hit;
    if (this.busy.has(name)) return { value: 'n', origin: 'a dependency loop' };
    this.busy.add(name);
    try {
      const v = this.calc(name);
      this.cache.set(name, v);
      return v;
    } finally {
      this.busy.delete(name);
    }
  }

  tri(e: string | undefined): Tri {
    if (!e) return 2;
    let x = this.exprs.get(e);
    if (!x) { x = parseExpr(e); this.exprs.set(e, x); }
    return this.evalTri(x);
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
    if (defs.some((d) => d.defaults.some((x) => x.value.includes('$(') || x.cond?.includes('$(')))) {
      const known = this.toolchain.get(name);
      if (known !== undefined) return { value: known, origin: 'from the toolchain (as the build directory\'s .config records it)' };
    }
    const type = this.typeOf(name);
    const vis = this.visibility(name);
    const user = this.user.get(name);
    const choiceEntry = defs.find((d) => d.choice)?.choice;
    if (type === 'bool' || type === 'tristate') {
      if (choiceEntry) return this.choiceValue(name, choiceEntry);
      let val: Tri = 0;
      let origin = 'no default applies';
      if (vis > 0 && user !== undefined && user in TRI) {
        val = Math.min(TRI[user], vis) as Tri;
        origin = 'assigned in .config';
      } else {
        const def = this.firstDefault(defs);
        if (def) { val = Math.min(this.tri(def.d.value), def.visible) as Tri; origin = `default in ${def.at}`; }
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
    // string, int, hex: the user's value when visible, else the first default that applies.
    if (vis > 0 && user !== undefined) return { value: user, origin: 'assigned in .config' };
    const def = this.firstDefault(defs);
    if (def && this.dirDep(name) > 0) {
      const x = parseExpr(def.d.value);
      const v = x.op === 'sym' && this.idx.symbols.has(x.name) ? this.value(x.name).value : x.op === 'const' ? x.value : def.d.value;
      return { value: v, origin: `default in ${def.at}` };
    }
    return { value: '', origin: 'no default applies' };
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

  private choiceValue(name: string, choice: KconfigEntry): Value {
    const members = this.choices.get(choice) ?? [];
    const visible = (m: KconfigEntry) => this.visibility(m.name) > 0;
    const choiceVis = choice.prompts.reduce<Tri>((t, p) => Math.max(t, Math.min(this.tri(p.cond), this.deps(choice))) as Tri, 0);
    if (choiceVis === 0 && !choice.defaults.length) return { value: 'n', origin: 'its choice is not visible' };
    const chosen = members.find((m) => visible(m) && this.user.get(m.name) === 'y')
      ?? (() => { const d = this.firstDefault([choice]); return d ? members.find((m) => m.name === d.d.value && visible(m)) : undefined; })()
      ?? members.find(visible);
    if (choiceVis === 0) return { value: 'n', origin: 'its choice is not visible' };
    return chosen?.name === name ? { value: 'y', origin: this.user.get(name) === 'y' ? 'assigned in .config (its choice)' : 'the choice\'s default' } : { value: 'n', origin: `another choice is selected (${chosen?.name ?? 'none'})` };
  }

  private evalTri(x: Expr): Tri {
    switch (x.op) {
      case 'const': return x.value in TRI ? (x.value === 'm' ? (Math.min(1, this.modules() ? 1 : 0) as Tri) : TRI[x.value]) : 0;
      case 'sym': return this.idx.symbols.has(x.name) && ['bool', 'tristate'].includes(this.typeOf(x.name) ?? '') ? this.symTri(x.name) : 0;
      case '!': return (2 - this.evalTri(x.a)) as Tri;
      case '&&': return Math.min(this.evalTri(x.a), this.evalTri(x.b)) as Tri;
      case '||': return Math.max(this.evalTri(x.a), this.evalTri(x.b)) as Tri;
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

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v); else m.set(k, [v]);
}
