// "The kernel is older than its sources": before F5, a kernel binary older than its .config, or
// than source files saved in this window under its tree, is probably not what the user means
// to debug. Cheap: two stats and the files this window saved (never a scan of the tree).
import * as fs from 'fs';
import * as path from 'path';

export interface Stamp { file: string; mtimeMs: number }

/** Why the kernel looks stale, or undefined. Pure over the stamps. */
export function staleness(kernel: Stamp, config: Stamp | undefined, saved: Stamp[]): string | undefined {
  if (config && config.mtimeMs > kernel.mtimeMs) return `${path.basename(config.file)} changed after ${path.basename(kernel.file)} was built`;
  const newer = saved.filter((s) => s.mtimeMs > kernel.mtimeMs).map((s) => s.file);
  if (newer.length) return `${newer.length === 1 ? path.basename(newer[0]) : `${newer.length} files (${newer.slice(0, 3).map((f) => path.basename(f)).join(', ')}${newer.length > 3 ? ', ...' : ''})`} changed after ${path.basename(kernel.file)} was built`;
  return undefined;
}

/** Source files (C, headers, assembler, Kconfig, Makefiles) this window saved, by path. */
export class SavedSources {
  private saved = new Map<string, number>();
  private built = new Map<string, number>();

  /**
   * A build of `kernel` that started at `startedMs` succeeded: what was saved before then is in
   * it, even when make found nothing to relink (a file outside the build, an unchanged .config).
   */
  settle(kernel: string, startedMs: number): void { this.built.set(kernel, startedMs); }

  settledAt(kernel: string): number { return this.built.get(kernel) ?? 0; }

  note(file: string): void {
    if (!/\.(c|h|S)$|\/(Kconfig[^/]*|Makefile|Kbuild)$/.test(file)) return;
    try { this.saved.set(file, fs.statSync(file).mtimeMs); } catch { /* gone */ }
  }

  /** The saved files under `dir` (the kernel's tree). */
  under(dir: string): Stamp[] {
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    return [...this.saved].filter(([f]) => f.startsWith(prefix)).map(([file, mtimeMs]) => ({ file, mtimeMs }));
  }
}

/** The check for a kernel binary: its build directory's .config and the window's saved sources. */
export function kernelStaleness(kernel: string, sources: SavedSources): string | undefined {
  try {
    const real = fs.realpathSync(kernel);
    const k = { file: kernel, mtimeMs: Math.max(fs.statSync(real).mtimeMs, sources.settledAt(real)) };
    const cfgFile = path.join(path.dirname(real), '.config');
    const cfg = fs.existsSync(cfgFile) ? { file: cfgFile, mtimeMs: fs.statSync(cfgFile).mtimeMs } : undefined;
    return staleness(k, cfg, sources.under(path.dirname(real)));
  } catch {
    return undefined;  // the adapter says what is wrong with the kernel
  }
}
