// The Kconfig language server, as a process over JSON-RPC, on the test kernel's tree with its
// .config: hover on HOSTFS (prompt, help, value), definitions from C, .config and Makefiles,
// completion in a fragment, a misspelt symbol and an unmet dependency diagnosed, Kconfig syntax
// errors reported, and the server still answering after bad input.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testKernelDir } from '../support/testKernel';
import { LspSession, startKconfigServer, uriOf } from '../support/lspClient';
import { pollUntil } from '../support/shared';

let s: LspSession;
let tree: string;
before(async () => { tree = testKernelDir(); s = await startKconfigServer(tree); });
after(async () => { await s?.close(); });

function open(file: string, text: string, languageId = 'plaintext'): string {
  const uri = uriOf(file);
  void s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}
const hover = async (uri: string, line: number, character: number) => ((await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } })) as { contents: { value: string } } | null)?.contents.value ?? '';
const definition = async (uri: string, line: number, character: number) => (await s.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line, character } })) as Array<{ uri: string; range: { start: { line: number } } }> | null;
async function diagnosticsOf(uri: string): Promise<Array<{ message: string; severity: number; range: { start: { line: number } } }>> {
  await pollUntil(() => s.diagnostics.has(uri), 5000, 50);
  return s.diagnostics.get(uri) ?? [];
}

test('the server indexes the tree and says so', async () => {
  const st = await s.status;
  assert.match(st.text, /^Kconfig: \d+ symbols from \d+ files in \d+ ms; values from .*\.config$/);
  assert.ok((st.symbols ?? 0) > 15000);
});

test('hover on HOSTFS in Kconfig and on IS_ENABLED(CONFIG_HOSTFS) in C: prompt, value and origin, help', async () => {
  // The file as it is (an opened Kconfig file replaces its part of the index, as an edit does).
  const k = open(path.join(tree, 'arch/um/Kconfig'), fs.readFileSync(path.join(tree, 'arch/um/Kconfig'), 'utf8'), 'kconfig');
  const h = await hover(k, 127, 9);
  assert.match(h, /^\*\*CONFIG_HOSTFS\*\* \(tristate\) — Host filesystem/);
  assert.match(h, /Value: `y` — assigned in \.config/);
  assert.match(h, /Defined in arch\/um\/Kconfig:128/);
  assert.match(h, /While the User-Mode Linux port uses its own root file system/);
  // The outline: the menu tree, HOSTFS inside its menu.
  const outline = (await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: k } })) as Array<{ name: string; children?: Array<{ name: string }> }>;
  const menu = outline.find((n) => n.children?.some((c) => c.name === 'HOSTFS'));
  assert.ok(menu && menu.name === 'UML-specific options', JSON.stringify(outline.map((n) => n.name)));
  const c = open(path.join(tree, 'fs/scratch.c'), 'if (IS_ENABLED(CONFIG_HOSTFS))\n\treturn 0;\n', 'c');
  assert.match(await hover(c, 0, 20), /^\*\*CONFIG_HOSTFS\*\* \(tristate\)/);
});

test('go to definition: CONFIG_MCONSOLE from a .config, obj-$(CONFIG_HOSTFS) from a Makefile', async () => {
  const cfg = open(path.join(tree, 'scratch.config'), 'CONFIG_MCONSOLE=y\n', 'kconfig-dotconfig');
  const d = await definition(cfg, 0, 10);
  assert.deepStrictEqual(d?.map((x) => [path.relative(tree, new URL(x.uri).pathname), x.range.start.line + 1]), [['arch/um/Kconfig', 149]]);
  const mk = open(path.join(tree, 'fs/Makefile.scratch'), 'obj-$(CONFIG_HOSTFS) += hostfs/\n', 'makefile');
  assert.deepStrictEqual((await definition(mk, 0, 10))?.map((x) => x.range.start.line + 1), [128]);
});

test('completion in a fragment: symbol names, then valid values', async () => {
  const frag = open(path.join(tree, 'frag.config'), 'CONFIG_HOSTF\nCONFIG_HOSTFS=\n', 'kconfig-dotconfig');
  const names = (await s.conn.sendRequest('textDocument/completion', { textDocument: { uri: frag }, position: { line: 0, character: 12 } })) as Array<{ label: string }>;
  assert.ok(names.some((c) => c.label === 'CONFIG_HOSTFS'), JSON.stringify(names.slice(0, 5)));
  const values = (await s.conn.sendRequest('textDocument/completion', { textDocument: { uri: frag }, position: { line: 1, character: 14 } })) as Array<{ label: string }>;
  assert.deepStrictEqual(values.map((c) => c.label), ['y', 'm', 'n']);
});

