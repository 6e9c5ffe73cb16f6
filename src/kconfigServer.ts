// The Kconfig language server: its own process (`node dist/kconfigServer.js --stdio`, or the
// client's IPC), never importing vscode. It indexes the kernel tree's Kconfig for ARCH=um,
// evaluates the build directory's .config, and answers for Kconfig files, .config and
// fragments, C and Makefiles. Errors become messages, never a crashed server.
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { execFileSync } from 'child_process';
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, MarkupKind, DiagnosticSeverity, CompletionItemKind, SymbolKind, DocumentSymbol,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KconfigIndex, indexKconfig, macroExpressions, parseKconfig, umlVariables } from './kconfig/kconfigParse';
import { KconfigEval, parseDotConfig } from './kconfig/kconfigEval';
import { KconfigMacros, kconfigEnv } from './kconfig/macros';
import { ShellProbes } from './kconfig/probes';
import { KCONFIG_KEYWORDS, Diagnostic, DocKind, OutlineNode, allDefinedSymbols, docKindOf, enablePlan, outline, dotConfigCompletions, dotConfigDiagnostics, hoverText, kconfigDiagnostics, symbolAt } from './kconfig/lang';
import { walkFilesSync } from './uml/treeWalk';
import { KCONFIG_STATUS, KconfigInitOptions, KconfigStatusParams } from './shared/messages';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let tree = '';
let buildDir = '';
let idx: KconfigIndex | undefined;
let built = new Map<string, string>();
let ev: KconfigEval | undefined;

const toPath = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
const toUri = (p: string) => pathToFileURL(p).toString();
const rel = (uri: string) => path.relative(tree, toPath(uri));

let probes: ShellProbes | undefined;
let macros: KconfigMacros | undefined;

/** The compiler conf would be run with: the build's CONFIG_CC_VERSION_TEXT, else gcc's own. */
function ccVersionText(): string {
  const known = built.get('CC_VERSION_TEXT');
  if (known) return known;
  try { return execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0]; } catch { return ''; }
}

/**
 * Kconfig's macros over this tree's toolchain: $(cc-option,...) and the rest run for real in the
 * background; each time the last answer comes, the macros are read again (a variable may wait
 * on a probe) and the documents validated again.
 */
function loadMacros(): void {
  if (!idx) return;
  const env = kconfigEnv(tree, ccVersionText());
  const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(process.env.HOME || '/tmp', '.cache'), 'uml-kernel-debug');
  probes?.dispose();
  const p = new ShellProbes(env, ShellProbes.cacheFileFor(cacheDir, tree, env), () => {
    if (probes !== p) return;
    macros = new KconfigMacros(env, p.answer, idx!.macros);
    warmProbes();
    if (!p.pending) { ev = new KconfigEval(idx!, built, built, macros); documents.all().forEach(validate); }
  });
  probes = p;
  macros = new KconfigMacros(env, p.answer, idx.macros);
  warmProbes();
}

/** Every expression with a macro expanded once: the probes they need start now, not at first use. */
function warmProbes(): void {
  if (idx) for (const e of macroExpressions(idx)) macros?.expand(e);
}

function loadConfig(): void {
  const file = path.join(buildDir || tree, '.config');
  built = fs.existsSync(file) ? parseDotConfig(fs.readFileSync(file, 'utf8')) : new Map();
  if (idx && !macros) loadMacros();
  ev = idx ? new KconfigEval(idx, built, built, macros) : undefined;
}

function ensureIndex(): KconfigIndex | undefined {
  if (idx || !tree) return idx;
  if (!fs.existsSync(path.join(tree, 'Kconfig'))) {
    void connection.sendNotification(KCONFIG_STATUS, { text: `${tree} is not a kernel tree (no Kconfig): Kconfig features are off.` } satisfies KconfigStatusParams);
    return undefined;
  }
  const t0 = Date.now();
  idx = indexKconfig(tree);
  loadConfig();
  void connection.sendNotification(KCONFIG_STATUS, { text: `Kconfig: ${idx.symbols.size} symbols from ${idx.files.length} files in ${Date.now() - t0} ms${built.size ? `; values from ${path.join(buildDir || tree, '.config')}` : '; no .config (values are defaults)'}`, files: idx.files.length, symbols: idx.symbols.size, ms: Date.now() - t0 } satisfies KconfigStatusParams);
  return idx;
}

connection.onInitialize((params) => {
  const o = (params.initializationOptions ?? {}) as KconfigInitOptions;
  tree = o.tree ?? (params.rootUri ? toPath(params.rootUri) : '');
  buildDir = o.buildDir ? path.resolve(tree, o.buildDir) : '';
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      documentLinkProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: ['_', '='] },
      codeActionProvider: true,
    },
  };
});

connection.onInitialized(() => { ensureIndex(); documents.all().forEach(validate); });

