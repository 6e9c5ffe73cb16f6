// gdb's index cache bookkeeping: the build-id as UML kernels carry it (every note in one .notes
// section) and as other binaries do, and what counts as cached.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildIdFrom, indexCached } from '../../src/gdb/indexCache';
import { makeElf, elfNote } from '../support/elfFixture';

const ID = Buffer.from('5b4237b6fce7141f28b94724faa69736ea5abfb0', 'hex');
const reader = (b: Buffer) => (offset: number, length: number) => b.subarray(offset, offset + length);

test('build-id from a UML kernel\'s .notes: found after other notes, a malformed note after it is never read', () => {
  const notes = Buffer.concat([
    elfNote('GNU', 5, Buffer.alloc(16)),                          // NT_GNU_PROPERTY_TYPE_0
    elfNote('GNU', 1, Buffer.from([0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])),  // ABI tag
    elfNote('GNU', 3, ID),
    Buffer.from([4, 0, 0, 0, 0x01, 0x01, 0, 0, 0x4c, 0x69, 0x6e, 0x75]),  // descsz past the end
  ]);
  const elf = makeElf(62, [{ name: '.text', data: Buffer.alloc(32) }, { name: '.notes', type: 7, data: notes }]);
  assert.strictEqual(buildIdFrom(reader(elf)), ID.toString('hex'));
});

test('build-id from .note.gnu.build-id; none when a binary has no such note or only broken ones', () => {
  assert.strictEqual(buildIdFrom(reader(makeElf(62, [{ name: '.note.gnu.build-id', type: 7, data: elfNote('GNU', 3, ID) }]))), ID.toString('hex'));
  assert.strictEqual(buildIdFrom(reader(makeElf(62, [{ name: '.rodata', data: Buffer.from('Linux version 6.1') }]))), undefined);
  assert.strictEqual(buildIdFrom(reader(makeElf(62, [{ name: '.notes', type: 7, data: elfNote('Xen', 3, ID) }]))), undefined);
  const truncated = elfNote('GNU', 3, ID).subarray(0, 20);
  assert.strictEqual(buildIdFrom(reader(makeElf(62, [{ name: '.notes', type: 7, data: truncated }]))), undefined);
});

test('cached means gdb\'s finished file for that build-id: not one being written, not a warm-up\'s lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-unit-'));
  try {
    const id = ID.toString('hex');
    assert.strictEqual(indexCached(path.join(dir, 'missing'), id), false);
    fs.writeFileSync(path.join(dir, `${id}.warming`), '1');
    fs.writeFileSync(path.join(dir, `${id.slice(0, -1)}1.gdb-index`), '');
    fs.writeFileSync(path.join(dir, `${id}.gdb-index-Vpjhac`), '');  // gdb still writing it
    assert.strictEqual(indexCached(dir, id), false);
    fs.writeFileSync(path.join(dir, `${id}.gdb-index`), '');
    assert.strictEqual(indexCached(dir, id), true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
