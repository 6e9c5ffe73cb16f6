// Data breakpoints (gdb hardware watchpoints) on the real kernel: a sysctl the guest writes and
// reads, values that cannot be watched, and more watchpoints than the CPU has debug registers.
// Each test asserts what is true on this host: the product's own probe says whether the host
// delivers hardware watchpoint traps; where it does not, every data breakpoint is refused with
// the host named (Breakpoints response and Debug Console) and the guest runs on.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launchToFunction, nextStop, topFrame, waitForOutput, withSession } from '../support/dap';
import { hwWatch, hwWatchRefusal } from '../../src/hostcompat/hwWatch';

let rootfs: string;
/** Why this host cannot stop on a watchpoint (the adapter's own words), or undefined where it can. */
let hostRefusal: string | undefined;

/** The Debug Console's 'important' lines (the adapter's word to the user, not the guest's). */
function importantOutput(dc: DebugClient): () => string {
  let said = '';
  dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'important') said += e.body.output; });
  return () => said;
}

/** A refused data breakpoint on this host: the host named, what would help, nothing in gdb. */
function assertRefusedByHost(bp: DebugProtocol.Breakpoint, label: string): void {
  assert.deepStrictEqual(bp, { verified: false, message: `Cannot watch ${label}: ${hostRefusal}` });
}

before(async () => {
  testKernelDir();
  const host = await hwWatch('gdb');
  assert.notStrictEqual(host.traps, 'unknown', `the hardware watchpoint probe could not tell on this host: ${host.detail}`);
  hostRefusal = hwWatchRefusal(host);
  if (hostRefusal) assert.match(hostRefusal, /^This host .*hardware watchpoint.*Use a host or VM with debug-register support\.$/);
  // kernel.panic is the int panic_timeout: written by echo, read by cat.
  rootfs = makeRootfs('cat /proc/cmdline >/dev/null\necho 42 > /proc/sys/kernel/panic\necho WROTE\ncat /proc/sys/kernel/panic\necho READ-DONE\npoweroff -f');
});
after(() => removeRootfs(rootfs));

test('a write watchpoint stops with the old and new value; a read watchpoint stops on the read (or, on a host without the traps, both are refused with the host named)', () => withSession('watch', async (dc, umid, out) => {
  const important = importantOutput(dc);
  const { t, frame } = await launchToFunction(dc, testKernel(), { rootfs, umid });
  const info = await dc.customRequest('dataBreakpointInfo', { name: 'panic_timeout', frameId: frame.id });
  assert.match(info.body.dataId, /panic_timeout/);
  assert.match(info.body.description, /^panic_timeout \(4 bytes at 0x[0-9a-f]+\)$/);
  assert.deepStrictEqual(info.body.accessTypes, ['write', 'read', 'readWrite']);
  const [args] = (await dc.scopesRequest({ frameId: frame.id })).body.scopes;
  const m = (await dc.variablesRequest({ variablesReference: args.variablesReference })).body.variables.find((v) => v.name === 'm')!;
  const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  if (hostRefusal) {
    assertRefusedByHost(set.body.breakpoints[0], 'panic_timeout');
    const readSet = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'read' }] });
    assertRefusedByHost(readSet.body.breakpoints[0], 'panic_timeout');
    assert.strictEqual(important().split(hostRefusal).length - 1, 1, `said once in the Debug Console:\n${important()}`);
    // Nothing is watched: the guest writes and reads the value without a stop.
    let stops = 0;
    dc.on('stopped', () => stops++);
    await dc.continueRequest({ threadId: t });
    await waitForOutput(dc, /WROTE[\s\S]*READ-DONE/, out);
    assert.strictEqual(stops, 0);
    return;
  }
  assert.strictEqual(set.body.breakpoints[0].verified, true, JSON.stringify(set.body.breakpoints[0]));
  assert.doesNotMatch(important(), /This host/);

  const written = nextStop(dc);
  await dc.continueRequest({ threadId: t });
  const w = await written;
  assert.strictEqual(w.body.reason, 'data breakpoint');
  assert.match(w.body.text ?? '', /: 0 -> 42$/);
  assert.deepStrictEqual(w.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
  assert.doesNotMatch(out.text(), /WROTE/, 'stopped while the guest wrote');
  // The arguments listed at the first stop belong to it: the guest has run since.
  const stale = await dc.customRequest('dataBreakpointInfo', { name: 'count', variablesReference: m.variablesReference });
  assert.strictEqual(stale.body.dataId, null);
  assert.strictEqual(stale.body.description, 'count: the guest ran since it was listed (it belongs to an earlier stop): open it again at this stop to watch it.');

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

test('what cannot be watched is refused with the reason; a member of a struct never expanded can be watched; more watchpoints than debug registers: a clear error (or the host\'s refusal), and the session goes on', () => withSession('watch-bad', async (dc, umid, out) => {
  const { t, frame } = await launchToFunction(dc, testKernel(), { rootfs, umid });
  // `m` (struct seq_file *) is listed, its members are not: asked by name under `m`.
  const [args] = (await dc.scopesRequest({ frameId: frame.id })).body.scopes;
  const m = (await dc.variablesRequest({ variablesReference: args.variablesReference })).body.variables.find((v) => v.name === 'm')!;
  assert.ok(m.variablesReference > 0, JSON.stringify(m));
  const count = (await dc.customRequest('dataBreakpointInfo', { name: 'count', variablesReference: m.variablesReference })).body;
  assert.match(count.description, /^\(m\)->count \(8 bytes at 0x[0-9a-f]+\)$/);
  assert.deepStrictEqual(JSON.parse(count.dataId).label, '(m)->count');
  const opened = (await dc.variablesRequest({ variablesReference: m.variablesReference })).body.variables.find((v) => v.name === 'count')!;
  assert.strictEqual(opened.evaluateName, '(m)->count', 'the same expression the expanded view shows');
  const info = (name: string) => dc.customRequest('dataBreakpointInfo', { name, frameId: frame.id }).then((r) => r.body);
  const notLvalue = await info('panic_timeout + 1');
  assert.strictEqual(notLvalue.dataId, null);
  assert.match(notLvalue.description, /^Cannot watch panic_timeout \+ 1: /);
  const huge = await info('init_task');
  assert.strictEqual(huge.dataId, null);
  assert.match(huge.description, /more than the CPU's debug registers cover/);

  // Five 8-byte values: one more than x86's four debug registers.
  const ids: string[] = [];
  for (const name of ['saved_command_line', 'jiffies_64', 'init_task.utime', 'init_task.stime', 'init_task.nvcsw']) ids.push((await info(name)).dataId);
  const set = await dc.customRequest('setDataBreakpoints', { breakpoints: ids.map((dataId) => ({ dataId })) });
  if (hostRefusal) {
    // None reaches gdb: the guest resumes, and nothing stops it.
    set.body.breakpoints.forEach((b: DebugProtocol.Breakpoint, i: number) => assertRefusedByHost(b, JSON.parse(ids[i]).label));
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: t });
    await waitForOutput(dc, /READ-DONE/, out);
    return;
  }
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
