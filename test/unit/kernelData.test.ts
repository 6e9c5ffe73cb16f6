// Which list heads are recognised and how a walk's output reads (the walk itself runs in gdb's
// Python against the real kernel: test/integration/kernelData.test.ts).
import { test } from 'node:test';
import * as assert from 'assert';
import { bitRanges, counterPath, globalHead, isCpumask, jiffiesText, listKindOf, listValue, memberHead, pages, splitMember, structName, summaryFields } from '../../src/debug/kernelData';
import { parseFields, parseListWalk } from '../../src/gdb/kernelPython';

test('list heads by type; containers by global name or by owner struct and member; nodes stay raw', () => {
  assert.strictEqual(listKindOf('struct list_head'), 'list');
  assert.strictEqual(listKindOf('struct hlist_head'), 'hlist');
  assert.strictEqual(listKindOf('struct list_head *'), undefined, 'a pointer is not a head');
  assert.deepStrictEqual(globalHead('modules'), { type: 'struct module', member: 'list' });
  assert.strictEqual(globalHead('toString'), undefined);
  assert.deepStrictEqual(memberHead('struct task_struct', 'children'), { type: 'struct task_struct', member: 'sibling' });
  assert.deepStrictEqual(memberHead('struct task_struct *', 'tasks'), { type: 'struct task_struct', member: 'tasks' });
  assert.strictEqual(memberHead('struct task_struct', 'sibling'), undefined, 'a node in the parent\'s children list');
  assert.strictEqual(memberHead('struct module', 'list'), undefined, 'a node in the modules list');
  assert.strictEqual(structName('const struct task_struct *'), 'task_struct');
  assert.strictEqual(structName('int'), undefined);
  assert.deepStrictEqual(splitMember('init_task.tasks'), { owner: 'init_task', member: 'tasks' });
  assert.deepStrictEqual(splitMember('current->children'), { owner: '*(current)', member: 'children' });
  assert.strictEqual(splitMember('modules'), undefined);
  assert.deepStrictEqual(summaryFields('struct task_struct'), ['pid', 'comm']);
});

test('long lists come in groups of 100; the value says what, how many, and what went wrong', () => {
  assert.deepStrictEqual(pages(250).map((p) => p.name), ['[0..99]', '[100..199]', '[200..249]']);
  assert.deepStrictEqual(pages(0), []);
  const c = { type: 'struct task_struct', member: 'tasks' };
  assert.strictEqual(listValue(c), 'list of struct task_struct (.tasks)');
  assert.strictEqual(listValue(c, 97), '97 × struct task_struct (.tasks)');
  assert.strictEqual(listValue(c, 3, true, 'corrupt: x'), '3 × struct task_struct (.tasks) — corrupt: x');
  assert.strictEqual(listValue(c, 100000, false), '100000+ × struct task_struct (.tasks)');
});

test('the walker\'s and the field reader\'s lines', () => {
  const w = parseListWalk('N|6000a0\nN|6000b0\nC|corrupt: node 0x6000c0 ->prev points to 0x0, not 0x6000b0\nT|2|1\n');
  assert.deepStrictEqual(w, { nodes: [0x6000a0n, 0x6000b0n], complete: true, corrupt: 'corrupt: node 0x6000c0 ->prev points to 0x0, not 0x6000b0' });
  assert.strictEqual(parseListWalk('N|1\nT|1|0\n').complete, false);
  const f = parseFields('0x60a0|pid=1|comm="init"\n0x60b0|pid=2|comm="kthreadd"\n');
  assert.deepStrictEqual(f.get(0x60a0n), [['pid', '1'], ['comm', '"init"']]);
});

test('counters as numbers, cpumasks as their set bits, jiffies as time since boot', () => {
  assert.strictEqual(counterPath('refcount_t'), '.refs.counter');
  assert.strictEqual(counterPath('struct kref'), '.refcount.refs.counter');
  assert.strictEqual(counterPath('atomic_t'), '.counter');
  assert.strictEqual(counterPath('int'), undefined);
  assert.ok(isCpumask('struct cpumask') && isCpumask('cpumask_t') && !isCpumask('struct cpumask *'));
  assert.strictEqual(bitRanges('{1}'), '0');
  assert.strictEqual(bitRanges('{143}'), '0-3,7');
  assert.strictEqual(bitRanges('{0, 3}'), '64-65');
  assert.strictEqual(bitRanges('{0}'), '');
  // HZ=100: the count starts 300 s before the 32-bit wrap.
  assert.strictEqual(jiffiesText('4294937796', '10000000'), '4294937796 (5.00 s since boot at HZ=100)');
  assert.strictEqual(jiffiesText('x', '10000000'), undefined);
});
