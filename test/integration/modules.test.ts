// Module symbols on the real kernel (6.1's core_layout and 6.4+'s mem[] alike): an out-of-tree
// module built for the test kernel, with no moduleSearchPath: a breakpoint in its init function
// set before insmod (pending, then verified and hit; the .ko found next to its source), the .ko
// found in the hostfs root the guest loaded it from, and where the debugger looked when no .ko
// matches; the Modules view, the kernel log with the module's printk, and lx-symbols explained.
import { KERNEL_LOG_REQUEST, KernelLogResponse } from '../../src/shared/messages';
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, testKernelVersion, makeRootfs, removeRootfs } from '../support/testKernel';
import { buildTestModule } from '../support/testModule';
import { launch, nextStop, waitForOutput, withSession } from '../support/dap';

let moduleDir: string;
const roots: string[] = [];
/** A hostfs root whose init loads the test module from `guestPath` (a copy of the built .ko). */
function rootWithModule(guestPath: string): string {
  const rootfs = makeRootfs(`echo BEFORE-INSMOD\ninsmod ${guestPath}\necho INSMOD-DONE\ncat /proc/cmdline >/dev/null\npoweroff -f`);
  fs.mkdirSync(path.dirname(path.join(rootfs, guestPath)), { recursive: true });
  fs.copyFileSync(path.join(moduleDir, 'ukd_hello.ko'), path.join(rootfs, guestPath));
  roots.push(rootfs);
  return rootfs;
}
before(() => {
  testKernelDir();
  moduleDir = buildTestModule();
});
after(() => { for (const r of roots) removeRootfs(r); fs.rmSync(moduleDir, { recursive: true, force: true }); });

