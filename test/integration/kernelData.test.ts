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
  // ... and with the kernel's own lx-ps (every task but the head, init_task, pid 0; no guest
  // process here has a second thread).
  const ps = (await dc.evaluateRequest({ expression: '-exec lx-ps', frameId: frame.id, context: 'repl' })).body.result;
  const lxPs = [...ps.matchAll(/^0x[0-9a-f]+\s+(\d+)\s+(\S+)/gm)].filter((m) => m[1] !== '0').map((m) => `${m[1]} ${m[2]}`).sort();
  assert.ok(lxPs.length > 10, ps.slice(0, 500));
  assert.deepStrictEqual(listed.map((e) => { const m = /pid = (\d+), comm = "([^"]*)"/.exec(e.value)!; return `${m[1]} ${m[2]}`; }).sort(), lxPs, 'pid and comm as lx-ps says');
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
  assert.strictEqual((usageMember as { __vscodeVariableMenuContext?: string }).__vscodeVariableMenuContext, 'umlKernelData', 'the row offers Show as Raw');

  // Raw on request: `expr,raw`; "Show as Raw" on one expression (the views are refreshed); a
  // kind turned off (umlKernelDebug.kernelData) everywhere; and back.
  const rawChildren = async (expression: string) => {
    const r = await dc.evaluateRequest({ expression, frameId: frame.id, context: 'watch' });
    return { result: r.body.result, names: (await children(dc, r.body.variablesReference)).map((e) => e.name).sort() };
  };
  assert.deepStrictEqual((await rawChildren('init_task.children,raw')).names, ['next', 'prev']);
  const invalidated = dc.waitForEvent('invalidated', 5000);
  await dc.customRequest('umlKernelData', { raw: { expression: usageMember.evaluateName, on: true } });
  assert.deepStrictEqual((await invalidated).body.areas, ['variables']);
  const usageRaw = (await children(dc, init.variablesReference)).find((f) => f.name === 'usage')!;
  assert.strictEqual(usageRaw.value, '{...}', 'usage shown raw: the struct');
  assert.strictEqual((usageRaw as { __vscodeVariableMenuContext?: string }).__vscodeVariableMenuContext, 'umlKernelRaw', 'the row offers Show as Contents');
  await dc.customRequest('umlKernelData', { raw: { expression: usageMember.evaluateName, on: false } });
  assert.match((await children(dc, init.variablesReference)).find((f) => f.name === 'usage')!.value, /^\d+$/);
  await dc.customRequest('umlKernelData', { views: { lists: false } });
  assert.deepStrictEqual((await rawChildren('init_task.children')).names, ['next', 'prev'], 'lists off: raw');
  assert.strictEqual((await dc.evaluateRequest({ expression: 'init_task.usage', frameId: frame.id, context: 'watch' })).body.result.match(/^\d+$/)?.length, 1, 'counters stay on');
  await dc.customRequest('umlKernelData', { views: { lists: true } });
  assert.strictEqual((await rawChildren('init_task.children')).result, 'list of struct task_struct (.sibling)');

  await dc.continueRequest({ threadId: t });
}));

