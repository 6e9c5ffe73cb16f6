// Recognising a kernel tree built for UML, for F5 without launch.json.
import * as fs from 'fs';
import * as path from 'path';

/** A kernel source tree that can build UML (the same test as the extension's activation event). */
export function isKernelTree(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'arch', 'um', 'Kconfig'));
}

/** The UML binary of a kernel tree: a built linux (or vmlinux). */
export function kernelBinaryIn(folder: string): string | undefined {
  if (!isKernelTree(folder)) return undefined;
  for (const name of ['linux', 'vmlinux']) {
    const p = path.join(folder, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The kernel binary of a folder's build directory: the folder itself must be a kernel tree; an
 * O= build directory only needs its linux (or vmlinux).
 */
export function kernelBinaryOfBuild(buildDir: string, folder: string): string | undefined {
  if (buildDir === folder) return kernelBinaryIn(folder);
  return ['linux', 'vmlinux'].map((n) => path.join(buildDir, n)).find((p) => fs.existsSync(p));
}

/** The source tree of a build directory: itself, or where an O= build's `source` link points. */
export function sourceTreeOf(buildDir: string): string {
  if (isKernelTree(buildDir)) return buildDir;
  const link = path.join(buildDir, 'source');
  try { return fs.realpathSync(link); } catch { return buildDir; }
}
