// readMemory / writeMemory and memory references on the real kernel: the guest's command line
// read from saved_command_line, changed in memory, and the guest then reads the change.
// Target-neutral (test/support/target.ts): UML_TEST_TARGET=qemu runs it on QEMU.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import { waitForOutput, nextStop, topFrame } from '../support/dap';
import { TestGuest, makeGuest, withGuestSession, launchGuest } from '../support/target';

let guest: TestGuest;
before(() => { guest = makeGuest('cat /proc/cmdline\ncat /proc/cmdline\n$END'); });
after(() => guest?.remove());

test('readMemory of saved_command_line returns the guest\'s command line; writeMemory changes what the guest reads', () => withGuestSession(guest, 'memory', async (dc, name, out) => {
  const stopped = nextStop(dc, 120000);
  await launchGuest(dc, guest, name, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] }));
  const ev = await stopped;
  const frame = await topFrame(dc, ev.body.threadId!);
  const e = await dc.evaluateRequest({ expression: 'saved_command_line', frameId: frame.id, context: 'watch' });
  const ref = e.body.memoryReference!;
  assert.match(ref, /^0x[0-9a-f]+$/, `a char * has a memory reference: ${JSON.stringify(e.body)}`);
  const r = await dc.customRequest('readMemory', { memoryReference: ref, count: 512 });
  const text = Buffer.from(r.body.data, 'base64').toString('latin1').split('\0')[0];
  assert.ok(text.startsWith(guest.cmdlineStart) && text.includes(guest.cmdlineOwn(name)), `the command line: ${JSON.stringify(text)}`);

  // The argument m (struct seq_file *) has one too, and its target reads.
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  const m = vars.body.variables.find((v) => v.name === 'm')!;
  assert.strictEqual(BigInt(m.memoryReference!), BigInt(m.value.replace(/^.*?(0x[0-9a-f]+).*$/, '$1')));
  assert.strictEqual(Buffer.from((await dc.customRequest('readMemory', { memoryReference: m.memoryReference, count: 16 })).body.data, 'base64').length, 16);

  // Unmapped memory: nothing readable, said so; the session goes on.
  const none = await dc.customRequest('readMemory', { memoryReference: '0x10', count: 8 });
  assert.strictEqual(none.body.unreadableBytes, 8);

  // "mem=" becomes "MEM=" (QEMU: "console=", "CONsole=") in the guest's memory: its next read shows it.
  const upper = guest.cmdlineStart.slice(0, 3).toUpperCase();
  const w = await dc.customRequest('writeMemory', { memoryReference: ref, data: Buffer.from(upper).toString('base64') });
  assert.strictEqual(w.body.bytesWritten, 3);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await waitForOutput(dc, new RegExp(`${upper}${guest.cmdlineStart.slice(3)} `), out);
  await dc.disconnectRequest({ terminateDebuggee: true });
}));
