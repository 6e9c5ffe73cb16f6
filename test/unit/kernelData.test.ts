// Which list heads are recognised and how a walk's output reads (the walk itself runs in gdb's
// Python against the real kernel: test/integration/kernelData.test.ts).
import { test } from 'node:test';
import * as assert from 'assert';
import { bitRanges, counterPath, globalHead, isCpumask, jiffiesText, listKindOf, listValue, storesPointers, idPath, isPidPointer, ktimeText, memberHead, pages, setBits, splitMember, structName, summaryFields } from '../../src/debug/kernelData';
import { parseFields, parseListWalk } from '../../src/gdb/kernelDataPython';
import { cpuExpr, definesPerCpu, pointerTo } from '../../src/debug/perCpu';

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
  assert.strictEqual(listValue('list', c), 'list of struct task_struct (.tasks)');
  assert.strictEqual(listValue('hlist', c), 'hlist of struct task_struct (.tasks)');
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

test('maple trees: the kind, the table, the walk lines with their ranges', () => {
  assert.strictEqual(listKindOf('struct maple_tree'), 'maple');
  const mt = memberHead('struct mm_struct', 'mm_mt')!;
  assert.deepStrictEqual(mt, { type: 'struct vm_area_struct', member: '' });
  assert.strictEqual(listValue('maple', mt), 'maple tree of struct vm_area_struct *');
  assert.strictEqual(listKindOf('struct rb_root_cached'), 'rb');
  assert.strictEqual(listKindOf('struct radix_tree_root'), 'xarray');
  assert.strictEqual(listKindOf('const struct idr'), 'idr');
  assert.ok(storesPointers('idr') && storesPointers('maple') && !storesPointers('rb'));
  assert.strictEqual(listValue('rb', globalHead('free_vmap_area_root')!), 'rbtree of struct vmap_area (.rb_node)');
  assert.strictEqual(listValue('idr', memberHead('struct pid_namespace', 'idr')!), 'idr of struct pid *');
  const w = parseListWalk('R|400000|401fff|6a0b000\nR|402000|40ffff|6a0b0c0\nT|2|1\n');
  assert.deepStrictEqual(w.nodes, [0x6a0b000n, 0x6a0b0c0n]);
  assert.deepStrictEqual(w.ranges, [[0x400000n, 0x401fffn], [0x402000n, 0x40ffffn]]);
  assert.strictEqual(w.complete, true);
  assert.strictEqual(parseListWalk('C|corrupt: node 0x6000 pivot 3 is 0x10, outside 0x20-0xff\nT|0|1\n').corrupt, 'corrupt: node 0x6000 pivot 3 is 0x10, outside 0x20-0xff');
});

test('per-CPU: the definition line, the CPUs, each CPU\'s copy', () => {
  assert.ok(definesPerCpu('DEFINE_PER_CPU(unsigned long, process_counts) = 0;', 'process_counts'));
  assert.ok(definesPerCpu('static DEFINE_PER_CPU(struct vm_struct *, cached_stacks[NR_CACHED_STACKS]);', 'cached_stacks'));
  assert.ok(definesPerCpu('DEFINE_PER_CPU_SHARED_ALIGNED(struct rq,\n\t\t\t      runqueues);', 'runqueues'));
  assert.ok(!definesPerCpu('unsigned long process_counts;', 'process_counts'));
  assert.ok(!definesPerCpu('DEFINE_PER_CPU(int, process_counts_max);', 'process_counts'));
  assert.ok(!definesPerCpu('int x;\nDEFINE_PER_CPU(int, x);', 'x'), 'the definition is on the line gdb names');
  assert.deepStrictEqual(setBits('{143, 0}'), [0, 1, 2, 3, 7]);
  assert.deepStrictEqual(setBits('{0}'), []);
  assert.deepStrictEqual(setBits('{0, 1}'), [64]);
  assert.strictEqual(cpuExpr({ name: 'process_counts', type: 'unsigned long', smp: false, cpus: [0] }, 0), 'process_counts');
  assert.strictEqual(cpuExpr({ name: 'runqueues', type: 'struct rq', smp: true, cpus: [0, 1] }, 1), '(*(struct rq *) ((unsigned long) &runqueues + __per_cpu_offset[1]))');
  assert.strictEqual(pointerTo('struct vm_struct *[2]'), 'struct vm_struct * (*)[2]');
  assert.strictEqual(pointerTo('int [2][3]'), 'int (*)[2][3]');
});

test('ids, pids and ktime_t: the number they stand for', () => {
  assert.strictEqual(idPath('kuid_t'), '.val');
  assert.strictEqual(idPath('const kgid_t'), '.val');
  assert.strictEqual(idPath('uid_t'), undefined);
  assert.ok(isPidPointer('struct pid *') && !isPidPointer('struct pid') && !isPidPointer('struct pid **'));
  assert.strictEqual(ktimeText('ktime_t', '1500000000'), '1500000000 (1.500000000 s)');
  assert.strictEqual(ktimeText('ktime_t', '-5'), '-5 (-0.000000005 s)');
  assert.strictEqual(ktimeText('s64', '5'), undefined);
  assert.strictEqual(ktimeText('ktime_t', '<optimized out>'), undefined);
});
