// A module's .ko as gdb can place it. gdb lays out a relocatable file's sections at the
// addresses add-symbol-file gives, and relocates its DWARF by them, only when every section's
// address in the file is 0; otherwise it adds the .text address to all code (gdb's
// default_symfile_offsets: "skip this step if the relocatable file has a section with an
// assigned VMA"). Since Linux 6.10 scripts/module.lds gives .data an address (the alloc_tags
// statement has none of its own), so every module's init code lands in its core text: a
// breakpoint in init binds where nothing runs. gdb then reads a copy whose section addresses
// are 0, as the kernel's module loader ignores them anyway.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ElfLayout, elfLayout, withElfFile } from '../uml/elf';

/** The sections of a relocatable ELF that carry an address (gdb then misplaces the rest). */
export function placedSections(layout: ElfLayout): { name: string; headerAt: number }[] {
  if (layout.type !== 1) return [];
  return layout.sections.filter((s) => s.addr !== 0n).map((s) => ({ name: s.name, headerAt: s.headerAt }));
}

/**
 * The file gdb should read for module `file`: the file itself, or a copy in `dir` with its section
 * addresses cleared (made once per file version; `placed` names the sections that had one).
 */
export function gdbSymbolFile(file: string, dir: string): { file: string; placed: string[] } {
  const placed = withElfFile(file, (readAt) => placedSections(elfLayout(readAt)));
  if (!placed.length) return { file, placed: [] };
  const st = fs.statSync(file);
  const tag = crypto.createHash('sha1').update(`${file}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 12);
  const copy = path.join(dir, `${path.basename(file, '.ko')}-${tag}.ko`);
  if (!fs.existsSync(copy)) {
    fs.mkdirSync(dir, { recursive: true });
    const part = `${copy}.part`;
    fs.copyFileSync(file, part);
    const fd = fs.openSync(part, 'r+');
    try {
      for (const s of placed) fs.writeSync(fd, Buffer.alloc(8), 0, 8, s.headerAt + 0x10);  // sh_addr (ELF64)
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(part, copy);
  }
  return { file: copy, placed: placed.map((s) => s.name) };
}
