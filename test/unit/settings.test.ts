// The extension's settings and cross-process messages, read from the sources: every
// umlKernelDebug.* setting is read in src/config.ts with package.json's default, and the
// messages' shared module stays free of vscode (the server and the adapter import it).
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { SETTING_DEFAULTS } from '../../src/configDefaults';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every umlKernelDebug.* setting has package.json\'s default in configDefaults.ts, and no other', () => {
  const declared = Object.entries(PKG.contributes.configuration.properties)
    .filter(([k]) => k.startsWith('umlKernelDebug.'))
    .map(([k, v]) => [k.slice('umlKernelDebug.'.length), v.default] as const);
  assert.ok(declared.length >= 10, `package.json's settings were found (${declared.length})`);
  assert.deepStrictEqual(Object.fromEntries(declared), SETTING_DEFAULTS);
});

test('umlKernelDebug settings are read only in src/config.ts', () => {
  const readers = sources(SRC).filter((f) => /getConfiguration\(\s*['"`]umlKernelDebug/.test(fs.readFileSync(f, 'utf8')));
  assert.deepStrictEqual(readers.map((f) => path.relative(SRC, f)), ['config.ts']);
});

test('src/shared/ never imports vscode', () => {
  const files = sources(path.join(SRC, 'shared'));
  assert.ok(files.length >= 1);
  for (const f of files) assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /from\s+['"]vscode['"]|require\(['"]vscode['"]\)/, f);
});