test('diagnostics: a misspelt symbol, a dependency that is not met (named), a Kconfig syntax error; the server goes on', async () => {
  // PROC_FS can be turned off only with EXPERT (its prompt's condition): then MCONSOLE goes.
  const frag = open(path.join(tree, 'bad.config'), 'CONFIG_HOSTFSS=y\nCONFIG_EXPERT=y\n# CONFIG_PROC_FS is not set\nCONFIG_MCONSOLE=y\n', 'kconfig-dotconfig');
  const d = await diagnosticsOf(frag);
  assert.match(d.find((x) => x.range.start.line === 0)?.message ?? '', /CONFIG_HOSTFSS is not a Kconfig symbol/);
  assert.match(d.find((x) => x.range.start.line === 3)?.message ?? '', /olddefconfig will make CONFIG_MCONSOLE=n, not y: depends on PROC_FS, which is not met/);
  assert.strictEqual(d.length, 2, JSON.stringify(d.map((x) => x.message)));
  const actions = (await s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: frag }, range: d[1].range, context: { diagnostics: [d.find((x) => x.range.start.line === 3)] } })) as Array<{ title: string; command: { command: string; arguments: Array<{ symbols: string[] }> } }>;
  assert.deepStrictEqual(actions.map((a) => a.title), ['Enable CONFIG_MCONSOLE with its dependencies (PROC_FS)']);
  assert.deepStrictEqual([actions[0].command.command, actions[0].command.arguments[0].symbols], ['umlKernelDebug.enableWithDependencies', ['PROC_FS', 'MCONSOLE']]);
  const noExpert = open(path.join(tree, 'bad2.config'), '# CONFIG_PROC_FS is not set\n', 'kconfig-dotconfig');
  assert.match((await diagnosticsOf(noExpert))[0]?.message ?? '', /olddefconfig will make CONFIG_PROC_FS=y, not n: default in fs\/proc\/Kconfig/, 'without EXPERT its prompt is hidden');
  const k = open(path.join(tree, 'scratch/Kconfig'), 'config FOO\n\tbool "foo"\n\tdepends on NO_SUCH_SYMBOL\n\tfrobnicate\nendif\n', 'kconfig');
  const kd = await diagnosticsOf(k);
  assert.ok(kd.some((x) => /unknown keyword "frobnicate"/.test(x.message)), JSON.stringify(kd));
  assert.ok(kd.some((x) => /endif without if/.test(x.message)));
  assert.ok(kd.some((x) => /NO_SUCH_SYMBOL is not defined by any Kconfig/.test(x.message) && x.range.start.line === 2));
  // Another architecture's symbols are valid Kconfig (n on UML): real files get no warnings for them.
  const real = open(path.join(tree, 'init/Kconfig'), fs.readFileSync(path.join(tree, 'init/Kconfig'), 'utf8'), 'kconfig');
  assert.deepStrictEqual((await diagnosticsOf(real)).map((x) => x.message), []);
  assert.match(await hover(k, 0, 0), /^$/, 'FOO is no symbol of the tree');
  assert.match(await hover(uriOf(path.join(tree, 'arch/um/Kconfig')), 127, 9), /CONFIG_HOSTFS/, 'still answering');
});

test('enable with dependencies on a copy of the .config: scripts/config, then olddefconfig; the option and its dependency are on', async () => {
  const { enableWithDependencies, plansFor } = await import('../../src/kconfig/fix.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kconfig-enable-'));
  try {
    const file = path.join(dir, 'test.config');
    const cfg = fs.readFileSync(path.join(tree, '.config'), 'utf8').replace(/^# CONFIG_EXPERT is not set$/m, 'CONFIG_EXPERT=y').replace(/^CONFIG_PROC_FS=y$/m, '# CONFIG_PROC_FS is not set').replace(/^CONFIG_MCONSOLE=y$/m, '# CONFIG_MCONSOLE is not set');
    fs.writeFileSync(file, cfg);
    assert.deepStrictEqual(plansFor(tree, file, ['MCONSOLE']), ['PROC_FS', 'MCONSOLE']);
    const before = await enableWithDependencies(tree, file, ['PROC_FS', 'MCONSOLE'], true);
    assert.strictEqual(before, cfg);
    const after = fs.readFileSync(file, 'utf8');
    assert.match(after, /^CONFIG_PROC_FS=y$/m);
    assert.match(after, /^CONFIG_MCONSOLE=y$/m);
    assert.strictEqual(fs.readFileSync(path.join(tree, '.config'), 'utf8').includes('CONFIG_MCONSOLE=y'), true, 'the tree\'s own .config is untouched');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