let anywhere: Set<string> | undefined;
/** Symbols any Kconfig in the tree defines, all architectures: read once, when first needed. */
function definedAnywhere(): Set<string> {
  if (anywhere) return anywhere;
  const files: Array<{ text: string }> = [];
  walkFilesSync(tree, (p, name) => {
    if (name.startsWith('Kconfig')) { try { files.push({ text: fs.readFileSync(p, 'utf8') }); } catch { /* gone */ } }
  }, { maxDepth: 10 });
  anywhere = allDefinedSymbols(files);
  return anywhere;
}

function kindOf(uri: string): DocKind | undefined {
  const doc = documents.get(uri);
  if (doc?.languageId === 'kconfig') return 'kconfig';
  if (doc?.languageId === 'kconfig-dotconfig') return 'dotconfig';
  return docKindOf(toPath(uri));
}

function safe<T>(what: string, fn: () => T, fallback: T): T {
  try { return fn(); } catch (e) { connection.console.error(`${what}: ${(e as Error).stack ?? e}`); return fallback; }
}

/**
 * The evaluation a .config or fragment document stands for: a full .config alone; a fragment
 * merged over the build's .config, as merge_config.sh does.
 */
function dotConfigEval(doc: TextDocument, index: KconfigIndex): { ev: KconfigEval; full: boolean } {
  const own = parseDotConfig(doc.getText());
  const full = own.size > 500 || path.basename(toPath(doc.uri)) === '.config';
  return { ev: new KconfigEval(index, full ? own : new Map([...built, ...own]), built, macros), full };
}

function validate(doc: TextDocument): void {
  safe('diagnostics', () => {
    const index = ensureIndex();
    if (!index) return;
    const kind = kindOf(doc.uri);
    let diags: Diagnostic[] = [];
    if (kind === 'kconfig') {
      // Re-parse the edited file into the index (tens of ms), then check it.
      const r = rel(doc.uri);
      if (index.files.includes(r)) {
        for (const [n, defs] of index.symbols) { const keep = defs.filter((d) => d.file !== r); if (keep.length) index.symbols.set(n, keep); else index.symbols.delete(n); }
        for (const e of parseKconfig(doc.getText(), r, index.outer.get(r)).entries) if (e.name) index.symbols.set(e.name, [...(index.symbols.get(e.name) ?? []), e]);
        loadConfig();
      }
      diags = kconfigDiagnostics(doc.getText(), r, index, (sym) => definedAnywhere().has(sym));
    } else if (kind === 'dotconfig') {
      diags = dotConfigDiagnostics(doc.getText(), index, dotConfigEval(doc, index).ev);
    }
    connection.sendDiagnostics({
      uri: doc.uri,
      diagnostics: diags.map((d) => ({
        range: { start: { line: d.line, character: d.start }, end: { line: d.line, character: d.end } },
        severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
        source: 'kconfig', message: d.message,
      })),
    });
  }, undefined);
}

documents.onDidChangeContent((e) => validate(e.document));
connection.onDidChangeWatchedFiles(() => { loadConfig(); documents.all().forEach(validate); });

function symbolUnder(uri: string, line: number, character: number): string | undefined {
  const index = ensureIndex();
  const doc = documents.get(uri);
  const kind = kindOf(uri);
  if (!index || !doc || !kind) return undefined;
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return symbolAt(text, character, kind, (n) => index.symbols.has(n))?.name;
}

connection.onHover((p) => safe('hover', () => {
  const name = symbolUnder(p.textDocument.uri, p.position.line, p.position.character);
  const text = name && idx ? hoverText(idx, ev, name) : undefined;
  return text ? { contents: { kind: MarkupKind.Markdown, value: text } } : null;
}, null));

connection.onDefinition((p) => safe('definition', () => {
  const name = symbolUnder(p.textDocument.uri, p.position.line, p.position.character);
  return (name && idx?.symbols.get(name)?.map((d) => ({ uri: toUri(path.join(tree, d.file)), range: { start: { line: d.line - 1, character: 0 }, end: { line: d.line - 1, character: 0 } } }))) || null;
}, null));