test('a per-CPU counter as one child per CPU; an mm\'s maple tree as its ranges, each the VMA that covers it', () => withSession('kdata2', async (dc, umid) => {
  await dc.initializeRequest();
  const { frame, t } = await launchToFunction(dc, testKernel(), { rootfs, umid });

  // process_counts is DEFINE_PER_CPU in kernel/fork.c; UML is !SMP, so CPU 0 only, its copy the
  // variable itself. max_threads, a plain global, is not per-CPU.
  const pc = await dc.evaluateRequest({ expression: 'process_counts', frameId: frame.id, context: 'watch' });
  assert.strictEqual(pc.body.result, 'per-CPU unsigned long: 1 possible CPU');
  const cpus = await children(dc, pc.body.variablesReference);
  assert.deepStrictEqual(cpus.map((c) => c.name), ['[0]']);
  assert.match(cpus[0].value, /^\d+$/);
  assert.ok(Number(cpus[0].value) > 10, `forks counted on CPU 0: ${cpus[0].value}`);
  const plain = await dc.evaluateRequest({ expression: 'max_threads', frameId: frame.id, context: 'watch' });
  assert.match(plain.body.result, /^\d+$/);
  assert.strictEqual(plain.body.variablesReference, 0);

  // The task stopped here is cat (it reads /proc/cmdline): its mm's VMAs are the maple tree's
  // entries, each range [vm_start, vm_end - 1], as many as map_count.
  const tasks = await dc.evaluateRequest({ expression: 'init_task.tasks', frameId: frame.id, context: 'watch' });
  const cat = (await children(dc, tasks.body.variablesReference)).find((e) => /comm = "cat"/.test(e.value));
  assert.ok(cat, 'cat is on the task list');
  const mmExpr = `${cat.evaluateName}->mm`;
  const mt = await dc.evaluateRequest({ expression: `${mmExpr}->mm_mt`, frameId: frame.id, context: 'watch' });
  assert.strictEqual(mt.body.result, 'maple tree of struct vm_area_struct *');
  const ranges = await children(dc, mt.body.variablesReference);
  assert.ok(!ranges.some((e) => e.name === '[corrupt]'), JSON.stringify(ranges));
  const vmas = ranges.filter((e) => /^\[0x[0-9a-f]+-0x[0-9a-f]+\]$/.test(e.name));
  const mapCount = Number((await dc.evaluateRequest({ expression: `${mmExpr}->map_count`, frameId: frame.id, context: 'watch' })).body.result);
  assert.ok(mapCount >= 3, `map_count ${mapCount}`);
  assert.strictEqual(vmas.length, mapCount, JSON.stringify(ranges));
  let prevEnd = -1n;
  for (const v of vmas) {
    const [first, last] = /^\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\]$/.exec(v.name)!.slice(1).map(BigInt);
    const start = BigInt((await dc.evaluateRequest({ expression: `(unsigned long) ${v.evaluateName}->vm_start`, frameId: frame.id, context: 'watch' })).body.result);
    const end = BigInt((await dc.evaluateRequest({ expression: `(unsigned long) ${v.evaluateName}->vm_end`, frameId: frame.id, context: 'watch' })).body.result);
    assert.deepStrictEqual([first, last], [start, end - 1n], `${v.name} is the VMA ${start.toString(16)}-${end.toString(16)}`);
    assert.ok(first > prevEnd, 'in index order');
    prevEnd = last;
    assert.strictEqual(v.type, 'struct vm_area_struct *');
  }
  // An entry opens as the VMA itself.
  // (6.12 keeps vm_start in an anonymous struct in an anonymous union: shown as the VMA's own.)
  const vma = await children(dc, vmas[0].variablesReference);
  assert.ok(!vma.some((f) => /^<anonymous/.test(f.name)), 'anonymous members are flattened');
  const vmStart = vma.find((f) => f.name === 'vm_start');
  assert.ok(vmStart && vma.some((f) => f.name === 'vm_mm'), JSON.stringify(vma.slice(0, 5)));
  const again = await dc.evaluateRequest({ expression: vmStart.evaluateName!, frameId: frame.id, context: 'watch' });
  assert.strictEqual(BigInt(again.body.result), BigInt(/^\[(0x[0-9a-f]+)-/.exec(vmas[0].name)![1]), 'its evaluateName is the VMA\'s vm_start');

  // An rbtree in order: the free vmalloc areas, by address, each the vmap_area.
  const free = await dc.evaluateRequest({ expression: 'free_vmap_area_root', frameId: frame.id, context: 'watch' });
  assert.strictEqual(free.body.result, 'rbtree of struct vmap_area (.rb_node)');
  const areas = (await children(dc, free.body.variablesReference)).filter((e) => /^\[\d+\]$/.test(e.name));
  assert.ok(areas.length >= 1, 'free vmalloc space');
  const starts = areas.map((e) => BigInt(/va_start = (\d+)/.exec(e.value)?.[1] ?? '-1'));
  assert.ok(starts.every((v, i) => v >= 0n && (i === 0 || v > starts[i - 1])), `in address order: ${areas.map((e) => e.value)}`);

  // An idr: the pid namespace's pids, index -> struct pid, each pid's number its index.
  const idr = await dc.evaluateRequest({ expression: 'init_pid_ns.idr', frameId: frame.id, context: 'watch' });
  assert.strictEqual(idr.body.result, 'idr of struct pid *');
  const pids = (await children(dc, idr.body.variablesReference)).filter((e) => /^\[\d+\]$/.test(e.name));
  for (const p of pids) assert.strictEqual(/numbers\[0\]\.nr = (\d+)/.exec(p.value)?.[1], p.name.slice(1, -1), JSON.stringify(p));
  const catPid = /pid = (\d+)/.exec(cat.value)![1];
  assert.ok(['1', '2', catPid].every((n) => pids.some((p) => p.name === `[${n}]`)), `pids 1, 2 and cat's ${catPid}: ${pids.map((p) => p.name)}`);

  // A struct pid pointer with its number, a kuid_t as its number, a ktime_t with seconds.
  const tp = await dc.evaluateRequest({ expression: `${cat.evaluateName}->thread_pid`, frameId: frame.id, context: 'watch' });
  assert.match(tp.body.result, new RegExp(`^0x[0-9a-f]+ \\{nr = ${catPid}\\}$`));
  const uid = await dc.evaluateRequest({ expression: `${cat.evaluateName}->real_cred->uid`, frameId: frame.id, context: 'watch' });
  assert.strictEqual(uid.body.result, '0');
  const kt = await dc.evaluateRequest({ expression: 'tick_next_period', frameId: frame.id, context: 'watch' });
  assert.match(kt.body.result, /^\d+ \(\d+\.\d{9} s\)$/);

  await dc.continueRequest({ threadId: t });
}));

