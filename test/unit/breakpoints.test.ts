import { test } from 'node:test';
import * as assert from 'assert';
import { parseHitCondition, parseLogMessage, breakInsertOf, toDap, BreakpointSpec } from '../../src/debug/breakpoints';
import { breakInsertCommand as miBreakInsert } from '../../src/gdb/commands';

const breakInsertCommand = (spec: BreakpointSpec, temporary = false) => miBreakInsert(breakInsertOf(spec, temporary));
import { parseMiLine, tuple } from '../../src/gdb/mi';
import { breakpointRecord, frameRecord } from '../../src/gdb/records';

test('hit conditions: how many hits to ignore', () => {
  assert.deepStrictEqual(parseHitCondition('3'), { ignore: 2 });
  assert.deepStrictEqual(parseHitCondition('>=3'), { ignore: 2 });
  assert.deepStrictEqual(parseHitCondition('> 3'), { ignore: 3 });
  assert.deepStrictEqual(parseHitCondition('0'), { ignore: 0 });
  assert.throws(() => parseHitCondition('%2'), /N, >=N or >N/);
});

test('break-insert: pending, condition, quoted location; hit counts stay with the adapter', () => {
  assert.strictEqual(breakInsertCommand({ location: 'cmdline_proc_show' }), '-break-insert -f "cmdline_proc_show"');
  assert.strictEqual(breakInsertCommand({ location: '/k/fs/proc/cmdline.c:9', condition: 'v == (void *)1', hitCondition: '2' }, true),
    '-break-insert -f -t -c "v == (void *)1" "/k/fs/proc/cmdline.c:9"');
  assert.throws(() => breakInsertCommand({ location: 'f', hitCondition: '%2' }), /N, >=N or >N/);
});

test('log messages split into text and expressions', () => {
  assert.deepStrictEqual(parseLogMessage('show m={m} v={v}!'), [{ text: 'show m=' }, { expr: 'm' }, { text: ' v=' }, { expr: 'v' }, { text: '!' }]);
  assert.deepStrictEqual(parseLogMessage('plain'), [{ text: 'plain' }]);
});

test('gdb breakpoint records become DAP breakpoints (pending, multiple locations)', () => {
  const ok = tuple(parseMiLine('^done,bkpt={number="3",type="breakpoint",addr="0x1",file="fs/proc/cmdline.c",fullname="/k/fs/proc/cmdline.c",line="9"}').results.bkpt)!;
  assert.deepStrictEqual(toDap(breakpointRecord(ok)), { id: 3, verified: true, line: 9, source: { path: '/k/fs/proc/cmdline.c' }, instructionReference: '0x1' });
  const pend = tuple(parseMiLine('^done,bkpt={number="4",type="breakpoint",addr="<PENDING>",pending="nosuch_fn",times="0"}').results.bkpt)!;
  const p = toDap(breakpointRecord(pend));
  assert.strictEqual(p.verified, false);
  assert.match(p.message!, /nosuch_fn/);
  const multi = tuple(parseMiLine('^done,bkpt={number="5",addr="<MULTIPLE>",locations=[{number="5.1",addr="0x2",fullname="/k/a.h",line="12"},{number="5.2",fullname="/k/a.h",line="12"}]}').results.bkpt)!;
  assert.strictEqual(toDap(breakpointRecord(multi)).line, 12);
  assert.strictEqual(toDap(breakpointRecord(multi)).instructionReference, '0x2', 'the first location\'s address');
  assert.strictEqual(p.instructionReference, undefined);
});
