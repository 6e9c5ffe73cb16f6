// The heart of the product: F5, the guest boots, `cat /proc/cmdline` stops in cmdline_proc_show.
// Target-neutral (test/support/target.ts): UML_TEST_TARGET=qemu runs the same spec on QEMU.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { waitForOutput, nextStop } from '../support/dap';
import { TestGuest, makeGuest, withGuestSession, launchGuest } from '../support/target';

let guest: TestGuest;
before(() => { guest = makeGuest('echo GUEST-UP\ncat /proc/cmdline\necho READ-DONE\n$END'); });
after(() => guest?.remove());

async function launchAndStop(dc: DebugClient, name: string, setBps: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = nextStop(dc, 120000);
  await launchGuest(dc, guest, name, setBps);
  return stopped;
}

test('function breakpoint: stack, arguments, evaluate, step, continue to the guest\'s end', () => withGuestSession(guest, 'cmdline', async (dc, name, out) => {
  const ev = await launchAndStop(dc, name, async () => {
    const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] });
    assert.strictEqual(r.body.breakpoints[0].verified, true);
  });
  assert.strictEqual(ev.body.reason, 'breakpoint');

  const st = await dc.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 20 });
  const top = st.body.stackFrames[0];
  assert.strictEqual(top.name, 'cmdline_proc_show');
  assert.match(top.source!.path!, /fs\/proc\/cmdline\.c$/);
  assert.ok(st.body.stackFrames.some((f) => f.name === 'seq_read_iter'), 'seq_read_iter is a caller');
  assert.ok((st.body.totalFrames ?? 0) >= st.body.stackFrames.length);

  const scopes = await dc.scopesRequest({ frameId: top.id });
  const argsScope = scopes.body.scopes.find((s) => s.name === 'Arguments')!;
  const vars = await dc.variablesRequest({ variablesReference: argsScope.variablesReference });
  const names = vars.body.variables.map((v) => v.name);
  assert.deepStrictEqual(names, ['m', 'v']);
  const m = vars.body.variables[0];
  assert.match(m.type!, /struct seq_file \*/);
  assert.ok(m.variablesReference > 0, 'm expands');
  const fields = await dc.variablesRequest({ variablesReference: m.variablesReference });
  assert.ok(fields.body.variables.some((f) => f.name === 'buf'), 'struct seq_file has buf');

  const ev1 = await dc.evaluateRequest({ expression: 'saved_command_line', frameId: top.id, context: 'hover' });
  assert.match(ev1.body.result, guest.cmdlineMark(name));
  const ev2 = await dc.evaluateRequest({ expression: 'm->size > 0', frameId: top.id, context: 'watch' });
  assert.strictEqual(ev2.body.result, '1');

  const stepped = dc.waitForEvent('stopped');
  await dc.nextRequest({ threadId: ev.body.threadId! });
  const sev = (await stepped) as DebugProtocol.StoppedEvent;
  assert.strictEqual(sev.body.reason, 'step');
  const st2 = await dc.stackTraceRequest({ threadId: sev.body.threadId!, startFrame: 0, levels: 1 });
  assert.strictEqual(st2.body.stackFrames[0].name, 'cmdline_proc_show');
  assert.ok(st2.body.stackFrames[0].line > top.line, `next moved from ${top.line} to ${st2.body.stackFrames[0].line}`);

  // Remove the breakpoint and let the guest finish: it ends, and so does the session.
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  const terminated = dc.waitForEvent('terminated', 60000);
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await terminated;
  await waitForOutput(dc, /READ-DONE/, out);
  assert.match(out.text(), /GUEST-UP/);
}));

test('line breakpoint in fs/proc/cmdline.c', () => withGuestSession(guest, 'line', async (dc, name) => {
  const file = path.join(guest.tree, 'fs', 'proc', 'cmdline.c');
  // seq_puts's line: 9 on 6.1, 10 on 6.12 (an #include more). 6.12's build inlines seq_puts
  // there with no code of that line's own: gdb binds the next line, and the adapter says so.
  const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('seq_puts(m, saved_command_line)')) + 1;
  let bp: DebugProtocol.Breakpoint | undefined;
  const ev = await launchAndStop(dc, name, async () => {
    bp = (await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] })).body.breakpoints[0];
    assert.strictEqual(bp.verified, true);
  });
  if (bp!.line !== line) assert.match(bp!.message ?? '', new RegExp(`^No code at line ${line} in this build: the breakpoint moved to line ${bp!.line}\\.$`));
  assert.strictEqual(ev.body.reason, 'breakpoint');
  const st = await dc.stackTraceRequest({ threadId: ev.body.threadId!, levels: 1 });
  assert.strictEqual(st.body.stackFrames[0].name, 'cmdline_proc_show');
  assert.strictEqual(st.body.stackFrames[0].source!.path, file);
  assert.strictEqual(st.body.stackFrames[0].line, bp!.line, 'stopped on the line the breakpoint is bound to');
  await dc.disconnectRequest({ terminateDebuggee: true });
}));
