// The Kconfig language (Documentation/kbuild/kconfig-language.rst), parsed into entries with
// their attributes and where each came from, and a tree indexed from the top-level Kconfig
// the way the kernel's tools read it for an architecture (SRCARCH=um: source, rsource,
// osource, orsource, $(srctree), $(SRCARCH), $(HEADER_ARCH)). Pure but for reading files.
import * as fs from 'fs';
import * as path from 'path';

export type KconfigType = 'bool' | 'tristate' | 'string' | 'int' | 'hex';

export interface Conditional { value: string; cond?: string }

export interface KconfigEntry {
  kind: 'config' | 'menuconfig' | 'choice';
  name: string;                 // '' for an anonymous choice
  file: string;                 // relative to the tree
  line: number;                 // 1-based
  type?: KconfigType;
  prompts: Conditional[];
  defaults: Conditional[];
  /** Its own "depends on" and those of the enclosing if/menu/choice blocks. */
  depends: string[];
  selects: Conditional[];
  implies: Conditional[];
  ranges: Conditional[];
  help?: string;
  /** The choice block this entry is a member of. */
  choice?: KconfigEntry;
}

export interface KconfigProblem { file: string; line: number; message: string }

export interface KconfigFile {
  entries: KconfigEntry[];
  /** Each source statement with the dependencies around it (an enclosing if or menu): the sourced file's entries inherit them. */
  sources: Array<{ path: string; line: number; kind: string; deps: string[] }>;
  macros: Array<{ name: string; op: string; value: string; line: number }>;
  problems: KconfigProblem[];
}

const TYPES = new Set(['bool', 'tristate', 'string', 'int', 'hex']);

/** "text" -> text (the kernel's escapes: \" and \\). */
function unquote(s: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"|^'((?:[^'\\]|\\.)*)'/.exec(s.trim());
  return m ? (m[1] ?? m[2]).replace(/\\(.)/g, '$1') : s.trim();
}

/** "X if Y" -> { value: X, cond: Y }; quotes keep an "if" inside a prompt. */
function splitIf(s: string): Conditional {
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') inQuote = !inQuote;
    if (!inQuote && /\s/.test(c) && /^\s+if\s/.test(s.slice(i) + ' ')) {
      const m = /^\s+if\s+/.exec(s.slice(i))!;
      return { value: s.slice(0, i).trim(), cond: s.slice(i + m[0].length).trim() };
    }
  }
  return { value: s.trim() };
}

function promptOf(s: string): Conditional {
  const c = splitIf(s);
  return { ...c, value: unquote(c.value) };
}

function stripComment(s: string): string {
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) { if (c === '\\') i++; else if (c === q) q = undefined; continue; }
    if (c === '"' || c === '\'') q = c;
    else if (c === '#') return s.slice(0, i);
  }
  return s;
}

const indentOf = (s: string) => { let n = 0; for (const c of s) { if (c === ' ') n++; else if (c === '\t') n = (n + 8) & ~7; else break; } return n; };

