// Kernel lists shown as their contents, on the real kernel stopped in cmdline_proc_show (Watch,
// hover and the Debug Console share evaluate; Variables the same expansion): init_task.tasks
// expands to the tasks gdb's Python walker and the Call Stack's task threads agree on, each
// entry the task_struct itself; init_task.children to init and kthreadd; modules to the loaded
// modules (none here); a member that is a node of someone else's list stays raw; a list
// corrupted in the stopped guest (and restored) is said to be corrupt where it breaks.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launchToFunction, withSession } from '../support/dap';
import type { DebugClient } from '@vscode/debugadapter-testsupport';

let rootfs: string;
before(() => { testKernelDir(); rootfs = makeRootfs('cat /proc/cmdline >/dev/null\npoweroff -f'); });
after(() => removeRootfs(rootfs));

async function children(dc: DebugClient, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref })).body.variables;
}

test('init_task.tasks, init_task.children and modules as their entries; sibling stays a raw node', () => withSession('kdata', async (dc, umid) => {
  await dc.initializeRequest();
  const { frame, t } = await launchToFunction(dc, testKernel(), { rootfs, umid });

  // The task threads: "[pid] comm (state)" (tasks.ts), from the same kernel.
  const threads = (await dc.threadsRequest()).body.threads.map((th) => /^\[(\d+)\] (\S+)/.exec(th.name)).filter((m): m is RegExpExecArray => !!m);
  const threadPids = new Set(threads.map((m) => Number(m[1])));

  const tasks = await dc.evaluateRequest({ expression: 'init_task.tasks', frameId: frame.id, context: 'watch' });
  assert.strictEqual(tasks.body.result, 'list of struct task_struct (.tasks)');
  assert.ok(tasks.body.variablesReference > 0);
  let entries = await children(dc, tasks.body.variablesReference);
  const raw = entries.find((e) => e.name === '[raw]');
  assert.ok(raw && /struct list_head at 0x[0-9a-f]+/.test(raw.value), JSON.stringify(raw));
  assert.ok(!entries.some((e) => e.name === '[corrupt]'), 'a healthy list is not called corrupt');
  // Past 100 entries the list comes in groups; this guest has fewer.
  if (entries.some((e) => /^\[\d+\.\.\d+\]$/.test(e.name))) {
    entries = (await Promise.all(entries.filter((e) => /^\[\d+\.\.\d+\]$/.test(e.name)).map((g) => children(dc, g.variablesReference)))).flat();
  }
  const listed = entries.filter((e) => /^\[\d+\]$/.test(e.name));
  assert.ok(listed.length > 10, `tasks: ${JSON.stringify(entries.slice(0, 5))}`);
  const pids = listed.map((e) => Number(/pid = (\d+)/.exec(e.value)?.[1]));
  assert.ok(pids.every((p) => threadPids.has(p)), `every listed process is a task thread: ${pids} vs ${[...threadPids]}`);
  assert.ok(pids.includes(1) && pids.includes(2), `init and kthreadd are on the list: ${pids}`);
  const init = listed.find((e) => /pid = 1,/.test(e.value))!;
  assert.match(init.value, /^0x[0-9a-f]+ \{pid = 1, comm = "init"\}$/);
  assert.strictEqual(init.type, 'struct task_struct *');
  // An entry opens as the task_struct itself; its evaluateName evaluates to the same task.
  const fields = await children(dc, init.variablesReference);
  assert.ok(fields.some((f) => f.name === 'comm') && fields.some((f) => f.name === 'pid' && f.value === '1'), JSON.stringify(fields.slice(0, 8)));
  const again = await dc.evaluateRequest({ expression: `${init.evaluateName}->pid`, frameId: frame.id, context: 'watch' });
  assert.strictEqual(again.body.result, '1');

  const kids = await dc.evaluateRequest({ expression: 'init_task.children', frameId: frame.id, context: 'hover' });
  const kidNames = (await children(dc, kids.body.variablesReference)).filter((e) => /^\[\d+\]$/.test(e.name)).map((e) => e.value.replace(/^0x[0-9a-f]+ /, ''));
  assert.deepStrictEqual(kidNames, ['{pid = 1, comm = "init"}', '{pid = 2, comm = "kthreadd"}']);

  // A list made corrupt (init's sibling.prev overwritten in the stopped guest, restored at once):
  // the walk says where, and stops.
  const initTask = (await children(dc, kids.body.variablesReference)).find((e) => e.name === '[0]')!;
  const prevExpr = `${initTask.evaluateName}->sibling.prev`;
  const original = (await dc.evaluateRequest({ expression: `(unsigned long) ${prevExpr}`, frameId: frame.id, context: 'watch' })).body.result;
  await dc.customRequest('setExpression', { expression: prevExpr, value: '(struct list_head *) 0x1234', frameId: frame.id });
  try {
    const broken = await dc.evaluateRequest({ expression: 'init_task.children', frameId: frame.id, context: 'watch' });
    const shown = await children(dc, broken.body.variablesReference);
    const corrupt = shown.find((e) => e.name === '[corrupt]');
    assert.ok(corrupt, JSON.stringify(shown));
    assert.match(corrupt.value, /^corrupt: node 0x[0-9a-f]+ ->prev points to 0x1234, not 0x[0-9a-f]+$/);
    assert.ok(!shown.some((e) => e.name === '[0]'), 'nothing is listed past the broken link');
  } finally {
    await dc.customRequest('setExpression', { expression: prevExpr, value: `(struct list_head *) ${original}`, frameId: frame.id });
  }

  const mods = await dc.evaluateRequest({ expression: 'modules', frameId: frame.id, context: 'repl' });
  assert.strictEqual(mods.body.result, 'list of struct module (.list)');
  const modEntries = await children(dc, mods.body.variablesReference);
  assert.deepStrictEqual(modEntries.map((e) => e.name), ['[raw]'], 'no module is loaded in this guest');

  // Inside a task_struct in Variables: tasks and children expand as lists, sibling (a node in the
  // parent's list) stays two pointers.
  const initFields = fields;
  const tasksMember = initFields.find((f) => f.name === 'tasks')!;
  assert.strictEqual(tasksMember.value, 'list of struct task_struct (.tasks)');
  const sibling = initFields.find((f) => f.name === 'sibling')!;
  assert.notStrictEqual(sibling.value, 'list of struct task_struct (.sibling)');
  const sib = await children(dc, sibling.variablesReference);
  assert.deepStrictEqual(sib.map((f) => f.name).sort(), ['next', 'prev']);

  // Counters as numbers, a cpumask as its set bits, jiffies with the time since boot.
  const usage = await dc.evaluateRequest({ expression: 'init_task.usage', frameId: frame.id, context: 'watch' });
  assert.match(usage.body.result, /^\d+$/);
  const online = await dc.evaluateRequest({ expression: '__cpu_online_mask', frameId: frame.id, context: 'watch' });
  assert.strictEqual(online.body.result, '"0"');
  const j = await dc.evaluateRequest({ expression: 'jiffies', frameId: frame.id, context: 'hover' });
  assert.match(j.body.result, /^\d+ \(\d+\.\d\d s since boot at HZ=\d+\)$/);
  const usageMember = initFields.find((f) => f.name === 'usage')!;
  assert.match(usageMember.value, /^\d+$/, 'refcount_t usage in the task_struct is its number');

  await dc.continueRequest({ threadId: t });
}));
