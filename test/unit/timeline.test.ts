// The F5 timeline: the extension host's steps (wall-clock marks carried in the configuration)
// come before the adapter's own, and the whole F5 prints from its first step.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Timeline } from '../../src/debug/timeline';

test('marks from before the launch request: kept in time order, once each, junk dropped; the whole F5 printed from its first step', () => {
  const t = new Timeline();
  const t0 = t.startedAt - 900;
  t.addBefore([{ name: 'xsave-checked', at: t0 + 40 }, { name: 'resolve', at: t0 }, { name: 'bad', at: Number.NaN } as never, { name: 'resolve', at: t0 + 5 }]);
  t.addBefore([{ name: 'adapter-created', at: t0 + 700 }]);
  assert.deepStrictEqual(t.before.map((m) => m.name), ['resolve', 'xsave-checked', 'adapter-created']);
  t.mark('planned');
  const text = t.toString();
  assert.match(text, /^resolve 0 ms, xsave-checked 40 ms, adapter-created 700 ms, launch-request 900 ms, planned 9\d\d ms$/);
});

test('without marks from before, the timeline counts from the launch request, and the file holds both parts', () => {
  const t = new Timeline();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'timeline-')), 'timeline.json');
  t.writeTo(file);
  t.mark('planned');
  assert.match(t.toString(), /^planned \d+ ms$/);
  t.addBefore([{ name: 'resolve', at: t.startedAt - 100 }]);
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepStrictEqual(saved.before, [{ name: 'resolve', at: t.startedAt - 100 }]);
  assert.strictEqual(saved.marks[0].name, 'planned');
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
