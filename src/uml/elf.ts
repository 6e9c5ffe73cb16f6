// Reads an ELF file's section names: enough to tell a UML kernel with debug info from
// anything else, without reading 70 MB. The parser is pure over a read callback.
import * as fs from 'fs';

export type ReadAt = (offset: number, length: number) => Buffer;

export class NotElfError extends Error {}

export function elfSectionNames(readAt: ReadAt): string[] {
  const h = readAt(0, 64);
  if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46) throw new NotElfError('not an ELF file');
  if (h[4] !== 2 || h[5] !== 1) throw new NotElfError('not a 64-bit little-endian ELF file');
  const shoff = Number(h.readBigUInt64LE(0x28));
  const shentsize = h.readUInt16LE(0x3a);
  const shnum = h.readUInt16LE(0x3c);
  const shstrndx = h.readUInt16LE(0x3e);
  if (!shoff || !shnum || shstrndx >= shnum) return [];
  const sh = readAt(shoff, shentsize * shnum);
  const strOff = Number(sh.readBigUInt64LE(shstrndx * shentsize + 0x18));
  const strSize = Number(sh.readBigUInt64LE(shstrndx * shentsize + 0x20));
  const strtab = readAt(strOff, strSize);
  const names: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const nameOff = sh.readUInt32LE(i * shentsize);
    const end = strtab.indexOf(0, nameOff);
    names.push(strtab.toString('latin1', nameOff, end < 0 ? undefined : end));
  }
  return names;
}

export function elfSectionNamesOfFile(path: string): string[] {
  const fd = fs.openSync(path, 'r');
  try {
    return elfSectionNames((offset, length) => {
      const b = Buffer.alloc(length);
      const n = fs.readSync(fd, b, 0, length, offset);
      return b.subarray(0, n);
    });
  } finally {
    fs.closeSync(fd);
  }
}
