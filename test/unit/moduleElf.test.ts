// The .ko gdb reads: a relocatable file whose sections carry an address (Linux 6.10+'s module.lds
// gives .data one) is copied with every address 0, so gdb places each section where
// add-symbol-file says; other files are read as they are.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gdbSymbolFile, placedSections } from '../../src/debug/moduleElf';
import { elfLayout } from '../../src/uml/elf';
import { makeElf } from '../support/elfFixture';

const reader = (b: Buffer) => (offset: number, length: number) => b.subarray(offset, offset + length);
const SECTIONS = [{ name: '.init.text', data: Buffer.alloc(16, 0x90) }, { name: '.data', data: Buffer.alloc(8, 7), addr: 0x58n }];
let tmp: string;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-modelf-')); });
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('placed sections: only in relocatable files, only those with an address', () => {
  assert.deepStrictEqual(placedSections(elfLayout(reader(makeElf(62, SECTIONS, 1)))).map((s) => s.name), ['.data']);
  assert.deepStrictEqual(placedSections(elfLayout(reader(makeElf(62, SECTIONS, 2)))), []);
  assert.deepStrictEqual(placedSections(elfLayout(reader(makeElf(62, [{ name: '.text', data: Buffer.alloc(4) }], 1)))), []);
});

test('a module with a placed section is read from a copy with every address 0, made once; the original stays', () => {
  const ko = path.join(tmp, 'm.ko');
  const original = makeElf(62, SECTIONS, 1);
  fs.writeFileSync(ko, original);
  const copies = path.join(tmp, 'copies');
  const r = gdbSymbolFile(ko, copies);
  assert.notStrictEqual(r.file, ko);
  assert.deepStrictEqual(r.placed, ['.data']);
  const copy = fs.readFileSync(r.file);
  assert.deepStrictEqual(elfLayout(reader(copy)).sections.map((s) => s.addr), elfLayout(reader(original)).sections.map(() => 0n));
  assert.strictEqual(copy.length, original.length);
  assert.deepStrictEqual(fs.readFileSync(ko), original, 'the user\'s .ko is untouched');
  const mtime = fs.statSync(r.file).mtimeMs;
  assert.strictEqual(gdbSymbolFile(ko, copies).file, r.file);
  assert.strictEqual(fs.statSync(r.file).mtimeMs, mtime, 'made once');
  const plain = path.join(tmp, 'plain.ko');
  fs.writeFileSync(plain, makeElf(62, [{ name: '.text', data: Buffer.alloc(4) }], 1));
  assert.deepStrictEqual(gdbSymbolFile(plain, copies), { file: plain, placed: [] });
});
