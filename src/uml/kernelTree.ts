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
