// Shared steps of the root filesystem recipes: target checks, logging, cancellation, fix-ups.
import * as fs from 'fs';
import * as path from 'path';
import { findExecutable } from '../uml/host';

export class RootfsError extends Error {}

export interface RecipeContext {
  /** One line per step and whatever the tools print. */
  log: (text: string) => void;
  /** The current step, for a progress notification. */
  step: (text: string) => void;
  signal?: AbortSignal;
}

export function need(tool: string, pkg: string): string {
  const p = findExecutable(tool) ?? findExecutable(`/usr/sbin/${tool}`) ?? findExecutable(`/sbin/${tool}`);
  if (!p) throw new RootfsError(`${tool} not found: install it with apt-get install ${pkg}.`);
  return p;
}

/** The target must be new or an empty directory: we never write into someone's files. */
export function checkTarget(target: string): void {
  if (!path.isAbsolute(target)) throw new RootfsError(`Target ${target} must be an absolute path.`);
  if (fs.existsSync(target)) {
    const st = fs.statSync(target);
    if (!st.isDirectory()) throw new RootfsError(`${target} exists and is not a directory: choose a new or empty folder.`);
    if (fs.readdirSync(target).length) throw new RootfsError(`${target} exists and is not empty: choose a new or empty folder.`);
  }
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) throw new RootfsError(`The parent folder ${parent} does not exist.`);
}

export function checkSpace(dir: string, needBytes: number): void {
  const st = fs.statfsSync(fs.existsSync(dir) ? dir : path.dirname(dir));
  const free = st.bavail * st.bsize;
  if (free < needBytes) {
    const mb = (n: number) => `${Math.ceil(n / 1048576)} MB`;
    throw new RootfsError(`Not enough space on the disk of ${dir}: need about ${mb(needBytes)}, ${mb(free)} free.`);
  }
}

export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new RootfsError('Cancelled.');
}

/** Removes what a failed or cancelled recipe left: the target if we created it, else its content. */
export function cleanTarget(target: string, existedBefore: boolean): void {
  if (!fs.existsSync(target)) return;
  if (!existedBefore) { fs.rmSync(target, { recursive: true, force: true }); return; }
  for (const e of fs.readdirSync(target)) fs.rmSync(path.join(target, e), { recursive: true, force: true });
}

const write = (root: string, rel: string, text: string, mode?: number) => {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text, mode ? { mode } : undefined);
};

/**
 * Fix-ups every distribution tree gets for UML: fstab for hostfs root, hostname, an empty
 * root password, and a getty on the UML console (tty0) when the tree has an inittab.
 */
export function fixUpForUml(root: string, hostname: string, ctx: RecipeContext): void {
  ctx.step('Fixing up for UML (fstab, hostname, console getty, root password)');
  write(root, 'etc/fstab', '# UML Kernel Debug: the root is the host directory (hostfs) or ubd0\n/dev/root / auto defaults 0 0\nproc /proc proc defaults 0 0\n');
  write(root, 'etc/hostname', `${hostname}\n`);
  const shadow = path.join(root, 'etc', 'shadow');
  if (fs.existsSync(shadow)) {
    // Empty password: log in as root with no password on the console.
    fs.writeFileSync(shadow, fs.readFileSync(shadow, 'utf8').replace(/^root:[^:]*:/m, 'root::'));
  }
  const inittab = path.join(root, 'etc', 'inittab');
  if (fs.existsSync(inittab)) {
    const text = fs.readFileSync(inittab, 'utf8');
    if (!/\btty0\b/.test(text)) {
      const getty = fs.existsSync(path.join(root, 'sbin', 'agetty')) ? '/sbin/agetty --noclear -L tty0 38400 linux' : '/sbin/getty 38400 tty0';
      // BusyBox inittab lines have an empty runlevels field (id::action:process); sysvinit's do not.
      const line = /^[^#:\n]*::\w+:/m.test(text) ? `tty0::respawn:${getty}` : `c0:2345:respawn:${getty}`;
      fs.writeFileSync(inittab, `${text.replace(/\n?$/, '\n')}# UML console (con0)\n${line}\n`);
    }
  }
  ctx.log(`fix-ups done in ${root}\n`);
}

export { write };