/** `outer`: the dependencies of the source statement that brought this file in. */
export function parseKconfig(text: string, file: string, outer: string[] = []): KconfigFile {
  const out: KconfigFile = { entries: [], sources: [], macros: [], problems: [] };
  const raw = text.split('\n');
  const blocks: Array<{ kind: 'if' | 'menu' | 'choice'; deps: string[]; line: number }> = [];
  const inherited = () => [...outer, ...blocks.flatMap((b) => b.deps)];
  let cur: KconfigEntry | undefined;
  let curOwn: string[] = [];       // the entry's own depends, before the inherited ones
  const choices: KconfigEntry[] = [];
  const finish = () => {
    if (cur) {
      cur.depends = [...inherited(), ...curOwn];
      // A choice's own dependencies are its members' too.
      if (cur.kind === 'choice' && blocks[blocks.length - 1]?.kind === 'choice') blocks[blocks.length - 1].deps.push(...curOwn);
    }
    cur = undefined;
    curOwn = [];
  };
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    let line = raw[i];
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + raw[++i];
    const body = stripComment(line).trim();
    if (!body) continue;
    const problem = (message: string) => out.problems.push({ file, line: lineNo, message });
    const macro = /^([\w-]+)\s*(:=|\+=|=)\s*(.*)$/.exec(body);
    if (macro && !/^(config|menuconfig|choice|if|source|rsource|osource|orsource|depends|default|select|imply|range|prompt|comment|menu|mainmenu|visible)$/.test(macro[1])) {
      out.macros.push({ name: macro[1], op: macro[2], value: macro[3], line: lineNo });   // a variable (scripts/Kconfig.include)
      continue;
    }
    if (body.startsWith('$(')) continue;   // a macro call at top level, e.g. $(error-if,...)
    const [kw] = body.split(/\s+/, 1);
    const rest = body.slice(kw.length).trim();
    if (kw === 'help' || kw === '---help---') {
      // Help text: the following lines indented deeper than the first one's start, blank lines kept.
      const text: string[] = [];
      let base = -1;
      while (i + 1 < raw.length) {
        const next = raw[i + 1];
        if (next.trim() === '') { text.push(''); i++; continue; }
        const ind = indentOf(next);
        // A line that starts in column 0 ends the help (the kernel's lexer); the first line sets the indent.
        if (base < 0) { if (ind === 0) break; base = ind; }
        if (ind < base) break;
        text.push(next.trim());
        i++;
      }
      while (text.length && text[text.length - 1] === '') text.pop();
      if (cur) cur.help = text.join('\n');
      continue;
    }
    switch (kw) {
      case 'config': case 'menuconfig': {
        finish();
        if (!/^\w+$/.test(rest)) problem(`${kw} needs one symbol name, got "${rest}"`);
        cur = { kind: kw, name: rest, file, line: lineNo, prompts: [], defaults: [], depends: [], selects: [], implies: [], ranges: [] };
        if (choices.length && blocks[blocks.length - 1]?.kind === 'choice') cur.choice = choices[choices.length - 1];
        out.entries.push(cur);
        break;
      }
      case 'choice': {
        finish();
        cur = { kind: 'choice', name: rest, file, line: lineNo, prompts: [], defaults: [], depends: [], selects: [], implies: [], ranges: [] };
        choices.push(cur);
        out.entries.push(cur);
        blocks.push({ kind: 'choice', deps: [], line: lineNo });
        break;
      }
      case 'endchoice': finish(); if (blocks.pop()?.kind !== 'choice') problem('endchoice without choice'); choices.pop(); break;
      case 'if': finish(); blocks.push({ kind: 'if', deps: [rest], line: lineNo }); break;
      case 'endif': finish(); if (blocks.pop()?.kind !== 'if') problem('endif without if'); break;
      case 'menu': finish(); blocks.push({ kind: 'menu', deps: [], line: lineNo }); break;
      case 'endmenu': finish(); if (blocks.pop()?.kind !== 'menu') problem('endmenu without menu'); break;
      case 'comment': {
        // A comment may carry "depends on": an entry of its own, not a symbol.
        finish();
        cur = { kind: 'config', name: '', file, line: lineNo, prompts: [{ value: unquote(rest) }], defaults: [], depends: [], selects: [], implies: [], ranges: [] };
        break;
      }
      case 'mainmenu': finish(); break;
      case 'source': case 'rsource': case 'osource': case 'orsource': finish(); out.sources.push({ path: unquote(rest), line: lineNo, kind: kw, deps: inherited() }); break;
      case 'depends': {
        const expr = rest.replace(/^on\s+/, '');
        if (cur) curOwn.push(expr);
        else if (blocks.length && blocks[blocks.length - 1].kind !== 'if') blocks[blocks.length - 1].deps.push(expr);  // menu/choice's
        else problem('depends on outside an entry');
        break;
      }
      case 'visible': break;
      default: {
        if (!cur) { problem(`unexpected "${kw}"`); break; }
        if (TYPES.has(kw)) { cur.type = kw as KconfigType; if (rest) cur.prompts.push(promptOf(rest)); }
        else if (kw === 'def_bool' || kw === 'def_tristate') { cur.type = kw === 'def_bool' ? 'bool' : 'tristate'; cur.defaults.push(splitIf(rest)); }
        else if (kw === 'prompt') cur.prompts.push(promptOf(rest));
        else if (kw === 'default') cur.defaults.push(splitIf(rest));
        else if (kw === 'select') cur.selects.push(splitIf(rest));
        else if (kw === 'imply') cur.implies.push(splitIf(rest));
        else if (kw === 'range') cur.ranges.push(splitIf(rest));
        else if (kw === 'option' || kw === 'modules' || kw === 'optional' || kw === 'transitional') { /* recognised, not needed */ }
        else problem(`unknown keyword "${kw}"`);
      }
    }
  }
  finish();
  for (const b of blocks) out.problems.push({ file, line: b.line, message: `${b.kind} without end${b.kind}` });
  return out;
}

