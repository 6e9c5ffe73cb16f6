// Kernel tasks as debugger threads on the real kernel: init and kthreadd listed with their comm,
// the running task first, and a guest process sleeping in the kernel shown with its own stack
// (unwound from its saved context) and variables; the running task's stack is untouched after.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launchToFunction, topFrame, withSession } from '../support/dap';

let rootfs: string;
before(() => { testKernelDir(); rootfs = makeRootfs('sleep 100 &\necho "SLEEPER $!"\nsleep 1\ncat /proc/cmdline >/dev/null\npoweroff -f'); });
after(() => removeRootfs(rootfs));

test('tasks as threads: running first, init and kthreadd by name, a sleeping process with its own stack and variables', () => withSession('tasks', async (dc, umid, out) => {
  const { ev, frame: before } = await launchToFunction(dc, testKernel(), { rootfs, umid });
  const threads = (await dc.threadsRequest()).body.threads;
  assert.match(threads[0].name, /^\[\d+\] cat \(running\)$/, `the running task first: ${threads.map((t) => t.name).join(', ')}`);
  assert.strictEqual(threads[0].id, ev.body.threadId);
  const named = (re: RegExp) => threads.find((t) => re.test(t.name));
  assert.ok(named(/^\[1\] init \(S: sleeping\)$/), 'init, pid 1');
  assert.ok(named(/^\[2\] kthreadd \(S: sleeping\)$/), 'kthreadd, pid 2');
  const sleeperPid = Number(/SLEEPER (\d+)/.exec(out.text())?.[1]);
  const sleeper = named(new RegExp(`^\\[${sleeperPid}\\] sleep \\(S: sleeping\\)$`));
  assert.ok(sleeper, `the sleeping guest process ${sleeperPid}: ${threads.map((t) => t.name).join(', ')}`);

  const st = await dc.stackTraceRequest({ threadId: sleeper!.id, startFrame: 0, levels: 30 });
  const names = st.body.stackFrames.map((f) => f.name.replace(/^\[host\] /, ''));
  for (const f of ['__schedule', 'schedule', 'do_nanosleep']) assert.ok(names.includes(f), `${f} in the sleeper's stack: ${names.join(' <- ')}`);
  const nanosleep = st.body.stackFrames[names.indexOf('do_nanosleep')];
  assert.match(nanosleep.source?.path ?? '', /kernel\/time\/hrtimer\.c$/);
  const scopes = await dc.scopesRequest({ frameId: nanosleep.id });
  const args = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  assert.ok(args.body.variables.some((v) => v.name === 't'), `do_nanosleep's argument t: ${JSON.stringify(args.body.variables)}`);

  // The running task is as it was: its stack, and Continue works.
  const after = await topFrame(dc, ev.body.threadId!);
  assert.deepStrictEqual([after.name, after.line, after.source?.path], [before.name, before.line, before.source?.path]);
  // ...and its frame ids still mean the same frames (v is cmdline_proc_show's, no inlined callee's).
  assert.match((await dc.evaluateRequest({ expression: 'v', frameId: before.id, context: 'watch' })).body.result, /^0x[0-9a-f]+$/);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  const ended = dc.waitForEvent('terminated', 60000);
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await ended;
}));
