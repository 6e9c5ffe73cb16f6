// A frozen guest clock: with timeTravel, a stop in the debugger does not advance the guest's
// time (UML's time-travel mode), so no timeout fires on continue. Without the kernel option, the
// launch says what to enable.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launchToFunction, waitForOutput, withSession, startClient, stopClient } from '../support/dap';

let rootfs: string;
before(() => { testKernelDir(); rootfs = makeRootfs('echo "UPTIME-A $(cut -d" " -f1 /proc/uptime)"\ncat /proc/cmdline >/dev/null\necho "UPTIME-B $(cut -d" " -f1 /proc/uptime)"\npoweroff -f'); });
after(() => removeRootfs(rootfs));

/** Stops at the breakpoint between the two uptime lines for `ms`, then continues: the uptime advance. */
async function uptimeAcross(tag: string, timeTravel: string, ms: number): Promise<number> {
  let advance = NaN;
  await withSession(tag, async (dc, umid, out) => {
    const { t } = await launchToFunction(dc, testKernel(), { rootfs, umid, timeTravel });
    assert.match(out.text(), /UPTIME-A \d+\.\d+/);
    await new Promise((r) => setTimeout(r, ms));
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: t });
    await waitForOutput(dc, /UPTIME-B \d+\.\d+/, out);
    advance = Number(/UPTIME-B (\d+\.\d+)/.exec(out.text())![1]) - Number(/UPTIME-A (\d+\.\d+)/.exec(out.text())![1]);
  });
  return advance;
}

// The acceptance: a minute at a breakpoint.
test('timeTravel inf-cpu: stopped 60 s at a breakpoint, the guest\'s uptime advances by less than 1 s across the stop', async () => {
  const advance = await uptimeAcross('timetravel', 'inf-cpu', 60000);
  assert.ok(advance < 1, `uptime advanced ${advance} s across a 60 s stop`);
});

test('timeTravel off (the control): the guest\'s uptime follows the host clock across a 10 s stop', async () => {
  const advance = await uptimeAcross('timetravel-off', 'off', 10000);
  assert.ok(advance >= 9.5, `uptime advanced only ${advance} s across a 10 s stop`);
});

test('timeTravel with a kernel built without CONFIG_UML_TIME_TRAVEL_SUPPORT: a clear error naming the option', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-'));
  const dc = await startClient();
  try {
    // The same kernel beside a .config that lacks the option (a copy; the tree is not touched).
    fs.copyFileSync(fs.realpathSync(testKernel()), path.join(dir, 'linux'));  // a copy: its directory's .config is what counts
    fs.writeFileSync(path.join(dir, '.config'), fs.readFileSync(path.join(testKernelDir(), '.config'), 'utf8').replace(/^CONFIG_UML_TIME_TRAVEL_SUPPORT=y$/m, '# CONFIG_UML_TIME_TRAVEL_SUPPORT is not set'));
    await dc.initializeRequest();
    const err = await dc.launchRequest({ kernel: path.join(dir, 'linux'), rootfs, timeTravel: 'basic', console: 'internalConsole' } as never).then(() => undefined, (e: Error) => e);
    assert.match(err?.message ?? 'launched', /"timeTravel" needs a kernel built with CONFIG_UML_TIME_TRAVEL_SUPPORT=y/);
  } finally {
    await stopClient(dc);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
