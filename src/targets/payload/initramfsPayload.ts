// A payload in a kernel in QEMU booting an initramfs: the wrapper init, the payload script and the
// user's files as a cpio archive of their own, put before the user's initramfs in a file in the
// session directory (the user's file is never changed), and rdinit= pointing at the wrapper.
// The payload's end is read from the console ("uml-kernel-debug: NAME exited with status N").
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../uml/cmdline';
import { CpioEntry, initramfsNames, newcArchive } from './cpio';
import { PAYLOAD_ROOT, PayloadBlock, payloadScript, wrapperInit } from './guestScripts';

export interface InitramfsPayloadPlan {
  block: Required<PayloadBlock>;
  /** The user's initramfs, and the file QEMU boots instead: ours, then theirs. */
  userInitrd: string;
  initrd: string;
  guestDir: string;
  shell: string[];
  realInit: string;
}

/** The plan, and the kernel command line with rdinit= on the wrapper (the user's rdinit= is the real init). */
export function planInitramfsPayload(block: Required<PayloadBlock>, initrd: string | undefined, append: string, id: string, sessionDir: string): { plan: InitramfsPayloadPlan; append: string } {
  if (!initrd) throw new ConfigError('"payload" with "qemu" needs "qemu.initrd" (an initramfs, a cpio archive): the payload is added to it as a second archive. A root filesystem on a disk is not supported.');
  const words = append.split(/\s+/).filter(Boolean);
  const realInit = words.find((w) => w.startsWith('rdinit='))?.slice(7) ?? '/init';
  const guestDir = `/${PAYLOAD_ROOT}/${id}`;
  const names = initramfsNames(fs.readFileSync(initrd));
  // An archive we cannot read (xz, zstd...): /bin/sh, as most have.
  const shell = names && !names.includes('bin/sh') && names.includes('bin/busybox') ? ['/bin/busybox', 'sh'] : ['/bin/sh'];
  const rest = words.filter((w) => !w.startsWith('rdinit='));
  return {
    plan: { block, userInitrd: initrd, initrd: path.join(sessionDir, 'initrd-with-payload'), guestDir, shell, realInit },
    append: [...rest, `rdinit=${guestDir}/init`].join(' '),
  };
}

/** Our archive's entries: the directories, the wrapper, the script, the user's files (their modes kept). */
export function payloadEntries(p: InitramfsPayloadPlan, readFile: (f: string) => { data: Buffer; mode: number }): CpioEntry[] {
  const dir = p.guestDir.slice(1);
  const files = p.block.files.map((f) => { const r = readFile(f); return { name: `${dir}/${path.basename(f)}`, mode: 0o100000 | (r.mode & 0o7777), data: r.data }; });
  return [
    { name: PAYLOAD_ROOT, mode: 0o040755 },
    { name: dir, mode: 0o040755 },
    { name: `${dir}/init`, mode: 0o100755, data: Buffer.from(wrapperInit({ guestDir: p.guestDir, shell: p.shell, realInit: p.realInit, name: p.block.name })) },
    { name: `${dir}/payload.sh`, mode: 0o100755, data: Buffer.from(payloadScript(p.block)) },
    ...files,
  ];
}

/** Writes the initramfs QEMU boots: our archive first (uncompressed), then the user's file as it is. */
export function writeInitramfs(p: InitramfsPayloadPlan): void {
  const ours = newcArchive(payloadEntries(p, (f) => ({ data: fs.readFileSync(f), mode: fs.statSync(f).mode })));
  fs.mkdirSync(path.dirname(p.initrd), { recursive: true });
  fs.writeFileSync(p.initrd, Buffer.concat([ours, fs.readFileSync(p.userInitrd)]));
}
