// Kconfig evaluation on small trees: tristate logic, visibility capping user values, defaults in
// order with conditions, select and imply, choices, non-bool values, and where values come from.
import { test } from 'node:test';
import * as assert from 'assert';
import { KconfigIndex, parseKconfig } from '../../src/kconfig/kconfigParse';
import { KconfigEval, parseDotConfig, parseExpr } from '../../src/kconfig/kconfigEval';
import { enablePlan } from '../../src/kconfig/lang';
import { KconfigMacros } from '../../src/kconfig/macros';

function index(text: string): KconfigIndex {
  const f = parseKconfig(text, 'Kconfig');
  const symbols = new Map<string, typeof f.entries>();
  for (const e of f.entries) if (e.name) symbols.set(e.name, [...(symbols.get(e.name) ?? []), e]);
  return { symbols, files: ['Kconfig'], outer: new Map(), problems: f.problems, macros: f.macros };
}

const TREE = `config MODULES
	bool "modules"
config A
	tristate "A"
config B
	bool "B"
	depends on A
config C
	tristate
	default m if A = m
	default y
config D
	bool
	select E if B
config E
	tristate "E"
config F
	tristate "F"
	depends on A
	imply G
config G
	tristate "G"
config N
	int "N"
	range 1 10
	default 4
config S
	string
	default "x-$(ARCH)" if B
	default "plain"
choice
	prompt "mode"
	default MODE_B
config MODE_A
	bool "a"
config MODE_B
	bool "b"
endchoice
`;

test('expressions: tristate logic and comparisons', () => {
  assert.deepStrictEqual(parseExpr('A && !(B || C = "x")'), { op: '&&', a: { op: 'sym', name: 'A' }, b: { op: '!', a: { op: '||', a: { op: 'sym', name: 'B' }, b: { op: '=', a: { op: 'sym', name: 'C' }, b: { op: 'const', value: 'x' } } } } });
  const ev = new KconfigEval(index(TREE), parseDotConfig('CONFIG_MODULES=y\nCONFIG_A=m\n'));
  assert.strictEqual(ev.tri('A'), 1);
  assert.strictEqual(ev.tri('!A'), 1);
  assert.strictEqual(ev.tri('A && y'), 1);
  assert.strictEqual(ev.tri('A || n'), 1);
  assert.strictEqual(ev.tri('A = m'), 2);
  assert.strictEqual(ev.tri('N >= 4 && N < 5'), 2);
});

test('values and their origins: user values capped by visibility, defaults in order, select, imply, choice', () => {
  const ev = new KconfigEval(index(TREE), parseDotConfig('CONFIG_MODULES=y\nCONFIG_A=m\nCONFIG_B=y\nCONFIG_F=m\n# CONFIG_E is not set\n'));
  assert.deepStrictEqual(ev.value('A'), { value: 'm', origin: 'assigned in .config' });
  assert.deepStrictEqual(ev.value('B'), { value: 'y', origin: 'assigned in .config' }, 'bool under an m dependency is y');
  assert.deepStrictEqual(ev.value('C'), { value: 'm', origin: 'default in Kconfig:8' });
  assert.deepStrictEqual(ev.value('D'), { value: 'n', origin: 'no default applies' });
  assert.deepStrictEqual(ev.value('G'), { value: 'm', origin: 'implied by F' });
  assert.deepStrictEqual(ev.value('N'), { value: '4', origin: 'default in Kconfig:23' });
  assert.deepStrictEqual(ev.value('S').value, 'x-$(ARCH)');
  assert.deepStrictEqual([ev.value('MODE_A').value, ev.value('MODE_B').value], ['n', 'y']);
  assert.deepStrictEqual(ev.value('NOPE'), { value: 'n', origin: 'not defined in Kconfig' });
});

test('without modules, m becomes y or n; a user value beyond visibility is capped; select wins over a user n', () => {
  const tree = `${TREE}config H\n\tbool "H"\n\tselect E\n`;
  const ev = new KconfigEval(index(tree), parseDotConfig('# CONFIG_MODULES is not set\nCONFIG_A=m\nCONFIG_H=y\n# CONFIG_E is not set\nCONFIG_MODE_A=y\n'));
  assert.strictEqual(ev.value('A').value, 'y', 'a tristate shown as bool without MODULES');
  assert.deepStrictEqual(ev.value('E'), { value: 'y', origin: 'selected by H' });
  assert.strictEqual(ev.value('MODE_A').value, 'y');
  const capped = new KconfigEval(index(tree), parseDotConfig('CONFIG_MODULES=y\n# CONFIG_A is not set\nCONFIG_B=y\n'));
  assert.strictEqual(capped.value('B').value, 'n', 'B depends on A, which is n');
});

