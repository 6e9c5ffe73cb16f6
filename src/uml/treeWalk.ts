// Walking a kernel tree's files: one walker for KUnit discovery, the build's change check, the
// Kconfig index and the module search. Hidden directories (.git, .tmp_versions) are never entered.
import * as fs from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';

export interface WalkOptions {
  /** Directories not to enter (besides hidden ones), by full path and name. */
  skipDir?: (dir: string, name: string) => boolean;
  maxDepth?: number;
  /** Checked before each directory: true ends the walk early. */
  stop?: () => boolean;
}

/** Calls `file` for every regular file under `root`, reading directories in parallel. */
export async function walkFiles(root: string, file: (p: string, name: string) => void | Promise<void>, o: WalkOptions = {}): Promise<void> {
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (o.stop?.()) return;
    let entries: fs.Dirent[];
    try { entries = await fsp.readdir(dir, { withFileTypes: true }); } catch { return; }
    await Promise.all(entries.map(async (e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && depth < (o.maxDepth ?? 64) && !o.skipDir?.(p, e.name)) await walk(p, depth + 1);
      } else if (e.isFile()) {
        await file(p, e.name);
      }
    }));
  };
  await walk(root, 0);
}

/** The same, synchronously (small walks in a language server or the adapter). */
export function walkFilesSync(root: string, file: (p: string, name: string) => void, o: WalkOptions = {}): void {
  const walk = (dir: string, depth: number): void => {
    if (o.stop?.()) return;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && depth < (o.maxDepth ?? 64) && !o.skipDir?.(p, e.name)) walk(p, depth + 1);
      } else if (e.isFile()) {
        file(p, e.name);
      }
    }
  };
  walk(root, 0);
}