test('a breakpoint in a module\'s init, set before insmod with no moduleSearchPath, is pending, then verified and hit; Modules view; kernel log', () => withSession('modules', async (dc, umid, out) => {
  const rootfs = rootWithModule('/ukd_hello.ko');
  const source = path.join(moduleDir, 'ukd_hello.c');
  const changed: DebugProtocol.Breakpoint[] = [];
  dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e.body.breakpoint));
  const moduleEvents: DebugProtocol.ModuleEvent[] = [];
  dc.on('module', (e: DebugProtocol.ModuleEvent) => moduleEvents.push(e));
  let pending: DebugProtocol.Breakpoint | undefined;
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs, umid }, async () => {
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
  const data = await dc.evaluateRequest({ expression: 'ukd_data', frameId: st.body.stackFrames[0].id, context: 'watch' });
  assert.strictEqual(data.body.result, '7', 'a variable in .data is read at its load address');

  // A module's own lists, once "View as List of..." has said what they link: ukd_list whole,
  // ukd_broken shown corrupt where its second node's prev points back at itself.
  const here = st.body.stackFrames[0].id;
  for (const key of ['ukd_list', 'ukd_broken']) await dc.customRequest('umlKernelData', { container: { key, type: 'struct ukd_item', member: 'node' } });
  const items = async (expression: string) => {
    const r = await dc.evaluateRequest({ expression, frameId: here, context: 'watch' });
    assert.strictEqual(r.body.result, 'list of struct ukd_item (.node)');
    return (await dc.variablesRequest({ variablesReference: r.body.variablesReference })).body.variables;
  };
  const whole = await items('ukd_list');
  const ids = [];
  for (const e of whole.filter((x) => /^\[\d+\]$/.test(x.name))) ids.push((await dc.evaluateRequest({ expression: `${e.evaluateName}->id`, frameId: here, context: 'watch' })).body.result);
  assert.deepStrictEqual(ids, ['0', '1', '2']);
  assert.ok(!whole.some((e) => e.name === '[corrupt]'));
  const broken = await items('ukd_broken');
  assert.deepStrictEqual(broken.filter((x) => /^\[\d+\]$/.test(x.name)).map((x) => x.name), ['[0]'], 'listed up to the broken link');
  const node1 = BigInt((await dc.evaluateRequest({ expression: '(unsigned long) &ukd_broken_items[1].node', frameId: here, context: 'watch' })).body.result);
  const node0 = BigInt((await dc.evaluateRequest({ expression: '(unsigned long) &ukd_broken_items[0].node', frameId: here, context: 'watch' })).body.result);
  assert.strictEqual(broken.find((x) => x.name === '[corrupt]')?.value, `corrupt: node 0x${node1.toString(16)} ->prev points to 0x${node1.toString(16)}, not 0x${node0.toString(16)}`);

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
  const log = (await dc.customRequest(KERNEL_LOG_REQUEST, {})).body as KernelLogResponse;
  assert.match(log.lines[0], new RegExp(`^\\[\\s*0\\.0+\\] Linux version ${testKernelVersion().replace(/\./g, '\\.')}[.\\s]`));
  assert.ok(log.lines.some((l) => /^\[\s*\d+\.\d+\] ukd_hello: loaded, counter 42$/.test(l)), log.lines.slice(-5).join('\n'));
  const again = (await dc.customRequest(KERNEL_LOG_REQUEST, { after: log.total })).body as KernelLogResponse;
  assert.deepStrictEqual(again.lines, [], 'only new records');

  const lx = await dc.evaluateRequest({ expression: '-exec lx-symbols', context: 'repl' });
  assert.match(lx.body.result, /lx-symbols looks for an objfile named vmlinux/);
  // The kernel's own gdb scripts learned UML's current task in later kernels (cpus.py reads
  // cpu_tasks): there $lx_current() answers; where they do not, the error explains.
  const umlAware = fs.readFileSync(path.join(testKernelDir(), 'scripts', 'gdb', 'linux', 'cpus.py'), 'utf8').includes('cpu_tasks');
  const top = (await dc.stackTraceRequest({ threadId: ev.body.threadId!, levels: 1 })).body.stackFrames[0];
  if (umlAware) {
    const comm = await dc.evaluateRequest({ expression: '-exec p $lx_current().comm', context: 'repl', frameId: top.id });
    assert.match(comm.body.result, /= "cat"/, 'the task reading /proc/cmdline');
  } else {
    const cur = await dc.evaluateRequest({ expression: '$lx_current().comm', context: 'repl', frameId: top.id }).then(() => undefined, (e: Error) => e);
    assert.match(cur?.message ?? '', /cpu_tasks\[0\]\.task/);
  }
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('with no breakpoint in its source, a module\'s .ko is found in the hostfs root it was loaded from', () => withSession('modules-rootfs', async (dc, umid, out) => {
  const rootfs = rootWithModule('/lib/modules/extra/ukd_hello.ko');
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs, umid }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'ukd_hello_init' }] }));
  const ev = await stopped;
  const frame = (await dc.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 1 })).body.stackFrames[0];
  assert.strictEqual(frame.name, 'ukd_hello_init', `stopped in ${frame.name}; output:\n${out.text().slice(-2500)}`);
  const mod = ((await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[]).find((m) => m.name === 'ukd_hello');
  assert.strictEqual(mod?.path, path.join(rootfs, 'lib/modules/extra/ukd_hello.ko'));
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('a module whose .ko is nowhere to be found: the Debug Console and the Modules view say where the debugger looked', () => withSession('modules-missing', async (dc, umid, out) => {
  // The guest loads it under another file name: no ukd_hello.ko on the host matches.
  const rootfs = rootWithModule('/mystery.bin');
  const elsewhere = path.join(rootfs, 'etc', 'unrelated.c');
  fs.writeFileSync(elsewhere, 'int unrelated;\n');
  await launch(dc, testKernel(), { rootfs, umid }, async () => {
    await dc.setBreakpointsRequest({ source: { path: elsewhere }, breakpoints: [{ line: 1 }] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] });
  });
  const ev = await nextStop(dc);
  assert.strictEqual((await dc.stackTraceRequest({ threadId: ev.body.threadId!, levels: 1 })).body.stackFrames[0].name, 'cmdline_proc_show');
  const said = /Module ukd_hello loaded at 0x[0-9a-f]+: no symbols \(ukd_hello\.ko not found: looked in (.*); add its directory to "moduleSearchPath"\)/.exec(out.text());
  assert.ok(said, out.text().slice(-2500));
  assert.strictEqual(said[1], `next to the breakpoints' sources (${path.dirname(elsewhere)}), the root filesystem (${rootfs}), the kernel build directory (${testKernelDir()})`);
  const mod = ((await dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[]).find((m) => m.name === 'ukd_hello');
  assert.strictEqual(mod?.path, undefined);
  assert.strictEqual(mod?.symbolStatus, `No symbols (searched ${path.dirname(elsewhere)}, ${rootfs}, ${testKernelDir()})`);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));
