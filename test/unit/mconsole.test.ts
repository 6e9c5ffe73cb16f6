import { test } from 'node:test';
import * as assert from 'assert';
import { encodeRequest, decodeReply, joinReply, MCONSOLE_MAX_DATA } from '../../src/uml/mconsoleProtocol';
import { mc, SYSRQ } from '../../src/uml/mconsoleCommands';

function reply(err: number, more: number, text: string): Buffer {
  const data = Buffer.from(text + '\0');
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32LE(err, 0); b.writeUInt32LE(more, 4); b.writeUInt32LE(data.length, 8);
  data.copy(b, 12);
  return b;
}

test('request: magic, version 2, length, 512-byte data, little endian', () => {
  const b = encodeRequest('version');
  assert.strictEqual(b.length, 12 + MCONSOLE_MAX_DATA);
  assert.strictEqual(b.readUInt32LE(0), 0xcafebabe);
  assert.strictEqual(b.readUInt32LE(4), 2);
  assert.strictEqual(b.readUInt32LE(8), 7);
  assert.strictEqual(b.toString('utf8', 12, 19), 'version');
  assert.strictEqual(b[19], 0);
  assert.throws(() => encodeRequest('x'.repeat(512)), /too long/);
});

test('reply: err/more/len, NUL dropped; multi-part replies joined, err from the first part', () => {
  assert.deepStrictEqual(decodeReply(reply(0, 0, 'Linux (none) 6.1.192')), { err: 0, more: false, text: 'Linux (none) 6.1.192' });
  assert.deepStrictEqual(decodeReply(reply(1, 0, 'Unknown command')), { err: 1, more: false, text: 'Unknown command' });
  const parts = [reply(0, 1, 'MemTotal: 1 kB\n'), reply(0, 1, 'MemFree: 1 kB\n'), reply(0, 0, '')].map(decodeReply);
  assert.deepStrictEqual(joinReply(parts), { ok: true, text: 'MemTotal: 1 kB\nMemFree: 1 kB\n' });
  assert.deepStrictEqual(joinReply([decodeReply(reply(1, 0, 'Failed to open file'))]), { ok: false, text: 'Failed to open file' });
  assert.throws(() => decodeReply(Buffer.alloc(4)), /short/);
});

test('commands: checked, one line, log committed with a newline', () => {
  assert.strictEqual(mc.sysrq('m'), 'sysrq m');
  assert.throws(() => mc.sysrq('mm'), /one letter/);
  assert.strictEqual(mc.config(' ubd1=/tmp/d.img '), 'config ubd1=/tmp/d.img');
  assert.throws(() => mc.config('/tmp/d.img'), /ubd1=/);
  assert.strictEqual(mc.remove('ubd1'), 'remove ubd1');
  assert.throws(() => mc.remove('ubd1=/x'), /device name/);
  assert.strictEqual(mc.proc('/proc/meminfo'), 'proc meminfo');
  assert.strictEqual(mc.proc('sys/kernel/hostname'), 'proc sys/kernel/hostname');
  assert.strictEqual(mc.stack(' 42 '), 'stack 42');
  assert.throws(() => mc.stack('init'), /guest pid/);
  assert.strictEqual(mc.log('hello'), 'log hello\n');
  assert.throws(() => mc.log('a\nb'), /one line/);
  assert.ok(SYSRQ.every(([k, what]) => /^[0-9a-z]$/.test(k) && what.length > 0));
});