test('enable with dependencies: the off, promptable symbols an option depends on, first', () => {
  const tree = `config PROC_FS\n\tbool "proc"\nconfig NET\n\tbool "net"\n\tdepends on !NO_NET\nconfig NO_NET\n\tbool "no net"\nconfig HIDDEN\n\tbool\nconfig MCONSOLE\n\tbool "mconsole"\n\tdepends on PROC_FS && NET && (HIDDEN || PROC_FS) && !NO_NET\n`;
  const ev = new KconfigEval(index(tree), parseDotConfig('# CONFIG_PROC_FS is not set\n# CONFIG_NET is not set\n'));
  assert.deepStrictEqual(enablePlan(index(tree), ev, 'MCONSOLE'), ['PROC_FS', 'NET', 'MCONSOLE']);
});

const CONF_RULES = `config MODULES
	bool "modules"
config GOV
	tristate
	default m
config R
	tristate "R"
choice
	prompt "enum"
	depends on R
	default ENUM_A
config ENUM_A
	tristate "a"
config ENUM_B
	tristate "b"
endchoice
choice
	prompt "impl"
	default IMPL_A
config IMPL_A
	bool "a"
config IMPL_B
	bool "b"
endchoice
config ORDER
	int "order"
	default 2
	range 2 10
config PROBED
	bool "probed"
	depends on $(cc-option,-fsanitize=shift)
`;

test('as conf does it: `default m` is m (y without modules); a choice keeps its last =y; a tristate choice at m leaves members m; out of range is dropped', () => {
  const idx = index(CONF_RULES);
  const noModules = new KconfigEval(idx, parseDotConfig('# CONFIG_MODULES is not set\nCONFIG_GOV=y\n'));
  assert.strictEqual(noModules.value('GOV').value, 'y', 'default m without modules is y, not n');
  const ev = new KconfigEval(idx, parseDotConfig('CONFIG_MODULES=y\nCONFIG_R=y\nCONFIG_ENUM_A=m\nCONFIG_IMPL_A=y\n# CONFIG_IMPL_B is not set\nCONFIG_ORDER=1\nCONFIG_IMPL_B=y\n'));
  assert.strictEqual(ev.value('GOV').value, 'm');
  assert.deepStrictEqual([ev.value('ENUM_A').value, ev.value('ENUM_B').value], ['m', 'n'], 'the choice is m: its members each m or n');
  assert.deepStrictEqual([ev.value('IMPL_A').value, ev.value('IMPL_B').value], ['n', 'y'], 'the =y read last wins');
  assert.strictEqual(ev.value('ORDER').value, '2');
  assert.match(ev.value('ORDER').origin, /1 is outside its range 2-10/);
});

test('a dependency on a toolchain probe: unknown (nothing claimed) until answered, then its answer', () => {
  const idx = index(CONF_RULES);
  const defs = [{ name: 'success', op: '=', value: '$(shell,{ $(1); } >/dev/null 2>&1 && echo "y" || echo "n")' }, { name: 'cc-option', op: '=', value: '$(success,$(CC) $(1))' }];
  const answers = new Map<string, string>();
  const user = parseDotConfig('CONFIG_PROBED=y\n');
  const pending = new KconfigEval(idx, user, new Map(), new KconfigMacros({ CC: 'gcc' }, (c) => answers.get(c), defs));
  assert.strictEqual(pending.value('PROBED').unknown, true);
  assert.match(pending.value('PROBED').origin, /toolchain probe/);
  answers.set('{ gcc -fsanitize=shift; } >/dev/null 2>&1 && echo "y" || echo "n"', 'y\n');
  const known = new KconfigEval(idx, user, new Map(), new KconfigMacros({ CC: 'gcc' }, (c) => answers.get(c), defs));
  assert.deepStrictEqual(known.value('PROBED'), { value: 'y', origin: 'assigned in .config' });
});
