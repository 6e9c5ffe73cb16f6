// One spec per DAP feature, each against the real kernel under the real gdb.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as path from 'path';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { waitForOutput, launch, nextStop, topFrame, withSession } from '../support/dap';

let loop: string;   // reads /proc/cmdline forever, marking each read
let once: string;   // three reads, each marked in the kernel log first, then power off
before(() => {
  testKernelDir();
  loop = makeRootfs('echo LOOP-START\ni=0\nwhile true; do i=$((i+1)); echo "READ $i"; cat /proc/cmdline >/dev/null; sleep 0.2; done');
  once = makeRootfs('for i in 1 2 3; do echo "READ $i" > /dev/kmsg; cat /proc/cmdline >/dev/null; done\necho READS-DONE\npoweroff -f');
});
after(() => { removeRootfs(loop); removeRootfs(once); });

const cmdlineC = () => path.join(testKernelDir(), 'fs', 'proc', 'cmdline.c');

test('pause while the guest runs: host frames labelled, kernel frame focused; continue; stop', () => withSession('pause', async (dc, umid, out) => {
  await launch(dc, testKernel(), { rootfs: loop, umid });
  await waitForOutput(dc, /READ 2/, out);
  const stopped = nextStop(dc);
  await dc.pauseRequest({ threadId: 1 });
  const ev = await stopped;
  assert.strictEqual(ev.body.reason, 'pause');
  const st = await dc.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 40 });
  const frames = st.body.stackFrames;
  const firstKernel = frames.findIndex((f) => !f.name.startsWith('[host] '));
  assert.ok(firstKernel >= 0, `a kernel frame below the host frames: ${frames.map((f) => f.name).join(', ')}`);
  for (const f of frames.slice(0, firstKernel)) assert.strictEqual(f.presentationHint, 'subtle');
  assert.ok(frames[firstKernel].source?.path, 'the kernel frame has source');
  assert.notStrictEqual(frames[firstKernel].source!.presentationHint, 'deemphasize');
  // The guest goes on after continue.
  const before = out.text().match(/READ \d+/g)!.length;
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await waitForOutput(dc, new RegExp(`READ ${before + 3}\\b`), out);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('a breakpoint set while the guest runs is hit; removing it while running lets the guest go on', () => withSession('running-bp', async (dc, umid, out) => {
  let stops = 0;
  dc.on('stopped', () => { stops++; });
  await launch(dc, testKernel(), { rootfs: loop, umid });
  await waitForOutput(dc, /READ 2/, out);
  assert.strictEqual(stops, 0, 'the invisible interrupt is not reported as a stop');
  const stopped = nextStop(dc);
  const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] });
  assert.strictEqual(r.body.breakpoints[0].verified, true);
  const ev = await stopped;
  assert.strictEqual(ev.body.reason, 'breakpoint');
  assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'cmdline_proc_show');
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  await dc.continueRequest({ threadId: ev.body.threadId! });
  const n = Number(/READ (\d+)(?![\s\S]*READ)/.exec(out.text())![1]);
  await waitForOutput(dc, new RegExp(`READ ${n + 2}\\b`), out);
  // Set and remove again while running: still no visible stop.
  const stopsBefore = stops;
  await dc.setBreakpointsRequest({ source: { path: cmdlineC() }, breakpoints: [{ line: 9, condition: '0' }] });
  await dc.setBreakpointsRequest({ source: { path: cmdlineC() }, breakpoints: [] });
  await waitForOutput(dc, new RegExp(`READ ${n + 4}\\b`), out);
  assert.strictEqual(stops, stopsBefore);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('conditional breakpoint: a false condition never stops, a true one does', async () => {
  await withSession('cond', async (dc, umid, out) => {
    let stops = 0;
    dc.on('stopped', () => { stops++; });
    const terminated = dc.waitForEvent('terminated', 60000);
    await launch(dc, testKernel(), { rootfs: once, umid }, async () => {
      const r = await dc.setBreakpointsRequest({ source: { path: cmdlineC() }, breakpoints: [{ line: 9, condition: 'm->size == 12345' }] });
      assert.strictEqual(r.body.breakpoints[0].verified, true);
    });
    await terminated;
    assert.strictEqual(stops, 0);
    assert.match(out.text(), /READS-DONE/);
  });
  await withSession('cond2', async (dc, umid) => {
    const stopped = nextStop(dc);
    await launch(dc, testKernel(), { rootfs: once, umid }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show', condition: 'm->size > 0 && v == (void *)1' }] }));
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'breakpoint');
    const top = await topFrame(dc, ev.body.threadId!);
    const v = await dc.evaluateRequest({ expression: 'v', frameId: top.id, context: 'watch' });
    assert.strictEqual(v.body.result, '0x1');
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
});

test('hit count: stops on the Nth call, even when UML signals interrupt the step over the breakpoint', () => withSession('hits', async (dc, umid) => {
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs: once, umid }, () =>
    dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show', hitCondition: '3' }] }));
  const ev = await stopped;
  const top = await topFrame(dc, ev.body.threadId!);
  assert.strictEqual(top.name, 'cmdline_proc_show');
  // The guest marks each read in the kernel log before it: the third read is the one stopped in.
  // (gdb's own "already hit" count is no oracle: it counts a trap re-executed after a signal.)
  const log = await dc.evaluateRequest({ expression: '-exec lx-dmesg', context: 'repl', frameId: top.id });
  assert.deepStrictEqual(log.body.result.match(/READ \d/g), ['READ 1', 'READ 2', 'READ 3']);
  const bad = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show', hitCondition: '%2' }] });
  assert.strictEqual(bad.body.breakpoints[0].verified, false);
  assert.match(bad.body.breakpoints[0].message!, />=N/);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('logpoint: logs with expressions evaluated, never stops', () => withSession('log', async (dc, umid, out) => {
  let stops = 0;
  dc.on('stopped', () => { stops++; });
  const terminated = dc.waitForEvent('terminated', 60000);
  await launch(dc, testKernel(), { rootfs: once, umid }, () =>
    dc.setBreakpointsRequest({ source: { path: cmdlineC() }, breakpoints: [{ line: 9, logMessage: 'show v={v} size>0={m->size > 0}' }] }));
  await terminated;
  assert.strictEqual(stops, 0);
  const logged = out.text().match(/show v=0x1 size>0=1/g) ?? [];
  assert.ok(logged.length >= 3, `logged once per hit, at least 3: ${logged.length}`);
  assert.match(out.text(), /READS-DONE/);
}));

test('gdb commands in the debug console, setVariable, registers, lazy struct paging', () => withSession('repl', async (dc, umid) => {
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs: once, umid }, () =>
    dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] }));
  const ev = await stopped;
  const top = await topFrame(dc, ev.body.threadId!);
  const lx = await dc.evaluateRequest({ expression: '-exec lx-cmdline', context: 'repl', frameId: top.id });
  assert.match(lx.body.result, /mem=128M .*rootfstype=hostfs/);
  const ps = await dc.evaluateRequest({ expression: '> lx-ps', context: 'repl', frameId: top.id });
  assert.match(ps.body.result, /\binit\b|\bcat\b/);
  await assert.rejects(dc.evaluateRequest({ expression: '-exec no-such-command', context: 'repl', frameId: top.id }), /Undefined command/);
  await assert.rejects(dc.evaluateRequest({ expression: 'no_such_symbol + 1', context: 'watch', frameId: top.id }), /No symbol/);

  const scopes = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
  const args = scopes.find((s) => s.presentationHint === 'arguments')!;
  const set = await dc.setVariableRequest({ variablesReference: args.variablesReference, name: 'v', value: '(void *)2' });
  assert.strictEqual(set.body.value, '0x2');
  const v = await dc.evaluateRequest({ expression: 'v', frameId: top.id, context: 'watch' });
  assert.strictEqual(v.body.result, '0x2');

  const regs = (await dc.variablesRequest({ variablesReference: scopes.find((s) => s.presentationHint === 'registers')!.variablesReference })).body.variables;
  assert.ok(regs.some((r) => r.name === 'rip' && /^0x/.test(r.value)), 'rip listed');
  assert.ok(regs.length <= 30, 'general registers only');

  // A big kernel struct, expanded through a watch: children on demand, arrays paged.
  const task = await dc.evaluateRequest({ expression: '*(struct task_struct *)cpu_tasks[0].task', frameId: top.id, context: 'watch' });
  assert.ok(task.body.variablesReference > 0);
  const fields = (await dc.variablesRequest({ variablesReference: task.body.variablesReference })).body.variables;
  const comm = fields.find((f) => f.name === 'comm')!;
  assert.match(comm.value, /"cat"/);
  assert.strictEqual(comm.evaluateName, '(*(struct task_struct *)cpu_tasks[0].task).comm');
  const page = await dc.variablesRequest({ variablesReference: comm.variablesReference, start: 1, count: 2 });
  assert.deepStrictEqual(page.body.variables.map((c) => c.name), ['[1]', '[2]']);
  assert.deepStrictEqual(page.body.variables.map((c) => c.value), ["97 'a'", "116 't'"]);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('stopOnEntry stops at start_kernel; step in and step out', () => withSession('entry', async (dc, umid) => {
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs: once, umid, stopOnEntry: true });
  const ev = await stopped;
  assert.strictEqual(ev.body.reason, 'entry');
  assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'start_kernel');
  // Step into the first call of start_kernel, then out again.
  const bp = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'setup_arch' }] });
  assert.ok(bp.body.breakpoints[0].verified);
  let s = nextStop(dc);
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await s;
  s = nextStop(dc);
  await dc.stepOutRequest({ threadId: ev.body.threadId! });
  const out = await s;
  assert.strictEqual(out.body.reason, 'step');
  assert.strictEqual((await topFrame(dc, out.body.threadId!)).name, 'start_kernel');
  s = nextStop(dc);
  await dc.stepInRequest({ threadId: out.body.threadId! });
  assert.strictEqual((await s).body.reason, 'step');
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('a kernel panic stops at panic() as an exception; continue ends the session', async () => {
  const dying = makeRootfs('echo INIT-EXITS\nexit 3');
  try {
    await withSession('panic', async (dc, umid, out) => {
      const stopped = nextStop(dc);
      await launch(dc, testKernel(), { rootfs: dying, umid });
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'exception');
      assert.match(ev.body.text ?? '', /^Kernel panic/);
      assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'panic');
      const terminated = dc.waitForEvent('terminated', 60000);
      await dc.continueRequest({ threadId: ev.body.threadId! });
      await terminated;
      assert.match(out.text(), /Attempted to kill init/);
    });
  } finally {
    removeRootfs(dying);
  }
});
