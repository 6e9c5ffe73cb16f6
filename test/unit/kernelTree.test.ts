import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelBinaryIn } from '../../src/uml/kernelTree';
import { elfSectionNames, NotElfError } from '../../src/uml/elf';

test('a kernel tree is recognised by arch/um and a built linux, then vmlinux', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ktree-'));
  try {
    assert.strictEqual(kernelBinaryIn(d), undefined);
    fs.mkdirSync(path.join(d, 'arch', 'um'), { recursive: true });
    fs.writeFileSync(path.join(d, 'arch', 'um', 'Kconfig'), '');
    assert.strictEqual(kernelBinaryIn(d), undefined, 'not built yet');
    fs.writeFileSync(path.join(d, 'vmlinux'), '');
    assert.strictEqual(kernelBinaryIn(d), path.join(d, 'vmlinux'));
    fs.writeFileSync(path.join(d, 'linux'), '');
    assert.strictEqual(kernelBinaryIn(d), path.join(d, 'linux'));
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('ELF section names from a real host binary; non-ELF refused', () => {
  const data = fs.readFileSync(process.execPath);
  const names = elfSectionNames((o, l) => data.subarray(o, o + l));
  assert.ok(names.includes('.text'));
  assert.ok(!names.includes('.uml.setup.init'));
  assert.throws(() => elfSectionNames(() => Buffer.from('#!/bin/sh\n'.padEnd(64))), NotElfError);
});
