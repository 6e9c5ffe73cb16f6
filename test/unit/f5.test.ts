// Our F5 starts a configuration only when launch.json says unambiguously which one is selected;
// otherwise VS Code's own F5 runs. The keybinding in package.json is held to the same names.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { F5_COMMAND, F5_CONTEXT, hasUmlConfiguration, soleUmlConfiguration } from '../../src/launchConfig/f5Config';

const uml = (name: string) => ({ type: 'uml', request: 'launch', name });

test('F5 is ours only for one folder holding exactly one uml configuration', () => {
  assert.strictEqual(soleUmlConfiguration([uml('Debug UML kernel')], 1), 'Debug UML kernel');
  assert.strictEqual(soleUmlConfiguration([{ type: 'cppdbg', name: 'app' }, uml('Kernel'), { type: 'node', name: 'tool' }], 1), 'Kernel');
  assert.strictEqual(soleUmlConfiguration([uml('A'), uml('B')], 1), undefined, 'two uml configurations: VS Code knows which is selected, we do not');
  assert.strictEqual(soleUmlConfiguration([uml('A')], 2), undefined, 'a multi-root workspace: each folder has its own');
  assert.strictEqual(soleUmlConfiguration([], 1), undefined);
  assert.strictEqual(soleUmlConfiguration(undefined, 1), undefined);
  assert.strictEqual(soleUmlConfiguration([{ type: 'uml' }], 1), undefined, 'no name to start it by');
  assert.strictEqual(soleUmlConfiguration([null, uml('K')], 1), 'K');
});

test('the Run and Debug view offers our default only where launch.json has no uml configuration', () => {
  assert.strictEqual(hasUmlConfiguration([uml('K')]), true);
  assert.strictEqual(hasUmlConfiguration([{ type: 'node', name: 'x' }]), false);
  assert.strictEqual(hasUmlConfiguration(undefined), false);
});

test('package.json binds F5 to our command under our context, only with a uml configuration selected and no session', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
  const kb = pkg.contributes.keybindings.find((k: { command: string }) => k.command === F5_COMMAND);
  assert.ok(kb, 'a keybinding for the F5 command');
  assert.strictEqual(kb.key, 'f5');
  for (const part of [F5_CONTEXT, "debugConfigurationType == 'uml'", "debugState == 'inactive'"]) assert.ok(kb.when.includes(part), `${part} in ${kb.when}`);
  assert.ok(pkg.contributes.commands.some((c: { command: string }) => c.command === F5_COMMAND));
});
