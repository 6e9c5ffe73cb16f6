// The Kconfig parser on the language's constructs: entries and attributes with conditions,
// help text by indentation, if/menu/choice blocks passing their dependencies down, comments
// with depends, macros, continuation lines, and the problems it reports.
import { test } from 'node:test';
import * as assert from 'assert';
import { parseKconfig } from '../../src/kconfig/kconfigParse';

const SRC = `# comment
macro := value
$(error-if,$(success,true),never)
config HOSTFS
	tristate "Host filesystem"
	help
	  While the User-Mode Linux port uses its own root file system,
	  this module lets the UML user access files on the host.

	  mount none /tmp/fromhost -t hostfs
config MCONSOLE
	bool "Management console"
	depends on PROC_FS
	default y if HOSTFS
	select SYSRQ_SUPPORT if MAGIC_SYSRQ # a trailing comment
	imply NET
	help
	No extra indentation: still help (the lexer ends it at column 0).
if NET
menu "Network"
	depends on !UML_NET_NONE
config NET_A
	def_bool y
	range 1 10 if NET_A
	prompt "a \\"quoted\\" prompt" if EXPERT && \\
		!NET_B
endmenu
endif
comment "needs X"
	depends on X
choice
	prompt "Mode"
config MODE_A
	bool "A"
endchoice
source "arch/$(SRCARCH)/Kconfig"
osource "missing/Kconfig"
`;

test('entries with their type, prompts, defaults, selects, implies and conditions', () => {
  const f = parseKconfig(SRC, 'x/Kconfig');
  assert.deepStrictEqual(f.problems, []);
  const by = (n: string) => f.entries.find((e) => e.name === n)!;
  assert.deepStrictEqual([by('HOSTFS').type, by('HOSTFS').line, by('HOSTFS').prompts], ['tristate', 4, [{ value: 'Host filesystem' }]]);
  assert.strictEqual(by('HOSTFS').help, 'While the User-Mode Linux port uses its own root file system,\nthis module lets the UML user access files on the host.\n\nmount none /tmp/fromhost -t hostfs');
  const m = by('MCONSOLE');
  assert.deepStrictEqual(m.depends, ['PROC_FS']);
  assert.deepStrictEqual(m.defaults, [{ value: 'y', cond: 'HOSTFS' }]);
  assert.deepStrictEqual(m.selects, [{ value: 'SYSRQ_SUPPORT', cond: 'MAGIC_SYSRQ' }]);
  assert.deepStrictEqual(m.implies, [{ value: 'NET' }]);
  assert.strictEqual(m.help, 'No extra indentation: still help (the lexer ends it at column 0).');
});

test('blocks pass their dependencies to what they hold; continuation lines join; quotes keep "if"', () => {
  const f = parseKconfig(SRC, 'x/Kconfig');
  const a = f.entries.find((e) => e.name === 'NET_A')!;
  assert.deepStrictEqual(a.depends, ['NET', '!UML_NET_NONE']);
  assert.deepStrictEqual(a.prompts, [{ value: 'a "quoted" prompt', cond: 'EXPERT && \t\t!NET_B' }]);
  assert.deepStrictEqual(a.ranges, [{ value: '1 10', cond: 'NET_A' }]);
  assert.strictEqual(a.type, 'bool');
  assert.deepStrictEqual(f.entries.find((e) => e.name === 'MODE_A')!.depends, []);
  assert.deepStrictEqual(f.sources.map((s) => [s.kind, s.path]), [['source', 'arch/$(SRCARCH)/Kconfig'], ['osource', 'missing/Kconfig']]);
  const inIf = parseKconfig('if BLK_DEV_INITRD\nsource "usr/Kconfig"\nendif\n', 'init/Kconfig').sources[0];
  assert.deepStrictEqual(inIf.deps, ['BLK_DEV_INITRD'], 'a sourced file inherits the if around the source statement');
  assert.deepStrictEqual(parseKconfig('config RD_XZ\n\tbool\n', 'usr/Kconfig', ['BLK_DEV_INITRD']).entries[0].depends, ['BLK_DEV_INITRD']);
  assert.deepStrictEqual(f.macros, [{ name: 'macro', op: ':=', value: 'value', line: 2 }]);
});

test('problems: unbalanced blocks, unknown keywords, attributes outside an entry', () => {
  const f = parseKconfig('depends on X\nif A\nconfig B\n\tbool\n\tfrobnicate\nendmenu\n', 'bad/Kconfig');
  assert.deepStrictEqual(f.problems.map((p) => [p.line, p.message]), [
    [1, 'depends on outside an entry'],
    [5, 'unknown keyword "frobnicate"'],
    [6, 'endmenu without menu'],
  ]);
});

test('outline: the menu tree, menus and choices holding their entries, prompts as details', async () => {
  const { outline } = await import('../../src/kconfig/lang.js');
  const tree = outline(SRC);
  const brief = (ns: ReturnType<typeof outline>): unknown => ns.map((n) => (n.children.length ? [n.name, brief(n.children)] : `${n.name}${n.detail ? ` (${n.detail})` : ''}`));
  assert.deepStrictEqual(brief(tree), [
    'HOSTFS (Host filesystem)',
    'MCONSOLE (Management console)',
    ['Network', ['NET_A (a \\"quoted\\" prompt)']],
    'needs X',
    ['choice: Mode', ['MODE_A (A)']],
  ]);
  assert.deepStrictEqual([tree[2].line, tree[2].endLine], [19, 26], 'the menu spans to its endmenu (0-based lines)');
});