export interface KconfigIndex {
  /** Definitions by symbol name (several files may define one). */
  symbols: Map<string, KconfigEntry[]>;
  files: string[];
  /** The dependencies each file inherits from the source statement that read it. */
  outer: Map<string, string[]>;
  problems: KconfigProblem[];
  /** Macro variable definitions in the order conf reads them (macros.ts). */
  macros: Array<{ name: string; op: string; value: string }>;
}

/** Every expression of the index that calls a macro ($(cc-option,...)): what conf expands. */
export function macroExpressions(idx: KconfigIndex): string[] {
  const out: string[] = [];
  for (const defs of idx.symbols.values()) {
    for (const d of defs) {
      for (const e of [...d.depends, ...d.defaults.flatMap((x) => [x.value, x.cond ?? '']), ...d.prompts.map((x) => x.cond ?? ''), ...d.selects.map((x) => x.cond ?? '')]) {
        if (e.includes('$(')) out.push(e);
      }
    }
  }
  return out;
}

/** The variables source paths use, for an architecture (UML: SRCARCH um, HEADER_ARCH x86). */
export function umlVariables(tree: string): Record<string, string> {
  return { srctree: tree, SRCARCH: 'um', ARCH: 'um', HEADER_ARCH: 'x86', SUBARCH: 'x86' };
}

/** Indexes a tree from its top-level Kconfig, following every source statement. */
export function indexKconfig(tree: string, vars: Record<string, string> = umlVariables(tree)): KconfigIndex {
  const idx: KconfigIndex = { symbols: new Map(), files: [], outer: new Map(), problems: [], macros: [] };
  const expand = (p: string) => p.replace(/\$\((\w+)\)/g, (m, v) => vars[v] ?? m);
  const seen = new Set<string>();
  const visit = (rel: string, deps: string[]) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    let text: string;
    try { text = fs.readFileSync(path.join(tree, rel), 'utf8'); } catch { return; }
    idx.files.push(rel);
    idx.outer.set(rel, deps);
    const f = parseKconfig(text, rel, deps);
    idx.problems.push(...f.problems);
    // Entries and the files sourced between them in line order, as conf reads them: the order
    // of a symbol's definitions decides which default applies first.
    const items = [...f.entries.map((e) => ({ line: e.line, e })), ...f.sources.map((s) => ({ line: s.line, s })), ...f.macros.map((m) => ({ line: m.line, m }))].sort((x, y) => x.line - y.line);
    for (const item of items) {
      if ('m' in item) { idx.macros.push({ name: item.m.name, op: item.m.op, value: item.m.value }); continue; }
      if ('e' in item) {
        const e = item.e;
        if (!e.name) continue;
        const list = idx.symbols.get(e.name);
        if (list) list.push(e); else idx.symbols.set(e.name, [e]);
        continue;
      }
      const s = item.s;
      const p = expand(s.path);
      const relative = s.kind.startsWith('r') || s.kind === 'orsource';
      const target = path.isAbsolute(p) ? path.relative(tree, p) : relative ? path.join(path.dirname(rel), p) : p;
      if (/[*?]/.test(target)) {
        // A glob (osource "arch/*/Kconfig"): every match.
        const dir = path.dirname(target);
        const re = new RegExp(`^${path.basename(target).replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
        try { for (const n of fs.readdirSync(path.join(tree, dir))) if (re.test(n)) visit(path.join(dir, n), s.deps); } catch { /* optional */ }
      } else if (!fs.existsSync(path.join(tree, target))) {
        if (!s.kind.startsWith('o')) idx.problems.push({ file: rel, line: s.line, message: `source "${s.path}": ${target} not found` });
      } else visit(target, s.deps);
    }
  };
  visit('Kconfig', []);
  return idx;
}
