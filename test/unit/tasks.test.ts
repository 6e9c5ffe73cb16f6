// Kernel tasks as threads (pure parts): the helper's output parsed, the threads list ordered.
import { test } from 'node:test';
import * as assert from 'assert';
import { parseModules, parseTasks } from '../../src/gdb/kernelPython';
import { TASK_THREAD_BASE, gdbThreadOf, taskThreads } from '../../src/debug/tasks';

const OUT = '604f0ac0|0|0|R|1|swapper\n6082a040|1|1|S|0|init\n60838080|2|2|S|1|kthreadd\n6093c480|18|18|D|1|kswapd0\n60a62540|24|24|R|0|cat\n609da4c0|19|19|R|1|kworker/u2:1\ngarbage line\n';

test('uml-tasks lines become tasks (comm may hold anything after the fields)', () => {
  const t = parseTasks(OUT + '60a70000|30|30|S|0|a|b c\n');
  assert.strictEqual(t.length, 7);
  assert.deepStrictEqual(t[1], { addr: 0x6082a040n, pid: 1, tgid: 1, state: 'S', kthread: false, comm: 'init' });
  assert.strictEqual(t[6].comm, 'a|b c');
});

test('threads: the running task as thread 1, then runnable, uninterruptible, sleeping by pid; host helpers last', () => {
  const threads = taskThreads(parseTasks(OUT), 0x60a62540n, [{ id: 1, targetId: 'Thread 0x7f (LWP 100)' }, { id: 2, targetId: 'Thread 0x7e (LWP 101)' }]);
  assert.deepStrictEqual(threads.map((t) => [t.id, t.name]), [
    [1, '[24] cat (running)'],
    [TASK_THREAD_BASE + 0, '[0] swapper (R: runnable)'],
    [TASK_THREAD_BASE + 19, '[19] kworker/u2:1 (R: runnable)'],
    [TASK_THREAD_BASE + 18, '[18] kswapd0 (D: uninterruptible)'],
    [TASK_THREAD_BASE + 1, '[1] init (S: sleeping)'],
    [TASK_THREAD_BASE + 2, '[2] kthreadd (S: sleeping)'],
    [2, 'host helper (LWP 101)'],
  ]);
  assert.strictEqual(gdbThreadOf(TASK_THREAD_BASE + 18), 1);
  assert.strictEqual(gdbThreadOf(2), 2);
});

test('no tasks (an old kernel): gdb\'s threads as before', () => {
  assert.deepStrictEqual(taskThreads([], undefined, [{ id: 1, targetId: '' }]).map((t) => t.name), ['kernel']);
});

test('uml-modules lines become modules with their sections', () => {
  const m = parseModules('M|60a80000|ukd_hello|7f000000|16384\nS|.text|7f000000\nS|.init.text|7f004000\nS|.data|7f001000\nM|60a90000|loop|7f010000|40960\n');
  assert.strictEqual(m.length, 2);
  assert.deepStrictEqual(m[0], { addr: 0x60a80000n, name: 'ukd_hello', base: 0x7f000000n, size: 16384, sections: { '.text': 0x7f000000n, '.init.text': 0x7f004000n, '.data': 0x7f001000n } });
  assert.deepStrictEqual(m[1].sections, {});
});

test('a kernel in QEMU: the other gdb threads are virtual CPUs, and with no task list CPU 0 stands for the kernel', () => {
  const threads = taskThreads(parseTasks(OUT), 0x60a62540n, [{ id: 1, targetId: 'Thread 1.1' }, { id: 2, targetId: 'Thread 1.2' }], true);
  assert.strictEqual(threads[threads.length - 1].name, 'CPU 1');
  assert.deepStrictEqual(taskThreads([], undefined, [{ id: 1, targetId: '' }], true).map((t) => t.name), ['CPU 0']);
});
