// Data breakpoints (gdb hardware watchpoints) on the real kernel: a sysctl the guest writes and
// reads, values that cannot be watched, and more watchpoints than the CPU has debug registers.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launchToFunction, nextStop, topFrame, waitForOutput, withSession } from '../support/dap';

let rootfs: string;
before(() => {
  testKernelDir();
  // kernel.panic is the int panic_timeout: written by echo, read by cat.
  rootfs = makeRootfs('cat /proc/cmdline >/dev/null\necho 42 > /proc/sys/kernel/panic\necho WROTE\ncat /proc/sys/kernel/panic\necho READ-DONE\npoweroff -f');
});
after(() => removeRootfs(rootfs));

test('a write watchpoint stops with the old and new value; a read watchpoint stops on the read', () => withSession('watch', async (dc, umid, out) => {
  const { t, frame } = await launchToFunction(dc, testKernel(), { rootfs, umid });
  const info = await dc.customRequest('dataBreakpointInfo', { name: 'panic_timeout', frameId: frame.id });
  assert.match(info.body.dataId, /panic_timeout/);
  assert.match(info.body.description, /^panic_timeout \(4 bytes at 0x[0-9a-f]+\)$/);
  assert.deepStrictEqual(info.body.accessTypes, ['write', 'read', 'readWrite']);
  const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
  assert.strictEqual(set.body.breakpoints[0].verified, true, JSON.stringify(set.body.breakpoints[0]));
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });

  const written = nextStop(dc);
  await dc.continueRequest({ threadId: t });
  const w = await written;
  assert.strictEqual(w.body.reason, 'data breakpoint');
  assert.match(w.body.text ?? '', /: 0 -> 42$/);
  assert.deepStrictEqual(w.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
  assert.doesNotMatch(out.text(), /WROTE/, 'stopped while the guest wrote');

  // Now on reads: `cat` reads it.
  const readSet = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'read' }] });
  assert.strictEqual(readSet.body.breakpoints[0].verified, true, JSON.stringify(readSet.body.breakpoints[0]));
  const read = nextStop(dc);
  await dc.continueRequest({ threadId: t });
  const r = await read;
  assert.strictEqual(r.body.reason, 'data breakpoint');
  assert.match(out.text(), /WROTE/);
  assert.match(r.body.text ?? '', /\(read\): 42$|: 42$/);
  await dc.customRequest('setDataBreakpoints', { breakpoints: [] });
  await dc.continueRequest({ threadId: t });
  await waitForOutput(dc, /READ-DONE/, out);
}));

test('what cannot be watched is refused with the reason; more watchpoints than debug registers: a clear error, and the session goes on', () => withSession('watch-bad', async (dc, umid, out) => {
  const { t, frame } = await launchToFunction(dc, testKernel(), { rootfs, umid });
  const info = (name: string) => dc.customRequest('dataBreakpointInfo', { name, frameId: frame.id }).then((r) => r.body);
  const notLvalue = await info('panic_timeout + 1');
  assert.strictEqual(notLvalue.dataId, null);
  assert.match(notLvalue.description, /^Cannot watch panic_timeout \+ 1: /);
  const huge = await info('init_task');
  assert.strictEqual(huge.dataId, null);
  assert.match(huge.description, /more than the CPU's debug registers cover/);

  // Five 8-byte values: one more than x86's four debug registers.
  const ids = [];
  for (const name of ['saved_command_line', 'jiffies_64', 'init_task.utime', 'init_task.stime', 'init_task.nvcsw']) ids.push((await info(name)).dataId);
  const set = await dc.customRequest('setDataBreakpoints', { breakpoints: ids.map((dataId) => ({ dataId })) });
  assert.ok(set.body.breakpoints.every((b: { verified: boolean }) => b.verified), JSON.stringify(set.body.breakpoints));
  // gdb places them when the guest resumes: it answers the continue, then cannot, and the
  // kernel stays stopped. The user sees a stop saying why (or the continue's error, if gdb
  // refuses at once).
  const refusedStop = nextStop(dc);
  const refused = await dc.continueRequest({ threadId: t }).then(() => undefined, (e: Error) => e);
  const said = refused?.message ?? (await refusedStop).body.text ?? '';
  assert.match(said, /^Too many data breakpoints for the CPU's 4 debug registers .*the guest did not resume/);
  // Still stopped, still usable: drop them and go on.
  assert.strictEqual((await topFrame(dc, t)).name, 'cmdline_proc_show');
  await dc.customRequest('setDataBreakpoints', { breakpoints: [] });
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  await dc.continueRequest({ threadId: t });
  await waitForOutput(dc, /READ-DONE/, out);
}));