connection.onReferences((p) => safe('references', () => {
  const name = symbolUnder(p.textDocument.uri, p.position.line, p.position.character);
  if (!name || !idx) return [];
  // Kconfig files by the bare name, the rest of the tree by CONFIG_NAME (ripgrep when present).
  const out: Array<{ uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }> = [];
  const word = new RegExp(`\\b${name}\\b`);
  for (const f of idx.files) {
    fs.readFileSync(path.join(tree, f), 'utf8').split('\n').forEach((l, i) => { const c = l.search(word); if (c >= 0) out.push({ uri: toUri(path.join(tree, f)), range: { start: { line: i, character: c }, end: { line: i, character: c + name.length } } }); });
  }
  try {
    const rg = execFileSync('rg', ['--no-heading', '--line-number', '--column', '-w', '-F', `CONFIG_${name}`, '-g', '*.{c,h,S}', '-g', 'Makefile*', '-g', 'Kbuild*', '-g', '.config', '-g', '*defconfig', tree], { encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const l of rg.split('\n')) {
      const m = /^(.*?):(\d+):(\d+):/.exec(l);
      if (m) out.push({ uri: toUri(m[1]), range: { start: { line: Number(m[2]) - 1, character: Number(m[3]) - 1 }, end: { line: Number(m[2]) - 1, character: Number(m[3]) - 1 + 7 + name.length } } });
    }
  } catch { /* no rg, or no match: Kconfig references only */ }
  return out;
}, []));

connection.onCompletion((p) => safe('completion', () => {
  const index = ensureIndex();
  const doc = documents.get(p.textDocument.uri);
  if (!index || !doc) return [];
  const line = doc.getText({ start: { line: p.position.line, character: 0 }, end: { line: p.position.line, character: p.position.character } });
  const kind = kindOf(p.textDocument.uri);
  if (kind === 'dotconfig') return dotConfigCompletions(line, line.length, index, ev).map((c) => ({ label: c.label, detail: c.detail, kind: CompletionItemKind.Variable }));
  if (kind !== 'kconfig') return [];
  const word = /(\w*)$/.exec(line)?.[1] ?? '';
  const keywords = /^\s*\w*$/.test(line) ? KCONFIG_KEYWORDS.filter((k) => k.startsWith(word)).map((k) => ({ label: k, kind: CompletionItemKind.Keyword })) : [];
  const symbols = [...index.symbols.keys()].filter((n) => n.startsWith(word) && word.length > 0).slice(0, 200).map((n) => ({ label: n, kind: CompletionItemKind.Variable }));
  return [...keywords, ...symbols];
}, []));

// "Enable with dependencies" on a value olddefconfig would drop: the extension runs the plan
// through scripts/config and olddefconfig, and shows what changed.
connection.onCodeAction((p) => safe('code actions', () => {
  const doc = documents.get(p.textDocument.uri);
  if (!doc || !idx || kindOf(p.textDocument.uri) !== 'dotconfig') return [];
  const { ev: docEv, full } = dotConfigEval(doc, idx);
  const out = [];
  for (const d of p.context.diagnostics) {
    const m = /^olddefconfig will make CONFIG_(\w+)=n, not [ym]/.exec(d.message);
    if (!m) continue;
    const plan = enablePlan(idx, docEv, m[1]);
    out.push({
      title: `Enable CONFIG_${m[1]} with its dependencies${plan.length > 1 ? ` (${plan.slice(0, -1).join(', ')})` : ''}`,
      kind: 'quickfix', diagnostics: [d],
      command: { title: 'Enable with dependencies', command: 'umlKernelDebug.enableWithDependencies', arguments: [{ tree, configFile: toPath(doc.uri), symbols: plan, olddefconfig: full }] },
    });
  }
  return out;
}, []));

connection.onDocumentSymbol((p) => safe('symbols', () => {
  const doc = documents.get(p.textDocument.uri);
  if (!doc || kindOf(p.textDocument.uri) !== 'kconfig') return [];
  // The menu tree: menus and choices holding their entries.
  const kinds = { menu: SymbolKind.Namespace, choice: SymbolKind.Enum, config: SymbolKind.Constant, menuconfig: SymbolKind.Module, comment: SymbolKind.String };
  const toSymbol = (n: OutlineNode): DocumentSymbol => {
    const range = { start: { line: n.line, character: 0 }, end: { line: n.endLine, character: 0 } };
    return { name: n.name || '(unnamed)', detail: n.detail, kind: kinds[n.kind], range, selectionRange: { start: range.start, end: range.start }, children: n.children.map(toSymbol) };
  };
  return outline(doc.getText()).map(toSymbol);
}, [] as DocumentSymbol[]));

connection.onDocumentLinks((p) => safe('links', () => {
  const doc = documents.get(p.textDocument.uri);
  if (!doc || kindOf(p.textDocument.uri) !== 'kconfig') return [];
  const vars = umlVariables(tree);
  const out: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; target: string }> = [];
  doc.getText().split('\n').forEach((l, i) => {
    const m = /^(\s*(o?r?source)\s+")([^"]+)"/.exec(l);
    if (!m) return;
    const p2 = m[3].replace(/\$\((\w+)\)/g, (x, v) => vars[v] ?? x);
    const target = path.isAbsolute(p2) ? p2 : m[2].includes('r') ? path.join(path.dirname(toPath(doc.uri)), p2) : path.join(tree, p2);
    if (fs.existsSync(target)) out.push({ range: { start: { line: i, character: m[1].length }, end: { line: i, character: m[1].length + m[3].length } }, target: toUri(target) });
  });
  return out;
}, []));

documents.listen(connection);
connection.onShutdown(() => { probes?.dispose(); probes = undefined; });
process.on('exit', () => probes?.dispose());
connection.listen();
