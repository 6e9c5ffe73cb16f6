// Minimal ELF64 little-endian files for unit tests: a null section, the given sections, and
// .shstrtab. Enough for the section-table readers (kernel checks, build-id, .rodata scans).
/** eType: 2 (ET_EXEC) unless said, 1 for a relocatable file; a section's addr is its sh_addr. */
export function makeElf(machine: number, sections: Array<{ name: string; type?: number; data: Buffer; addr?: bigint }>, eType = 2): Buffer {
  const all: Array<{ name: string; type?: number; data: Buffer; addr?: bigint }> = [...sections, { name: '.shstrtab', type: 3, data: Buffer.alloc(0) }];
  const nameOff: number[] = [];
  let strtab = '\0';
  for (const s of all) { nameOff.push(strtab.length); strtab += `${s.name}\0`; }
  all[all.length - 1].data = Buffer.from(strtab, 'latin1');
  const offs: number[] = [];
  let off = 64;
  for (const s of all) { offs.push(off); off += s.data.length; }
  const shoff = Math.ceil(off / 8) * 8;
  const shnum = all.length + 1;
  const b = Buffer.alloc(shoff + shnum * 64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; b[5] = 1; b[6] = 1;
  b.writeUInt16LE(eType, 0x10);
  b.writeUInt16LE(machine, 0x12);
  b.writeBigUInt64LE(BigInt(shoff), 0x28);
  b.writeUInt16LE(64, 0x34);           // e_ehsize
  b.writeUInt16LE(64, 0x3a);           // e_shentsize
  b.writeUInt16LE(shnum, 0x3c);
  b.writeUInt16LE(shnum - 1, 0x3e);    // e_shstrndx: .shstrtab is last
  all.forEach((s, i) => {
    s.data.copy(b, offs[i]);
    const e = shoff + (i + 1) * 64;
    b.writeUInt32LE(nameOff[i], e);
    b.writeUInt32LE(s.type ?? 1, e + 4);
    b.writeBigUInt64LE(s.addr ?? 0n, e + 0x10);
    b.writeBigUInt64LE(BigInt(offs[i]), e + 0x18);
    b.writeBigUInt64LE(BigInt(s.data.length), e + 0x20);
  });
  return b;
}

/** One ELF note: namesz, descsz, type, name and desc each padded to 4 bytes. */
export function elfNote(name: string, type: number, desc: Buffer): Buffer {
  const n = Buffer.from(`${name}\0`, 'latin1');
  const pad = (x: Buffer) => Buffer.concat([x, Buffer.alloc((4 - (x.length % 4)) % 4)]);
  const h = Buffer.alloc(12);
  h.writeUInt32LE(n.length, 0);
  h.writeUInt32LE(desc.length, 4);
  h.writeUInt32LE(type, 8);
  return Buffer.concat([h, pad(n), pad(desc)]);
}