test('heads the table does not know, from the tree\'s sources: one answer is used, several are offered, a choice is kept', () => withSession('kdata3', async (dc, umid) => {
  await dc.initializeRequest();
  const { frame, t } = await launchToFunction(dc, testKernel(), { rootfs, umid });
  const evaluate = (expression: string) => dc.evaluateRequest({ expression, frameId: frame.id, context: 'watch' });

  // The index is read or built after the first stop (a fresh cache: about a second).
  type Candidates = { key?: string; candidates: Array<{ type: string; member: string; uses?: number }>; indexReady: boolean };
  const ask = async (expression: string) => (await dc.customRequest('umlKernelListCandidates', { expression, frameId: frame.id })).body as Candidates;
  const deadline = Date.now() + 60000;
  while (!(await ask('proc_fs_type.fs_supers')).indexReady) {
    assert.ok(Date.now() < deadline, 'the list index was ready within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }

  // file_system_type.fs_supers is in no table; the sources say struct super_block.s_instances
  // only: proc's super blocks (the kernel's own mount, and /proc if the guest mounted it).
  const supers = await evaluate('proc_fs_type.fs_supers');
  assert.strictEqual(supers.body.result, 'hlist of struct super_block (.s_instances)');
  const sbs = (await children(dc, supers.body.variablesReference)).filter((e) => /^\[\d+\]$/.test(e.name));
  assert.ok(sbs.length >= 1 && sbs.every((e) => /s_id = "proc"/.test(e.value)), JSON.stringify(sbs));

  // kset.list: a kobject's entry, or a device's kobj.entry (the same node seen from a device):
  // two answers, so the head stays raw and "View as List of..." offers both, most used first.
  const kset = await ask('devices_kset->list');
  assert.strictEqual(kset.key, 'kset.list');
  assert.deepStrictEqual(kset.candidates.slice(0, 2).map((c) => `${c.type}.${c.member}`), ['struct kobject.entry', 'struct device.kobj.entry']);
  const raw = await evaluate('devices_kset->list');
  assert.deepStrictEqual((await children(dc, raw.body.variablesReference)).map((e) => e.name).sort(), ['next', 'prev']);
  const ksetRow = (await children(dc, (await evaluate('*devices_kset')).body.variablesReference)).find((e) => e.name === 'list')!;
  assert.strictEqual((ksetRow as { __vscodeVariableMenuContext?: string }).__vscodeVariableMenuContext, 'umlKernelListHead', 'the row offers View as List of...');

  // The choice (as the extension sends it) holds for every head with that key, until cleared.
  await dc.customRequest('umlKernelData', { container: { key: 'kset.list', type: 'struct device', member: 'kobj.entry' } });
  const devices = await evaluate('devices_kset->list');
  assert.strictEqual(devices.body.result, 'list of struct device (.kobj.entry)');
  let shown = await children(dc, devices.body.variablesReference);
  const group = shown.find((e) => e.name === '[0..99]');  // past 100 entries: groups
  if (group) shown = await children(dc, group.variablesReference);
  const devs = shown.filter((e) => /^\[\d+\]$/.test(e.name));
  assert.ok(devs.length > 0, 'devices');
  const name = (await dc.evaluateRequest({ expression: `${devs[0].evaluateName}->kobj.name`, frameId: frame.id, context: 'watch' })).body.result;
  assert.match(name, /^0x[0-9a-f]+ "[\w:.-]+"$/, 'each entry is a device with a kobject name');
  await dc.customRequest('umlKernelData', { container: { key: 'kset.list' } });
  assert.notStrictEqual((await evaluate('devices_kset->list')).body.result, 'list of struct device (.kobj.entry)');

  await dc.continueRequest({ threadId: t });
}));
