// Disassembly, instruction breakpoints and instruction steps on the real kernel under gdb.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launchToFunction, nextStop, topFrame, withSession } from '../support/dap';

let reads: string;
before(() => { testKernelDir(); reads = makeRootfs('while true; do cat /proc/cmdline >/dev/null; sleep 0.2; done'); });
after(() => removeRootfs(reads));

test('disassembly around cmdline_proc_show: its symbol, source lines of cmdline.c, instructions before and after the pc', () => withSession('disasm', async (dc, umid) => {
  const { ev, frame: top } = await launchToFunction(dc, testKernel(), { rootfs: reads, umid });
  const pc = top.instructionPointerReference!;
  assert.match(pc, /^0x[0-9a-f]+$/);
  const r = await dc.customRequest('disassemble', { memoryReference: pc, instructionOffset: -20, instructionCount: 60, resolveSymbols: true });
  const ins = r.body.instructions as Array<{ address: string; instruction: string; symbol?: string; line?: number; location?: { path?: string }; presentationHint?: string }>;
  assert.strictEqual(ins.length, 60);
  const at = ins.findIndex((i) => BigInt(i.address) === BigInt(pc));
  assert.strictEqual(at, 20, `the pc is the 21st instruction: ${ins.slice(15, 25).map((i) => i.address).join(' ')}`);
  assert.ok(ins.some((i) => i.symbol === 'cmdline_proc_show'), 'the function\'s first instruction is named');
  assert.ok(ins.some((i) => /cmdline\.c$/.test(i.location?.path ?? '') && i.line === 9), 'source line 9 of fs/proc/cmdline.c is interleaved');
  assert.ok(ins.slice(0, 20).every((i) => i.presentationHint !== 'invalid' && i.instruction.length > 0), 'the instructions before the pc decode (kernel text)');
  const addrs = ins.map((i) => BigInt(i.address));
  assert.ok(addrs.every((a, k) => k === 0 || a > addrs[k - 1]), 'addresses increase');

  const bad = await dc.customRequest('disassemble', { memoryReference: '0x10', instructionCount: 5 }).then(() => undefined, (e: Error) => e);
  assert.match(bad?.message ?? 'no error', /No code at 0x10: Cannot access memory at address 0x10/);
  // The session goes on after a bad request.
  assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'cmdline_proc_show');
  await dc.disconnectRequest({ terminateDebuggee: true });
}));

test('instruction step advances the pc by one instruction; an instruction breakpoint stops there', () => withSession('istep', async (dc, umid) => {
  const { t, frame } = await launchToFunction(dc, testKernel(), { rootfs: reads, umid });
  const pc = BigInt(frame.instructionPointerReference!);
  const [first, second] = (await dc.customRequest('disassemble', { memoryReference: `0x${pc.toString(16)}`, instructionCount: 3 })).body.instructions as Array<{ address: string }>;
  assert.strictEqual(BigInt(first.address), pc);
  const stepped = nextStop(dc);
  await dc.nextRequest({ threadId: t, granularity: 'instruction' });
  assert.strictEqual((await stepped).body.reason, 'step');
  assert.strictEqual(BigInt((await topFrame(dc, t)).instructionPointerReference!), BigInt(second.address), 'the pc is the next instruction');

  // An instruction breakpoint a few instructions on: continue stops exactly there.
  const ahead = (await dc.customRequest('disassemble', { memoryReference: second.address, instructionOffset: 3, instructionCount: 1 })).body.instructions[0].address as string;
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  const ib = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: ahead }] });
  assert.strictEqual(ib.body.breakpoints[0].verified, true, JSON.stringify(ib.body.breakpoints[0]));
  assert.strictEqual(BigInt(ib.body.breakpoints[0].instructionReference), BigInt(ahead));
  const hit = nextStop(dc);
  await dc.continueRequest({ threadId: t });
  assert.strictEqual((await hit).body.reason, 'breakpoint');
  assert.strictEqual(BigInt((await topFrame(dc, t)).instructionPointerReference!), BigInt(ahead));
  await dc.disconnectRequest({ terminateDebuggee: true });
}));
