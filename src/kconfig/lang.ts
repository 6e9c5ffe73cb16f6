// What the Kconfig language server answers, as pure functions over the index and evaluation:
// the symbol under the cursor in Kconfig, .config/fragments, C and Makefiles; hover text;
// definitions; completion; diagnostics. No LSP types here beyond plain positions.
import { KconfigEntry, KconfigIndex, parseKconfig } from './kconfigParse';
import { KconfigEval, parseExpr } from './kconfigEval';

export type DocKind = 'kconfig' | 'dotconfig' | 'c' | 'makefile';

export function docKindOf(file: string): DocKind | undefined {
  const base = file.split('/').pop() ?? '';
  if (/^Kconfig/.test(base)) return 'kconfig';
  if (base === '.config' || /\.config$/.test(base) || /_defconfig$/.test(base) || base === '.kunitconfig') return 'dotconfig';
  if (/\.[ch]$/.test(base)) return 'c';
  if (/^(Makefile|Kbuild)/.test(base) || /\.mk$/.test(base)) return 'makefile';
  return undefined;
}

/** The Kconfig symbol at a position: CONFIG_X outside Kconfig files, X inside them. */
export function symbolAt(line: string, character: number, kind: DocKind, known: (n: string) => boolean): { name: string; start: number; end: number } | undefined {
  const re = /[A-Za-z0-9_]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) {
    if (character < m.index || character > m.index + m[0].length) continue;
    const word = m[0];
    if (kind !== 'kconfig') {
      const c = /^CONFIG_(\w+)$/.exec(word);
      return c ? { name: c[1], start: m.index, end: m.index + word.length } : undefined;
    }
    return known(word) ? { name: word, start: m.index, end: m.index + word.length } : undefined;
  }
  return undefined;
}

const list = (xs: string[]) => xs.map((x) => `\`${x}\``).join(', ');

/** Markdown for a symbol: type, prompt, value and where it came from, relations, definitions, help. */
export function hoverText(idx: KconfigIndex, ev: KconfigEval | undefined, name: string): string | undefined {
  const defs = idx.symbols.get(name);
  if (!defs) return undefined;
  const type = defs.find((d) => d.type)?.type ?? 'unknown';
  const prompt = defs.flatMap((d) => d.prompts)[0]?.value;
  const out = [`**CONFIG_${name}** (${type})${prompt ? ` — ${prompt}` : ''}`];
  if (ev) {
    const v = ev.value(name);
    out.push(`Value: \`${v.value || '""'}\` — ${v.origin}`);
    // Off for good on UML: a dependency on what no UML configuration can change (symbols the
    // architecture fixes: no prompt, or not defined for UML).
    const fixed = (s: string) => !idx.symbols.has(s) || !(idx.symbols.get(s) ?? []).some((d) => d.prompts.length);
    const never = unmet(ev, defs).filter((d) => /!\s*UML\b/.test(d) || symbolsOf(d).every(fixed));
    if (v.value === 'n' && never.length) out.push(`Not available on ARCH=um: depends on ${list(never)}`);
  }
  const deps = [...new Set(defs.flatMap((d) => d.depends))];
  if (deps.length) out.push(`Depends on: ${list(deps)}`);
  const sel = defs.flatMap((d) => d.selects.map((s) => s.value + (s.cond ? ` if ${s.cond}` : '')));
  if (sel.length) out.push(`Selects: ${list(sel)}`);
  const selectedBy = reverse(idx, name, 'selects');
  if (selectedBy.length) out.push(`Selected by: ${list(selectedBy)}`);
  const impliedBy = reverse(idx, name, 'implies');
  if (impliedBy.length) out.push(`Implied by: ${list(impliedBy)}`);
  out.push(`Defined in ${defs.map((d) => `${d.file}:${d.line}`).join(', ')}`);
  const help = defs.map((d) => d.help).find(Boolean);
  if (help) out.push('', help);
  return out.join('\n\n');
}

function reverse(idx: KconfigIndex, name: string, kind: 'selects' | 'implies'): string[] {
  const out: string[] = [];
  for (const [n, defs] of idx.symbols) for (const d of defs) for (const s of d[kind]) if (s.value === name) out.push(s.cond ? `${n} if ${s.cond}` : n);
  return out;
}

export interface Diagnostic { line: number; start: number; end: number; severity: 'error' | 'warning' | 'info'; message: string }

/** Symbols an expression names (identifiers that are not constants). */
export function symbolsOf(expr: string): string[] {
  const out: string[] = [];
  const walk = (x: ReturnType<typeof parseExpr>) => {
    if (x.op === 'sym') out.push(x.name);
    else if (x.op === '!') walk(x.a);
    else if (x.op !== 'const') { walk(x.a); walk(x.b); }
  };
  walk(parseExpr(expr));
  return out.filter((s) => /^[A-Za-z_]\w*$/.test(s) && !/^\$/.test(s));
}

