import { test } from 'node:test';
import * as assert from 'assert';
import { instanceRow, detailRows, shownState } from '../../src/views/instanceItems';
import { formatUptime, UmlInstance } from '../../src/uml/instances';

const marks = (o: Partial<Record<'owned' | 'paused' | 'unreachable', string[]>> = {}) => ({
  owned: new Set(o.owned ?? []), paused: new Set(o.paused ?? []), unreachable: new Set(o.unreachable ?? []),
});
const inst = (over: Partial<UmlInstance> = {}): UmlInstance => ({ umid: 'u1', dir: '/h/.uml/u1', pid: 42, state: 'running', mconsole: '/h/.uml/u1/mconsole', startedAt: 1000, ...over });

test('state precedence: stale and debugger come from the host; paused and unreachable from our marks', () => {
  assert.strictEqual(shownState(inst(), marks()), 'running');
  assert.strictEqual(shownState(inst(), marks({ paused: ['u1'] })), 'paused');
  assert.strictEqual(shownState(inst(), marks({ unreachable: ['u1'] })), 'unreachable');
  assert.strictEqual(shownState(inst({ state: 'debugger' }), marks({ paused: ['u1'] })), 'debugger');
  assert.strictEqual(shownState(inst({ state: 'stale' }), marks({ paused: ['u1'] })), 'stale');
});

test('row: description, context value for menus, icon, tooltip', () => {
  const r = instanceRow(inst(), marks({ owned: ['u1'] }), 1000 + 125000);
  assert.strictEqual(r.description, 'pid 42 · running · up 2m 5s · debugging here');
  assert.strictEqual(r.contextValue, 'umlInstance state-running owned');
  assert.strictEqual(r.icon, 'vm-running');
  assert.match(r.tooltip, /mconsole: \/h\/.uml\/u1\/mconsole/);
  const stale = instanceRow(inst({ state: 'stale', mconsole: undefined }), marks());
  assert.strictEqual(stale.description, 'pid 42 · stale: process gone');
  assert.match(stale.tooltip, /no mconsole socket/);
});

test('details from mconsole replies, errors shown in place', () => {
  assert.deepStrictEqual(detailRows('Linux (none) 6.1.192 #1', 'MemTotal:   131072 kB\nMemFree:   65536 kB\nMemAvailable:   98304 kB\n'), [
    { label: 'Kernel', description: 'Linux (none) 6.1.192 #1' },
    { label: 'Memory', description: '128 MB total, 96 MB available' },
  ]);
  const e = new Error('does not answer');
  assert.deepStrictEqual(detailRows(e, e).map((r) => r.description), ['does not answer', 'does not answer']);
});

test('uptime formatting', () => {
  assert.deepStrictEqual([5e3, 65e3, 3725e3, 90000e3].map(formatUptime), ['5s', '1m 5s', '1h 2m', '1d 1h']);
});
