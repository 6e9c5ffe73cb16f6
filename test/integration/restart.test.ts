// Restart: the guest reboots under the same gdb; breakpoints stay and are hit again, the old
// kernel and its processes are gone.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launch, nextStop, topFrame, withSession } from '../support/dap';
import { isAlive } from '../../src/uml/host';

let rootfs: string;
before(() => { testKernelDir(); rootfs = makeRootfs('echo BOOTED\ncat /proc/cmdline >/dev/null\nsleep 600'); });
after(() => removeRootfs(rootfs));

const pidOf = (umid: string) => Number(fs.readFileSync(path.join(os.homedir(), '.uml', umid, 'pid'), 'utf8'));

test('restart reboots the guest under the same gdb: the breakpoint is hit again in a new kernel, the old one is gone', () => withSession('restart', async (dc, umid, out) => {
  const caps = (await dc.initializeRequest()).body!;
  assert.strictEqual(caps.supportsRestartRequest, true);
  const first = nextStop(dc);
  await launch(dc, testKernel(), { rootfs, umid }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show', hitCondition: '1' }] }));
  const ev = await first;
  const oldPid = pidOf(umid);
  assert.strictEqual((out.text().match(/BOOTED/g) ?? []).length, 1);

  const again = nextStop(dc);
  const continued = dc.waitForEvent('continued');
  await dc.customRequest('restart', {});
  await continued;
  const ev2 = await again;
  assert.strictEqual(ev2.body.reason, 'breakpoint', 'the hit condition counts from zero in the new boot');
  assert.strictEqual((await topFrame(dc, ev2.body.threadId!)).name, 'cmdline_proc_show');
  assert.strictEqual((out.text().match(/BOOTED/g) ?? []).length, 2, 'the guest booted twice');
  const newPid = pidOf(umid);
  assert.notStrictEqual(newPid, oldPid);
  assert.strictEqual(isAlive(oldPid), false, `the old kernel ${oldPid} is gone`);
  assert.ok(ev.body.threadId);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));
