// panic()'s message formatted from its arguments as read at its first instruction: the kernel's
// printf conversions that panic messages use, rendered as the kernel's vsnprintf renders them.
import { test } from 'node:test';
import * as assert from 'assert';
import { argCount, parseFormat, render } from '../../src/debug/panicFormat';

const fmt = (f: string, args: bigint[], strings: Record<string, string> = {}) =>
  render(parseFormat(f)!, args, new Map(Object.entries(strings).map(([k, v]) => [BigInt(k), v])));

test('the kernel\'s panic messages, formatted', () => {
  // kernel/exit.c, exit status 3 (3 << 8)
  assert.strictEqual(fmt('Attempted to kill init! exitcode=0x%08x', [0x300n]), 'Attempted to kill init! exitcode=0x00000300');
  // arch/um/kernel/trap.c: two unsigned longs
  assert.strictEqual(fmt('Kernel mode fault at addr 0x%lx, ip 0x%lx', [0n, 0x6030a1b2n]), 'Kernel mode fault at addr 0x0, ip 0x6030a1b2');
  assert.strictEqual(fmt('Kernel mode signal %d', [11n]), 'Kernel mode signal 11');
  assert.strictEqual(fmt('VFS: Unable to mount root fs on %s', [0x1000n], { 0x1000: 'unknown-block(0,0)' }), 'VFS: Unable to mount root fs on unknown-block(0,0)');
  assert.strictEqual(fmt('No working init found.  Try passing init= option to kernel. See Linux %s for guidance.', [0x2000n], { 0x2000: 'Documentation/admin-guide/init.rst' }),
    'No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance.');
});

test('printf details: sign and width of ints, padding, precision, %c, %%, null strings', () => {
  assert.strictEqual(fmt('%d', [0xffffffffn]), '-1', 'an int is 32 bits wide');
  assert.strictEqual(fmt('%ld', [0xffffffffffffffffn]), '-1');
  assert.strictEqual(fmt('%u', [0xffffffffn]), '4294967295');
  assert.strictEqual(fmt('%5d|%-5d|%05d|%+d', [42n, 42n, 42n, 42n]), '   42|42   |00042|+42');
  assert.strictEqual(fmt('%#x %#o %X', [255n, 8n, 0xabn]), '0xff 010 AB');
  assert.strictEqual(fmt('%.3s|%*d|%c|100%%', [0x10n, 4n, 7n, 65n], { 0x10: 'abcdef' }), 'abc|   7|A|100%');
  assert.strictEqual(fmt('%s', [0n]), '(null)');
  assert.strictEqual(fmt('%hhx', [0x1ffn]), 'ff');
});

test('formats beyond us are left alone, and argument slots are counted', () => {
  assert.strictEqual(parseFormat('at %pS'), undefined, 'a kernel %p extension');
  assert.strictEqual(parseFormat('at %p'), undefined, 'the kernel hashes plain pointers');
  assert.strictEqual(parseFormat('odd %q'), undefined);
  assert.strictEqual(argCount(parseFormat('%d %*d %.*s %%')!), 5);
  assert.deepStrictEqual(parseFormat('sysrq triggered crash'), ['sysrq triggered crash']);
});
