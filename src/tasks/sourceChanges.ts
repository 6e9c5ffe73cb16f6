// "Has any source changed since the kernel was linked?": the files make would rebuild from
// (C, headers, assembler, Rust, linker scripts, Kconfig, Makefiles, .config) newer than the
// kernel binary. A stat walk of the tree takes a fraction of a second; make itself needs seconds
// to find nothing to do, which is why the "if changed" task asks this first.
import * as fs from 'fs';
import * as path from 'path';
import { walkFilesSync } from '../uml/treeWalk';

// *.mod.c: modpost's output, written for every module.
const SOURCE = /^(?!.*\.mod\.c$).*\.(c|h|S|rs|lds|dts|dtsi)$|^(Kconfig|Makefile|Kbuild)/;
// Not inputs of `make linux`: documentation, userspace tools, and what the build itself generates.
const SKIP_TOP = new Set(['Documentation', 'tools', 'rootfs', 'LICENSES']);
const GENERATED = /\/(include\/generated|include\/config|arch\/[^/]+\/include\/generated)$/;

export interface SourceChanges {
  /** Changed files (at most `limit`), relative to the tree. */
  newer: string[];
  /** Source files looked at. */
  checked: number;
}

/**
 * Sources under `tree` newer than `kernel` (plus the build directory's .config). Synchronous: it
 * runs in a process of its own, and sync stats walk the tree about three times faster.
 */
export function sourcesNewerThan(tree: string, kernel: string, o: { buildDir?: string; limit?: number } = {}): SourceChanges {
  const since = fs.statSync(kernel).mtimeMs;
  const limit = o.limit ?? 20;
  const newer: string[] = [];
  let checked = 0;
  const config = path.join(o.buildDir ?? tree, '.config');
  if (fs.existsSync(config) && fs.statSync(config).mtimeMs > since) newer.push(path.relative(tree, config) || '.config');
  const buildDir = o.buildDir && path.resolve(o.buildDir) !== path.resolve(tree) ? path.resolve(o.buildDir) : undefined;
  walkFilesSync(tree, (p, name) => {
    if (!SOURCE.test(name) || newer.length >= limit) return;
    checked++;
    let mtime: number;
    try { mtime = fs.statSync(p).mtimeMs; } catch { return; }  // gone meanwhile
    // Kbuild writes .<file>.cmd beside everything it generates (scripts/module.lds, ...).
    if (mtime > since && !fs.existsSync(path.join(path.dirname(p), `.${name}.cmd`))) newer.push(path.relative(tree, p));
  }, {
    stop: () => newer.length >= limit,
    skipDir: (p, name) => (path.dirname(p) === tree && SKIP_TOP.has(name)) || GENERATED.test(p) || p === buildDir,
  });
  return { newer: newer.sort(), checked };
}

/** One line for the task's terminal. */
export function describeChanges(c: SourceChanges, kernel: string): string {
  if (!c.newer.length) return `${path.basename(kernel)} is up to date: none of ${c.checked} source files changed since it was linked; make skipped.`;
  const shown = c.newer.slice(0, 5).join(', ');
  return `Changed since ${path.basename(kernel)} was linked: ${shown}${c.newer.length > 5 ? ` and more` : ''}. Building.`;
}