/** The dependency parts of a symbol that are not met, for a message. */
export function unmet(ev: KconfigEval, defs: KconfigEntry[]): string[] {
  return [...new Set(defs.flatMap((d) => d.depends).filter((e) => ev.tri(e) === 0))];
}

/**
 * A .config or fragment: unknown symbols, and values olddefconfig will change (with the unmet
 * dependency named). `ev` evaluates this document's values (over the build's .config for a fragment).
 */
export function dotConfigDiagnostics(text: string, idx: KconfigIndex, ev: KconfigEval): Diagnostic[] {
  const out: Diagnostic[] = [];
  text.split('\n').forEach((line, n) => {
    const m = /^(?:# )?CONFIG_(\w+)(?:=(.*)| is not set)/.exec(line);
    if (!m) return;
    const name = m[1];
    const start = line.indexOf('CONFIG_');
    const end = start + 7 + name.length;
    const defs = idx.symbols.get(name);
    if (!defs) { out.push({ line: n, start, end, severity: 'error', message: `CONFIG_${name} is not a Kconfig symbol of this tree (for ARCH=um): a typo, or an option of another architecture.` }); return; }
    const want = m[2] === undefined ? 'n' : m[2].replace(/^"(.*)"$/, '$1');
    const got = ev.value(name);
    if (got.value === want || (want === 'n' && got.value === '')) return;
    if (got.unknown) return;  // it hangs on a toolchain probe still running: nothing is claimed
    const why = unmet(ev, defs);
    const promptless = !defs.some((d) => d.prompts.length);
    const umlOnly = why.some((w) => /!UML\b|\bHAS_IOMEM\b|\bPCI\b/.test(w));
    const reason = why.length ? `depends on ${why.join(' && ')}, which is not met${umlOnly ? ' (not available on ARCH=um)' : ''}`
      : promptless ? 'it has no prompt: only defaults and select set it' : got.origin;
    out.push({ line: n, start, end, severity: 'warning', message: `olddefconfig will make CONFIG_${name}=${got.value || '""'}, not ${want}: ${reason}.` });
  });
  return out;
}

/**
 * A Kconfig file: its syntax problems and references to symbols no Kconfig of the tree defines
 * for any architecture (another architecture's symbols are simply n on UML, as conf has them).
 */
export function kconfigDiagnostics(text: string, file: string, idx: KconfigIndex, definedAnywhere: (s: string) => boolean = () => false): Diagnostic[] {
  const f = parseKconfig(text, file);
  const out: Diagnostic[] = f.problems.map((p) => ({ line: p.line - 1, start: 0, end: 200, severity: 'error' as const, message: p.message }));
  const lines = text.split('\n');
  for (const e of f.entries) {
    const exprs = [...e.depends, ...e.selects.map((s) => s.value), ...e.implies.map((s) => s.value), ...e.defaults.flatMap((d) => [d.value, d.cond ?? '']), ...e.selects.map((s) => s.cond ?? '')];
    for (const s of new Set(exprs.filter(Boolean).flatMap(symbolsOf))) {
      if (idx.symbols.has(s) || definedAnywhere(s) || /^(y|m|n|[0-9]\w*)$/.test(s) || f.entries.some((x) => x.name === s)) continue;
      // Where it is written: the first line of this entry's block that names it.
      let at = e.line - 1;
      for (let i = e.line - 1; i < Math.min(lines.length, e.line + 60); i++) if (new RegExp(`\\b${s}\\b`).test(lines[i])) { at = i; break; }
      const col = lines[at]?.search(new RegExp(`\\b${s}\\b`)) ?? 0;
      out.push({ line: at, start: Math.max(0, col), end: Math.max(0, col) + s.length, severity: 'warning', message: `${s} is not defined by any Kconfig of this tree: a typo, or a symbol that was removed.` });
    }
  }
  return out;
}

/** Completions in a .config or fragment: names after CONFIG_, valid values after =. */
export function dotConfigCompletions(line: string, character: number, idx: KconfigIndex, ev?: KconfigEval): Array<{ label: string; detail?: string; documentation?: string }> {
  const before = line.slice(0, character);
  const value = /^CONFIG_(\w+)=("?[^"]*)$/.exec(before);
  if (value) {
    const defs = idx.symbols.get(value[1]);
    const type = defs?.find((d) => d.type)?.type;
    if (type === 'bool') return [{ label: 'y' }, { label: 'n' }];
    if (type === 'tristate') return [{ label: 'y' }, { label: 'm' }, { label: 'n' }];
    const cur = ev?.value(value[1]).value;
    return cur ? [{ label: type === 'string' ? `"${cur}"` : cur, detail: 'current value' }] : [];
  }
  const name = /^(?:# )?(?:CONFIG_)?(\w*)$/.exec(before);
  if (!name) return [];
  const prefix = name[1].replace(/^CONFIG_/, '');
  const out: Array<{ label: string; detail?: string; documentation?: string }> = [];
  for (const [n, defs] of idx.symbols) {
    if (!n.startsWith(prefix)) continue;
    out.push({ label: `CONFIG_${n}`, detail: `${defs.find((d) => d.type)?.type ?? ''} ${defs.flatMap((d) => d.prompts)[0]?.value ?? ''}`.trim() });
    if (out.length >= 200) break;
  }
  return out;
}

export const KCONFIG_KEYWORDS = ['config', 'menuconfig', 'choice', 'endchoice', 'menu', 'endmenu', 'if', 'endif', 'source', 'rsource', 'osource', 'orsource', 'comment', 'mainmenu',
  'bool', 'tristate', 'string', 'int', 'hex', 'def_bool', 'def_tristate', 'prompt', 'default', 'depends on', 'select', 'imply', 'range', 'visible if', 'help', 'modules', 'option'];

/** Every symbol any Kconfig file of the tree defines, for any architecture (a quick scan). */
export function allDefinedSymbols(files: Array<{ text: string }>): Set<string> {
  const out = new Set<string>();
  for (const f of files) for (const m of f.text.matchAll(/^\s*(?:menu)?config\s+(\w+)/gm)) out.add(m[1]);
  return out;
}

/**
 * What to enable so that `name` can be y (or m): the symbols in its unmet dependencies that
 * appear un-negated, are off and have a prompt, with theirs in turn, dependencies first. The
 * kernel's olddefconfig then settles the rest (selects, defaults).
 */
export function enablePlan(idx: KconfigIndex, ev: KconfigEval, name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const defs = idx.symbols.get(name);
  if (!defs) return [];
  const plan: string[] = [];
  for (const dep of unmet(ev, defs)) {
    for (const s of positiveSymbols(dep)) {
      const sd = idx.symbols.get(s);
      if (!sd || ev.tri(s) > 0 || !sd.some((d) => d.prompts.length)) continue;
      for (const x of enablePlan(idx, ev, s, seen)) if (!plan.includes(x)) plan.push(x);
    }
  }
  if (!plan.includes(name)) plan.push(name);
  return plan;
}

/** Symbols an expression needs on: not under a negation (!X) or a comparison. */
function positiveSymbols(expr: string): string[] {
  const out: string[] = [];
  const walk = (x: ReturnType<typeof parseExpr>, neg: boolean) => {
    if (x.op === 'sym') { if (!neg) out.push(x.name); }
    else if (x.op === '!') walk(x.a, !neg);
    else if (x.op === '&&' || x.op === '||') { walk(x.a, neg); walk(x.b, neg); }
  };
  walk(parseExpr(expr), false);
  return out;
}

export interface OutlineNode { name: string; detail?: string; kind: 'menu' | 'choice' | 'config' | 'menuconfig' | 'comment'; line: number; endLine: number; children: OutlineNode[] }

/** A Kconfig file's menu tree for the outline: menus and choices holding their entries. */
export function outline(text: string): OutlineNode[] {
  const root: OutlineNode = { name: '', kind: 'menu', line: 0, endLine: 0, children: [] };
  const stack = [root];
  const lines = text.split('\n');
  const quoted = (s: string) => /"((?:[^"\\]|\\.)*)"/.exec(s)?.[1] ?? s.trim();
  let last: OutlineNode | undefined;
  lines.forEach((raw, i) => {
    const m = /^\s*(menu|choice|endmenu|endchoice|config|menuconfig|comment|prompt|bool|tristate|string|int|hex)\b\s*(.*)$/.exec(raw);
    if (!m) return;
    const [, kw, rest] = m;
    const top = stack[stack.length - 1];
    if (kw === 'endmenu' || kw === 'endchoice') {
      if (stack.length > 1) { top.endLine = i; stack.pop(); }
      last = undefined;
    } else if (kw === 'menu' || kw === 'choice') {
      const n: OutlineNode = { name: kw === 'menu' ? quoted(rest) : 'choice', kind: kw, line: i, endLine: i, children: [] };
      top.children.push(n);
      stack.push(n);
      last = kw === 'choice' ? n : undefined;
    } else if (kw === 'config' || kw === 'menuconfig' || kw === 'comment') {
      last = { name: kw === 'comment' ? quoted(rest) : rest.trim(), kind: kw, line: i, endLine: i, children: [] };
      top.children.push(last);
    } else if (last && /"/.test(rest) && !last.detail) {
      // The entry's prompt (or a choice's) as its detail.
      last.detail = quoted(rest);
      if (last.kind === 'choice') last.name = `choice: ${last.detail}`;
    }
  });
  const close = (n: OutlineNode, end: number) => { for (const c of n.children) close(c, c.kind === 'menu' || c.kind === 'choice' ? Math.max(c.endLine, c.line) : c.line); if (n.endLine < n.line) n.endLine = end; };
  close(root, lines.length - 1);
  return root.children;
}
