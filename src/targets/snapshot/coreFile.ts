// A crash snapshot's core file checked before gdb opens it: an ELF core (not any file), whole
// (every segment's bytes in the file: a save cut short or an incomplete copy is said as such),
// and its metadata (the JSON beside it) whole too. Pure over a read callback.
import * as fs from 'fs';
import type { ReadAt } from '../../uml/elf';

export class SnapshotError extends Error {}

/** What the JSON beside a snapshot says: where it came from and how it stopped. */
export interface SnapshotMeta {
  version: 1;
  /** 'uml': gdb's core of the UML process; 'qemu': QEMU's ELF dump of the guest's memory. */
  target: 'uml' | 'qemu';
  /** The kernel with debug info it was saved from, and its GNU build-id. */
  kernel: string;
  buildId?: string;
  /** The stop as it was shown: DAP reason and text. */
  reason: string;
  text?: string;
  /** ISO time of the save. */
  time: string;
  /** The kernel's command line, and the UML instance, when known. */
  cmdline?: string;
  umid?: string;
}

export const metaPath = (core: string) => `${core}.json`;

export function readMeta(core: string): SnapshotMeta {
  const file = metaPath(core);
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch {
    throw new SnapshotError(`${core} has no ${file} beside it: it is not a snapshot saved by UML Kernel Debug (its kernel and stop are written there), or the JSON was not copied with it.`);
  }
  let m: Partial<SnapshotMeta>;
  try { m = JSON.parse(text) as Partial<SnapshotMeta>; } catch (e) {
    throw new SnapshotError(`${file} is not valid JSON (${(e as Error).message}): the snapshot's description is damaged.`);
  }
  if (m.version !== 1 || (m.target !== 'uml' && m.target !== 'qemu') || typeof m.kernel !== 'string' || typeof m.reason !== 'string') {
    throw new SnapshotError(`${file} does not describe a snapshot (version 1 with target, kernel and reason).`);
  }
  return m as SnapshotMeta;
}

const PT_LOAD = 1;
const ET_CORE = 4;

/** Checks an ELF core of `size` bytes: its segments with bytes in the file (count, bytes). */
export function checkCore(readAt: ReadAt, size: number, name: string): { loads: number; bytes: number } {
  const h = readAt(0, 64);
  if (h.length < 4 || h.readUInt32BE(0) !== 0x7f454c46) throw new SnapshotError(`${name} is not an ELF file, so not a core dump: a snapshot is the core file itself (the .json beside it describes it).`);
  if (h.length < 64) throw new SnapshotError(`${name} is truncated: ${size} bytes, less than an ELF header.`);
  if (h[4] !== 2 || h[5] !== 1) throw new SnapshotError(`${name} is not a 64-bit little-endian ELF file: not a snapshot of an x86_64 kernel.`);
  const type = h.readUInt16LE(0x10);
  if (type !== ET_CORE) throw new SnapshotError(`${name} is an ELF file but not a core dump (e_type ${type}): a snapshot is the core file, not the kernel.`);
  const phoff = Number(h.readBigUInt64LE(0x20));
  const phentsize = h.readUInt16LE(0x36);
  const phnum = h.readUInt16LE(0x38);
  if (phoff + phentsize * phnum > size) throw new SnapshotError(`${name} is truncated: its program headers end at byte ${phoff + phentsize * phnum}, the file has ${size} (the save was cut short or the copy is incomplete).`);
  const ph = readAt(phoff, phentsize * phnum);
  let loads = 0;
  let bytes = 0;
  for (let i = 0; i < phnum; i++) {
    const e = i * phentsize;
    if (ph.readUInt32LE(e) !== PT_LOAD) continue;
    const offset = Number(ph.readBigUInt64LE(e + 0x08));
    const vaddr = ph.readBigUInt64LE(e + 0x10);
    const filesz = Number(ph.readBigUInt64LE(e + 0x20));
    if (offset + filesz > size) {
      throw new SnapshotError(`${name} is truncated: the memory at 0x${vaddr.toString(16)} needs bytes up to ${offset + filesz}, the file has ${size} (the save was cut short or the copy is incomplete).`);
    }
    if (filesz) { loads++; bytes += filesz; }
  }
  if (!loads) throw new SnapshotError(`${name} holds no memory at all (every segment is empty): the kernel's memory was not dumped.`);
  return { loads, bytes };
}
