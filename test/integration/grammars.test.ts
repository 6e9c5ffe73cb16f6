// The TextMate grammars (syntaxes/) tokenize real kernel files as VS Code would (vscode-textmate
// with the oniguruma WebAssembly build): Kconfig keywords, types, symbols, strings and help text;
// .config assignments, values and "is not set" lines.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { ROOT, testKernelDir } from '../support/testKernel';

async function registry(): Promise<vsctm.Registry> {
  await oniguruma.loadWASM(fs.readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer);
  const grammars: Record<string, string> = { 'source.kconfig': 'kconfig.tmLanguage.json', 'source.kconfig-dotconfig': 'dotconfig.tmLanguage.json' };
  return new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (grammars[scope] ? vsctm.parseRawGrammar(fs.readFileSync(path.join(ROOT, 'syntaxes', grammars[scope]), 'utf8'), 'x.json') : null),
  });
}

/** Each token of the text with the last scope it carries. */
async function tokens(scope: string, text: string): Promise<Array<{ line: number; text: string; scope: string }>> {
  const g = (await (await registry()).loadGrammar(scope))!;
  let stack = vsctm.INITIAL;
  const out: Array<{ line: number; text: string; scope: string }> = [];
  text.split('\n').forEach((l, i) => {
    const r = g.tokenizeLine(l, stack);
    for (const t of r.tokens) out.push({ line: i, text: l.slice(t.startIndex, t.endIndex), scope: t.scopes[t.scopes.length - 1] });
    stack = r.ruleStack;
  });
  return out;
}

test('Kconfig: arch/um/Kconfig, HOSTFS as a real file tokenizes', async () => {
  const text = fs.readFileSync(path.join(testKernelDir(), 'arch', 'um', 'Kconfig'), 'utf8');
  const t = await tokens('source.kconfig', text);
  const at = (line: number, s: string) => t.find((x) => x.line === line && x.text.trim() === s)?.scope;
  assert.strictEqual(at(127, 'config'), 'keyword.control.kconfig');
  assert.strictEqual(at(127, 'HOSTFS'), 'variable.other.symbol.kconfig');
  assert.strictEqual(at(128, 'tristate'), 'storage.type.kconfig');
  assert.strictEqual(t.find((x) => x.line === 128 && x.text.includes('Host filesystem'))?.scope, 'string.quoted.double.kconfig');
  assert.strictEqual(t.find((x) => x.line === 130)?.scope, 'comment.block.documentation.help.kconfig', 'help text');
  assert.strictEqual(at(148, 'config'), 'keyword.control.kconfig', 'the next entry after the help ends it');
  assert.strictEqual(at(150, 'depends on'), 'keyword.other.kconfig');
});

test('.config: the built .config tokenizes, every line either an assignment, an unset line or a comment', async () => {
  const text = fs.readFileSync(path.join(testKernelDir(), '.config'), 'utf8');
  const t = await tokens('source.kconfig-dotconfig', text);
  const hostfs = t.filter((x) => x.line === text.split('\n').indexOf('CONFIG_HOSTFS=y'));
  assert.deepStrictEqual(hostfs.map((x) => [x.text, x.scope]), [['CONFIG_HOSTFS', 'variable.other.symbol.dotconfig'], ['=', 'keyword.operator.assignment.dotconfig'], ['y', 'constant.language.tristate.dotconfig']]);
  assert.ok(!t.some((x) => x.scope.startsWith('invalid')), 'no invalid values in a real .config');
  const unset = text.split('\n').findIndex((l) => /^# CONFIG_\w+ is not set$/.test(l));
  assert.deepStrictEqual(t.filter((x) => x.line === unset && x.text.trim()).map((x) => x.scope), ['comment.line.number-sign.dotconfig', 'variable.other.symbol.dotconfig', 'constant.language.unset.dotconfig']);
});
