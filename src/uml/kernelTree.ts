// Recognising a kernel tree built for UML, for F5 without launch.json.
import * as fs from 'fs';
import * as path from 'path';

/** The UML binary of a kernel tree: the folder has arch/um and a built linux (or vmlinux). */
export function kernelBinaryIn(folder: string): string | undefined {
  if (!fs.existsSync(path.join(folder, 'arch', 'um'))) return undefined;
  for (const name of ['linux', 'vmlinux']) {
    const p = path.join(folder, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}
