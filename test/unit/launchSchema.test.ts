// package.json's launch.json schema (contributes.debuggers[0].configurationAttributes) against
// the adapter's table of attributes (src/targets/config.ts, itself held against the argument
// interfaces by the compiler): the same names per request, types, enums, items, defaults, and
// qemu's own attributes. Descriptions are free text and not compared.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LAUNCH_ATTRIBUTES, JsonType } from '../../src/targets/config';

interface Schema {
  type?: string; default?: unknown; enum?: readonly string[]; items?: { type: string };
  additionalProperties?: { type: string }; properties?: Record<string, Schema>; required?: string[];
  [free: string]: unknown;
}
const PKG = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
type Configuration = Record<string, unknown> & { type: string; request: 'launch' | 'attach' };
const DEBUGGER = PKG.contributes.debuggers[0] as {
  type: string; configurationAttributes: Record<'launch' | 'attach', { properties: Record<string, Schema> }>;
  initialConfigurations: Configuration[]; configurationSnippets: Array<{ body: Configuration }>;
};
/** Any launch.json configuration's own attributes (VS Code's). */
const VSCODE_ATTRIBUTES = ['type', 'request', 'name', 'preLaunchTask', 'postDebugTask'];
/** Schema keywords that only inform the user (or check a value's form beyond its type). */
const FREE = new Set(['description', 'markdownDescription', 'enumDescriptions', 'pattern', 'minimum', 'maximum']);

interface Entry {
  type: JsonType; enum?: readonly string[]; items?: JsonType; additionalProperties?: JsonType;
  properties?: Record<string, Entry & { default?: unknown; required?: true }>;
  launch?: { default?: unknown }; attach?: { default?: unknown };
}
const TABLE = LAUNCH_ATTRIBUTES as Record<string, Entry>;

/** What the table says of an attribute, in the schema's words. */
function schemaOf(e: Entry, dflt: unknown): Schema {
  const s: Schema = { type: e.type };
  if (dflt !== undefined) s.default = dflt;
  if (e.enum) s.enum = e.enum;
  if (e.items) s.items = { type: e.items };
  if (e.additionalProperties) s.additionalProperties = { type: e.additionalProperties };
  if (e.properties) {
    s.properties = Object.fromEntries(Object.entries(e.properties).map(([k, p]) => [k, schemaOf(p, (p as { default?: unknown }).default)]));
    const required = Object.entries(e.properties).filter(([, p]) => p.required).map(([k]) => k);
    if (required.length) s.required = required;
  }
  return s;
}

/** package.json's attribute without its free text (nested attributes too). */
function checked(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (FREE.has(k)) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([n, p]) => [n, checked(p)])) : v;
  }
  return out;
}

test('the debugger contributed is "uml", with launch and attach', () => {
  assert.strictEqual(DEBUGGER.type, 'uml');
  assert.deepStrictEqual(Object.keys(DEBUGGER.configurationAttributes).sort(), ['attach', 'launch']);
});

for (const request of ['launch', 'attach'] as const) {
  const declared = DEBUGGER.configurationAttributes[request].properties;
  const ours = Object.entries(TABLE).filter(([, e]) => e[request]);

  test(`${request}: package.json has the attributes the adapter reads, and no other`, () => {
    assert.ok(ours.length >= 10, `the table lists ${request}'s attributes (${ours.length})`);
    assert.deepStrictEqual(Object.keys(declared).sort(), ours.map(([name]) => name).sort());
  });

  test(`${request}: each attribute's type, enum, items, default (and qemu's attributes) as the table has them`, () => {
    for (const [name, e] of ours) {
      if (!declared[name]) continue;  // reported by the names test
      assert.deepStrictEqual(checked(declared[name]), schemaOf(e, e[request]!.default), `"${name}" (${request})`);
    }
  });
}

test('the initial configurations and the snippets use attributes of their request, qemu\'s included', () => {
  const configs = [...DEBUGGER.initialConfigurations, ...DEBUGGER.configurationSnippets.map((s) => s.body)];
  assert.ok(configs.length >= 5, `package.json's configurations were found (${configs.length})`);
  for (const c of configs) {
    assert.strictEqual(c.type, 'uml');
    const unknown = Object.keys(c).filter((k) => !VSCODE_ATTRIBUTES.includes(k) && !TABLE[k]?.[c.request]);
    const qemu = c.qemu ? Object.keys(c.qemu).filter((k) => !TABLE.qemu.properties![k]) : [];
    assert.deepStrictEqual([...unknown, ...qemu.map((k) => `qemu.${k}`)], [], `"${c.name}" (${c.request})`);
  }
});
