// Exception breakpoint filters on the real kernel: LKDTM (the kernel's crash-test facility, built
// into the test kernel) provokes a WARN, a BUG and a kernel-mode fault; sysrq a panic; a shell
// kills itself with SIGSEGV. Each filter on stops with the kernel's own message; off, the
// guest goes on.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { testKernel, testKernelDir, rootfsPool } from '../support/testKernel';
import { launch, nextStop, waitForOutput, withSession } from '../support/dap';

const LKDTM = 'mount -t debugfs none /sys/kernel/debug';
const provoke = (what: string) => `echo ${what} > /sys/kernel/debug/provoke-crash/DIRECT`;
const pool = rootfsPool(LKDTM);
const rootfs = pool.make;
before(() => testKernelDir());
after(() => pool.removeAll());

const filters = (dc: DebugClient, f: string[]) => () => dc.setExceptionBreakpointsRequest({ filters: f });

test('the filters are offered: panic and oops/BUG on by default, WARN and crashes off', () => withSession('exc-caps', async (dc) => {
  const caps = (await dc.initializeRequest()).body!;
  assert.deepStrictEqual(caps.exceptionBreakpointFilters!.map((f) => [f.filter, !!f.default]), [['panic', true], ['oops', true], ['warn', false], ['signal', false]]);
  assert.strictEqual(caps.supportsExceptionInfoRequest, true);
}));

test('WARN and a crashed guest process stop with their messages; with the filters off the guest goes on', async () => {
  const r = rootfs(`${provoke('WARNING')}\necho AFTER-WARN\nsh -c 'kill -SEGV $$'\necho AFTER-SEGV\npoweroff -f`);
  await withSession('exc-warn', async (dc, umid, out) => {
    const warned = nextStop(dc);
    await launch(dc, testKernel(), { rootfs: r, umid }, filters(dc, ['panic', 'warn', 'signal']));
    const w = await warned;
    assert.strictEqual(w.body.reason, 'exception');
    assert.match(w.body.text ?? '', /^WARNING at drivers\/misc\/lkdtm\/bugs\.c:\d+ \(lkdtm_WARNING\+\d+\)/);
    const info = await dc.customRequest('exceptionInfo', { threadId: w.body.threadId });
    assert.strictEqual(info.body.exceptionId, 'WARN');
    assert.strictEqual(info.body.description, w.body.text);
    const crashed = nextStop(dc);
    await dc.continueRequest({ threadId: w.body.threadId! });
    const c = await crashed;
    assert.strictEqual(c.body.reason, 'exception');
    assert.match(c.body.text ?? '', /^Guest process sh \(pid \d+\) killed by SIGSEGV/);
    assert.match(out.text(), /AFTER-WARN/);
    await dc.continueRequest({ threadId: c.body.threadId! });
    await waitForOutput(dc, /AFTER-SEGV/, out);
  });
  await withSession('exc-warn-off', async (dc, umid, out) => {
    let stops = 0;
    dc.on('stopped', () => { stops++; });
    await launch(dc, testKernel(), { rootfs: r, umid }, filters(dc, ['panic']));
    await waitForOutput(dc, /AFTER-SEGV/, out);
    assert.strictEqual(stops, 0, 'no stop with WARN and crashes off');
    assert.match(out.text(), /WARNING: CPU: 0 PID: \d+ at drivers\/misc\/lkdtm\/bugs\.c/);
  });
});

test('an oops (kernel-mode fault) stops with its address and ip; with Oops / BUG only, a plain panic does not stop', async () => {
  const fault = rootfs(provoke('EXCEPTION'));
  await withSession('exc-oops', async (dc, umid) => {
    const stopped = nextStop(dc);
    await launch(dc, testKernel(), { rootfs: fault, umid }, filters(dc, ['oops']));
    const s = await stopped;
    assert.strictEqual(s.body.reason, 'exception');
    assert.match(s.body.text ?? '', /^Oops: Kernel mode fault at addr 0x0, ip 0x[0-9a-f]+ \(lkdtm_EXCEPTION\+\d+\)/);
    assert.strictEqual((await dc.customRequest('exceptionInfo', { threadId: s.body.threadId })).body.exceptionId, 'oops');
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
  const crash = rootfs('echo c > /proc/sysrq-trigger');
  await withSession('exc-panic-off', async (dc, umid, out) => {
    let stops = 0;
    dc.on('stopped', () => { stops++; });
    const ended = dc.waitForEvent('terminated', 60000);
    await launch(dc, testKernel(), { rootfs: crash, umid }, filters(dc, ['oops']));
    await ended;
    assert.strictEqual(stops, 0, 'a sysrq panic is no oops');
    assert.match(out.text(), /Kernel panic - not syncing: sysrq triggered crash/);
  });
});

test('BUG() and a sysrq panic stop with "Kernel panic" on', async () => {
  const bug = rootfs(provoke('BUG'));
  await withSession('exc-bug', async (dc, umid) => {
    const stopped = nextStop(dc);
    await launch(dc, testKernel(), { rootfs: bug, umid }, filters(dc, ['panic']));
    const s = await stopped;
    assert.match(s.body.text ?? '', /^BUG\(\) hit/);
    assert.strictEqual((await dc.customRequest('exceptionInfo', { threadId: s.body.threadId })).body.exceptionId, 'BUG');
    const st = await dc.stackTraceRequest({ threadId: s.body.threadId!, startFrame: 0, levels: 5 });
    assert.strictEqual(st.body.stackFrames[1].name, 'lkdtm_BUG', 'the BUG() site is the caller frame');
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
  const crash = rootfs('echo c > /proc/sysrq-trigger');
  await withSession('exc-panic', async (dc, umid) => {
    const stopped = nextStop(dc);
    await launch(dc, testKernel(), { rootfs: crash, umid }, filters(dc, ['panic']));
    assert.match((await stopped).body.text ?? '', /^Kernel panic: sysrq triggered crash/);
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
});
