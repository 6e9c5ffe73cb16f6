// Module symbols on the real kernel: an out-of-tree module built for the test kernel, a
// breakpoint in its init function set before insmod (pending, then verified and hit), the
// Modules view, the kernel log with the module's printk, and lx-symbols explained.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { buildTestModule } from '../support/testModule';
import { launch, nextStop, waitForOutput, withSession } from '../support/dap';

let moduleDir: string;
let rootfs: string;
before(() => {
  testKernelDir();
  moduleDir = buildTestModule();
  rootfs = makeRootfs('echo BEFORE-INSMOD\ninsmod /ukd_hello.ko\necho INSMOD-DONE\ncat /proc/cmdline >/dev/null\npoweroff -f');
  fs.copyFileSync(path.join(moduleDir, 'ukd_hello.ko'), path.join(rootfs, 'ukd_hello.ko'));
});
after(() => { removeRootfs(rootfs); fs.rmSync(moduleDir, { recursive: true, force: true }); });

test('a breakpoint in a module\'s init, set before insmod, is pending, then verified and hit; Modules view; kernel log', () => withSession('modules', async (dc, umid, out) => {
  const source = path.join(moduleDir, 'ukd_hello.c');
  const changed: DebugProtocol.Breakpoint[] = [];
  dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e.body.breakpoint));
  const moduleEvents: DebugProtocol.ModuleEvent[] = [];
  dc.on('module', (e: DebugProtocol.ModuleEvent) => moduleEvents.push(e));
  let pending: DebugProtocol.Breakpoint | undefined;
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs, umid, moduleSearchPath: [moduleDir] }, async () => {
    pending = (await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: 11 }] })).body.breakpoints[0];
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] });
  });
  assert.strictEqual(pending?.verified, false, 'pending before the module is loaded');
  const ev = await stopped;
  assert.strictEqual(ev.body.reason, 'breakpoint');
  const st = await dc.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 5 });
  assert.strictEqual(st.body.stackFrames[0].name, 'ukd_hello_init', `stopped in ${st.body.stackFrames[0].name}; output:\n${out.text().slice(-2500)}`);
  assert.strictEqual(st.body.stackFrames[0].line, 11);
  assert.strictEqual(st.body.stackFrames[0].source?.path, source);
  assert.ok(changed.some((b) => b.id === pending!.id && b.verified), `the pending breakpoint became verified: ${JSON.stringify(changed)}`);
  const counter = await dc.evaluateRequest({ expression: 'ukd_counter', frameId: st.body.stackFrames[0].id, context: 'watch' });
  assert.strictEqual(counter.body.result, '42');

  assert.ok(moduleEvents.some((e) => e.body.reason === 'new' && e.body.module.name === 'ukd_hello'), 'a module event');
  const mods = (await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
  const mod = mods.find((m) => m.name === 'ukd_hello');
  assert.strictEqual(mod?.symbolStatus, 'Symbols loaded');
  assert.strictEqual(mod?.path, path.join(moduleDir, 'ukd_hello.ko'));
  assert.match(mod?.addressRange ?? '', /^0x[0-9a-f]+-0x[0-9a-f]+$/);
  assert.match(out.text(), /Module ukd_hello loaded at 0x[0-9a-f]+: symbols from .*ukd_hello\.ko/);

  // On to cmdline_proc_show: the module's printk is in the kernel log, after the boot messages.
  const next = nextStop(dc);
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await next;
  await waitForOutput(dc, /INSMOD-DONE/, out);
  const log = (await dc.customRequest('umlKernelLog', {})).body as { lines: string[]; total: number };
  assert.match(log.lines[0], /^\[\s*0\.0+\] Linux version 6\.1/);
  assert.ok(log.lines.some((l) => /^\[\s*\d+\.\d+\] ukd_hello: loaded, counter 42$/.test(l)), log.lines.slice(-5).join('\n'));
  const again = (await dc.customRequest('umlKernelLog', { after: log.total })).body as { lines: string[]; total: number };
  assert.deepStrictEqual(again.lines, [], 'only new records');

  const lx = await dc.evaluateRequest({ expression: '-exec lx-symbols', context: 'repl' });
  assert.match(lx.body.result, /lx-symbols looks for an objfile named vmlinux/);
  const cur = await dc.evaluateRequest({ expression: '$lx_current().comm', context: 'repl', frameId: (await dc.stackTraceRequest({ threadId: ev.body.threadId!, levels: 1 })).body.stackFrames[0].id }).then(() => undefined, (e: Error) => e);
  assert.match(cur?.message ?? '', /cpu_tasks\[0\]\.task/);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));
