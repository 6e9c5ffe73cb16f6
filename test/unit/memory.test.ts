// readMemory/writeMemory over a model of gdb's memory commands: readable runs, a read that
// crosses into unmapped memory, one that starts there; pointer values as memory references.
import { test } from 'node:test';
import * as assert from 'assert';
import { addressOf, pointerTarget, readMemory, writeMemory, MemoryAccess } from '../../src/debug/memory';

// Readable: [0x1000, 0x1010); a write is recorded.
function model(writes: Array<[bigint, string]> = []): MemoryAccess {
  const mem = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  return {
    async dataReadMemoryBytes(addr, count) {
      const lo = addr > 0x1000n ? addr : 0x1000n;
      const hi = addr + BigInt(count) < 0x1010n ? addr + BigInt(count) : 0x1010n;
      if (hi <= lo) throw new Error(`Unable to read memory.`);
      return [{ begin: lo, contents: mem.subarray(Number(lo - 0x1000n), Number(hi - 0x1000n)).toString('hex') }];
    },
    async dataWriteMemoryBytes(addr, hex) {
      if (addr < 0x1000n) throw new Error(`Cannot access memory at address 0x${addr.toString(16)}`);
      writes.push([addr, hex]);
    },
  };
}

test('a readable range comes back whole, base64', async () => {
  const r = await readMemory(model(), 0x1004n, 4);
  assert.deepStrictEqual(r, { address: '0x1004', data: Buffer.from('44556677', 'hex').toString('base64') });
});

test('a read running into unmapped memory: the bytes up to there, and how many are missing', async () => {
  const r = await readMemory(model(), 0x100cn, 8);
  assert.strictEqual(Buffer.from(r!.data!, 'base64').toString('hex'), 'ccddeeff');
  assert.strictEqual(r!.unreadableBytes, 4);
});

test('a read starting in unmapped memory: no data, all of it unreadable', async () => {
  assert.deepStrictEqual(await readMemory(model(), 0xff0n, 8), { address: '0xff0', unreadableBytes: 8, data: '' });
  assert.deepStrictEqual(await readMemory(model(), 0x2000n, 4), { address: '0x2000', unreadableBytes: 4, data: '' });
});

test('writes go to gdb as hex; a refused write names the address and gdb\'s reason', async () => {
  const writes: Array<[bigint, string]> = [];
  assert.deepStrictEqual(await writeMemory(model(writes), 0x1002n, Buffer.from('abcd', 'hex').toString('base64')), { bytesWritten: 2 });
  assert.deepStrictEqual(writes, [[0x1002n, 'abcd']]);
  await assert.rejects(writeMemory(model(), 0x10n, 'AA=='), /Could not write 1 byte\(s\) at 0x10: Cannot access memory at address 0x10/);
});

test('memory references: addresses with offsets; pointer values, not null and not non-pointers', () => {
  assert.strictEqual(addressOf('0x1000', 16), 0x1010n);
  assert.throws(() => addressOf('m->buf'), /"m->buf" is not a memory address/);
  assert.strictEqual(pointerTarget('struct seq_file *', '0x60a57690'), '0x60a57690');
  assert.strictEqual(pointerTarget('char *', '0x605b1828 "mem=128M root=/dev/root"'), '0x605b1828');
  assert.strictEqual(pointerTarget('const struct file *', '(const struct file *) 0x6012 <f>'), '0x6012');
  assert.strictEqual(pointerTarget('void *', '0x0'), undefined);
  assert.strictEqual(pointerTarget('int', '4096'), undefined);
  assert.strictEqual(pointerTarget('unsigned long', '0x1000'), undefined);
});
