// Reads an ELF file's section names: enough to tell a UML kernel with debug info from
// anything else, without reading 70 MB. The parser is pure over a read callback.
import * as fs from 'fs';

export type ReadAt = (offset: number, length: number) => Buffer;

export class NotElfError extends Error {}

/** headerAt: where the section's header is in the file; addr: its sh_addr. */
export interface ElfSection { name: string; offset: number; size: number; addr: bigint; headerAt: number }
/** type: e_type (1: relocatable, as modules are). */
export interface ElfLayout { machine: number; type: number; sections: ElfSection[] }

/** e_machine (62: x86_64) and the section table, names resolved. */
export function elfLayout(readAt: ReadAt): ElfLayout {
  const h = readAt(0, 64);
  if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46) throw new NotElfError('not an ELF file');
  if (h[4] !== 2 || h[5] !== 1) throw new NotElfError('not a 64-bit little-endian ELF file');
  const machine = h.readUInt16LE(0x12);
  const type = h.readUInt16LE(0x10);
  const shoff = Number(h.readBigUInt64LE(0x28));
  const shentsize = h.readUInt16LE(0x3a);
  const shnum = h.readUInt16LE(0x3c);
  const shstrndx = h.readUInt16LE(0x3e);
  if (!shoff || !shnum || shstrndx >= shnum) return { machine, type, sections: [] };
  const sh = readAt(shoff, shentsize * shnum);
  const strOff = Number(sh.readBigUInt64LE(shstrndx * shentsize + 0x18));
  const strSize = Number(sh.readBigUInt64LE(shstrndx * shentsize + 0x20));
  const strtab = readAt(strOff, strSize);
  const sections: ElfSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const e = i * shentsize;
    const nameOff = sh.readUInt32LE(e);
    const end = strtab.indexOf(0, nameOff);
    sections.push({
      name: strtab.toString('latin1', nameOff, end < 0 ? undefined : end),
      offset: Number(sh.readBigUInt64LE(e + 0x18)),
      size: Number(sh.readBigUInt64LE(e + 0x20)),
      addr: sh.readBigUInt64LE(e + 0x10),
      headerAt: shoff + e,
    });
  }
  return { machine, type, sections };
}

export function elfSectionNames(readAt: ReadAt): string[] {
  return elfLayout(readAt).sections.map((s) => s.name);
}

/** Runs fn with a reader over the file; the file is open only meanwhile. */
export function withElfFile<T>(path: string, fn: (readAt: ReadAt) => T): T {
  const fd = fs.openSync(path, 'r');
  try {
    return fn((offset, length) => {
      const b = Buffer.alloc(length);
      const n = fs.readSync(fd, b, 0, length, offset);
      return b.subarray(0, n);
    });
  } finally {
    fs.closeSync(fd);
  }
}

export function elfSectionNamesOfFile(path: string): string[] {
  return withElfFile(path, elfSectionNames);
}
