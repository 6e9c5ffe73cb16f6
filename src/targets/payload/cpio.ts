// newc cpio archives (the initramfs format): the payload as an archive of its own that the
// kernel unpacks before the user's initramfs (an uncompressed archive first, the way early
// microcode is prepended), so the user's file is never changed; and the names an initramfs
// holds, to find its shell. Pure: buffers in, buffers out.
import * as zlib from 'zlib';

export interface CpioEntry {
  /** Path inside the archive, without a leading slash. */
  name: string;
  /** Full st_mode: 0o040755 a directory, 0o100755 an executable file. */
  mode: number;
  data?: Buffer;
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function entry(e: CpioEntry, ino: number): Buffer {
  const name = Buffer.from(`${e.name}\0`);
  const data = e.data ?? Buffer.alloc(0);
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  const fields = [ino, e.mode, 0, 0, (e.mode & 0o170000) === 0o040000 ? 2 : 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`);
  return Buffer.concat([header, name, Buffer.alloc(pad4(header.length + name.length)), data, Buffer.alloc(pad4(data.length))]);
}

/** An uncompressed newc archive of `entries` (parents before children), trailer included; its length is a multiple of 4. */
export function newcArchive(entries: CpioEntry[]): Buffer {
  const parts = entries.map((e, i) => entry(e, i + 1));
  parts.push(entry({ name: 'TRAILER!!!', mode: 0 }, 0));
  return Buffer.concat(parts);
}

/** The names in an initramfs (newc, plain or gzip; concatenated archives too); undefined when it cannot be read (other compressions). */
export function initramfsNames(buf: Buffer): string[] | undefined {
  let data = buf;
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try { data = zlib.gunzipSync(buf); } catch { return undefined; }
  }
  const names: string[] = [];
  let off = 0;
  while (off + 110 <= data.length) {
    if (data[off] === 0) { off++; continue; }  // padding between archives
    if (data.toString('latin1', off, off + 6) !== '070701') return names.length ? names : undefined;
    const field = (i: number) => parseInt(data.toString('latin1', off + 6 + i * 8, off + 14 + i * 8), 16);
    const size = field(6);
    const nameSize = field(11);
    const name = data.toString('utf8', off + 110, off + 110 + nameSize - 1);
    off += 110 + nameSize;
    off += pad4(off);
    off += size + pad4(size);
    if (name !== 'TRAILER!!!') names.push(name.replace(/^\.?\//, ''));
  }
  return names;
}
