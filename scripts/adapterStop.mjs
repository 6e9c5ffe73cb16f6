// The benchmarks' "launch -> first stop" through the standalone adapter (dist/debugAdapter.js
// over DAP): a function breakpoint set at `initialized`, timed from the launch request to the
// `stopped` event, which must be that breakpoint's. The session always ends; `cleanup` then
// sweeps what the launch may have left (a umid's processes, a QEMU).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { sleep } from '../test/support/shared.cjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');

export async function adapterLaunchToStop(launchArgs, func, cleanup = () => undefined) {
  const dc = new DebugClient('node', join(root, 'dist/debugAdapter.js'), 'uml');
  dc.defaultTimeout = 120000;
  await dc.start();
  try {
    const stopped = dc.waitForEvent('stopped', 120000);
    await dc.initializeRequest();
    const t0 = performance.now();
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: func }] })).then(() => dc.configurationDoneRequest()),
      dc.launchRequest(launchArgs),
    ]);
    const ev = await stopped;
    if (ev.body.reason !== 'breakpoint') throw new Error(`adapter: the first stop is ${ev.body.reason}, not the breakpoint at ${func}`);
    return performance.now() - t0;
  } finally {
    await Promise.race([dc.disconnectRequest({ terminateDebuggee: true }).catch(() => undefined), sleep(10000)]);
    dc.stopAdapter();
    cleanup();
  }
}
