// Disassembly around an address over a model of gdb's -data-disassemble: 4-byte instructions in
// two functions, unreadable memory outside them. Exactly `count` instructions come back, the
// ones before the address decoded from a function start, and gaps are marked invalid.
import { test } from 'node:test';
import * as assert from 'assert';
import { disassemble, Disassembler } from '../../src/debug/disassembly';
import { AsmInsn } from '../../src/gdb/commands';

const LO = 0x1000n;
const HI = 0x2000n;
const funcOf = (a: bigint) => (a < 0x1800n ? { func: 'f', start: LO } : { func: 'g', start: 0x1800n });

function model(calls: Array<[bigint, bigint]> = []): Disassembler {
  return {
    async dataDisassemble(start, end, source) {
      calls.push([start, end]);
      if (start < LO || start >= HI) throw new Error(`Cannot access memory at address 0x${start.toString(16)}`);
      const out: AsmInsn[] = [];
      // Decoding starts where asked: an address that is not a boundary gives a shifted stream.
      for (let a = start; a < end && a < HI; a += 4n) {
        const { func, start: fs } = funcOf(a);
        out.push({ address: a, opcodes: '90 90 90 90', inst: `nop${a.toString(16)}`, func, offset: Number(a - fs),
          ...(source ? { fullname: '/src/x.c', file: 'x.c', line: Number((a - LO) / 16n) + 1 } : {}) });
      }
      return out;
    },
  };
}

test('instructions from the address on: exactly count, addresses in order, source lines on change', async () => {
  const r = await disassemble(model(), 0x1100n, 0, 10);
  assert.strictEqual(r.length, 10);
  assert.deepStrictEqual(r.map((i) => i.address), Array.from({ length: 10 }, (_, k) => `0x${(0x1100 + 4 * k).toString(16)}`));
  assert.strictEqual(r[0].symbol, 'f+256');
  assert.deepStrictEqual([r[0].line, r[1].line, r[4].line], [17, undefined, 18], 'the line is given where it changes');
  assert.strictEqual(r[0].location?.path, '/src/x.c');
});

test('instructions before the address are decoded from the start of their function', async () => {
  const calls: Array<[bigint, bigint]> = [];
  const r = await disassemble(model(calls), 0x1900n, -5, 10);
  assert.strictEqual(r.length, 10);
  assert.deepStrictEqual(r.slice(0, 6).map((i) => i.address), ['0x18ec', '0x18f0', '0x18f4', '0x18f8', '0x18fc', '0x1900']);
  assert.ok(calls.some(([s]) => s === 0x1800n), `decoding started at g's first instruction: ${calls.map(([s, e]) => `${s.toString(16)}-${e.toString(16)}`).join(' ')}`);
});

test('only earlier instructions asked for (a window ending before the address)', async () => {
  const r = await disassemble(model(), 0x1100n, -8, 3);
  assert.deepStrictEqual(r.map((i) => i.address), ['0x10e0', '0x10e4', '0x10e8']);
});

test('no code before or after: invalid placeholders keep the count, in address order', async () => {
  const r = await disassemble(model(), 0x1008n, -4, 8);
  assert.strictEqual(r.length, 8);
  assert.deepStrictEqual(r.slice(0, 2).map((i) => i.presentationHint), ['invalid', 'invalid']);
  assert.deepStrictEqual(r.slice(2, 4).map((i) => i.address), ['0x1000', '0x1004']);
  const end = await disassemble(model(), 0x1ff8n, 0, 5);
  assert.deepStrictEqual(end.map((i) => i.presentationHint ?? 'ok'), ['ok', 'ok', 'invalid', 'invalid', 'invalid']);
  const addrs = end.map((i) => BigInt(i.address));
  assert.ok(addrs.every((a, k) => k === 0 || a > addrs[k - 1]), 'placeholders have increasing addresses');
});

test("where nothing can be read: a clear error naming the address and gdb's reason", async () => {
  await assert.rejects(disassemble(model(), 0x10n, 0, 5), /No code at 0x10: Cannot access memory at address 0x10/);
});
