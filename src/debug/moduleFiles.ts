// Where a loaded module's .ko is on the host, found without configuration where the host can
// tell: the directories the user named (moduleSearchPath), next to the sources that hold
// breakpoints (an out-of-tree module is debugged where it is built), the hostfs root the guest
// read it from, and the kernel's build directory (in-tree modules). Walks are bounded and cached.
import * as fs from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';

/** How module names and .ko file names compare (the kernel writes '_' where files have '-'). */
export const moduleKey = (name: string) => name.replace(/\.ko$/, '').replace(/-/g, '_');

/** The .ko files a build directory's modules.order lists (kernel tree or M= build), by module. */
export function modulesOrder(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  let text: string;
  try { text = fs.readFileSync(path.join(dir, 'modules.order'), 'utf8'); } catch { return found; }
  for (const l of text.split('\n').map((x) => x.trim()).filter(Boolean)) {
    // 6.1 lists foo.ko, later kernels foo.o; relative to the build directory, or absolute.
    const ko = path.resolve(dir, l.replace(/\.o$/, '.ko'));
    const k = moduleKey(path.basename(ko));
    if (!found.has(k) && isFile(ko)) found.set(k, ko);
  }
  return found;
}

function isFile(p: string): boolean {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}

/** Directories a root filesystem walk never enters: the guest's virtual file systems. */
const GUEST_VIRTUAL = new Set(['proc', 'sys', 'dev', 'run', 'node_modules']);

/** One directory's .ko files by module: its modules.order, else a bounded walk. */
export interface DirIndex { files: Map<string, string>; at: number; truncated: boolean }

/**
 * A directory's .ko files. A build directory's modules.order says it all (a kernel build without
 * one has built no modules); otherwise installed modules (lib/modules/R/modules.dep), then a
 * breadth-first walk of at most maxEntries entries: a .ko copied to the top of a hostfs root is
 * found before the walk goes deep.
 */
export async function indexDir(dir: string, o: { maxEntries: number; maxDepth: number; now: number }): Promise<DirIndex> {
  const listed = modulesOrder(dir);
  if (listed.size || (isFile(path.join(dir, '.config')) && isFile(path.join(dir, 'vmlinux')))) return { files: listed, at: o.now, truncated: false };
  const files = installedModules(dir);
  const add = (p: string) => { const k = moduleKey(path.basename(p)); if (!files.has(k)) files.set(k, p); };
  let seen = 0;
  let level = [dir];
  for (let depth = 0; level.length && depth <= o.maxDepth; depth++) {
    const next: string[] = [];
    for (const d of level) {
      if (seen >= o.maxEntries) return { files, at: o.now, truncated: true };
      let entries: fs.Dirent[];
      try { entries = await fsp.readdir(d, { withFileTypes: true }); } catch { continue; }
      seen += entries.length;
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith('.') && !GUEST_VIRTUAL.has(e.name)) next.push(path.join(d, e.name));
        else if (e.isFile() && e.name.endsWith('.ko')) add(path.join(d, e.name));
      }
    }
    level = next;
  }
  return { files, at: o.now, truncated: false };
}

/** Modules installed in a root filesystem: every lib/modules/RELEASE/modules.dep entry. */
export function installedModules(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const base of ['lib/modules', 'usr/lib/modules']) {
    let releases: string[];
    try { releases = fs.readdirSync(path.join(root, base)); } catch { continue; }
    for (const r of releases) {
      let dep: string;
      try { dep = fs.readFileSync(path.join(root, base, r, 'modules.dep'), 'utf8'); } catch { continue; }
      for (const l of dep.split('\n')) {
        const f = l.slice(0, l.indexOf(':'));
        if (!f.endsWith('.ko')) continue;  // compressed modules (.ko.xz) are no use to gdb
        const k = moduleKey(path.basename(f));
        if (!found.has(k)) found.set(k, path.resolve(root, base, r, f));
      }
    }
  }
  return found;
}

/** The directories to look in next to one source file: its own, then up to `up` parents (an M= build with subdirectories). */
export function besideSource(file: string, up = 2): string[] {
  const out: string[] = [];
  let d = path.dirname(file);
  for (let i = 0; i <= up; i++) {
    out.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return out;
}

/** A module's .ko next to breakpoint sources: `dir/name.ko`, or in a modules.order there. */
export function findBesideSources(name: string, sources: string[]): string | undefined {
  const key = moduleKey(name);
  const dirs = [...new Set(sources.map((s) => path.dirname(s)))];
  for (const d of dirs) {
    for (const f of [`${name}.ko`, `${name.replace(/_/g, '-')}.ko`]) if (isFile(path.join(d, f))) return path.join(d, f);
  }
  for (const d of [...new Set(sources.flatMap((s) => besideSource(s)))]) {
    const ko = modulesOrder(d).get(key);
    if (ko) return ko;
  }
  return undefined;
}

export interface ModuleSearch { file?: string; where: string }

export interface LocatorOptions {
  /** moduleSearchPath as the user set it (empty: not set). */
  configured: string[];
  /** The kernel's build directory (in-tree modules; the default search path). */
  buildDir: string;
  /** The hostfs root the guest boots from, if any. */
  rootfs?: string;
  /** Every source file that holds a breakpoint now. */
  sources: () => string[];
  /** Walk bounds: entries per directory walk, depth. */
  maxEntries?: number;
  maxDepth?: number;
  /** A missed module re-walks a directory at most this often (a .ko copied in meanwhile). */
  rewalkMs?: number;
  now?: () => number;
}

/** One kind of place looked in, for the message when a .ko is missing. */
interface Place { label: string; dirs: string[]; beside?: boolean }

export class ModuleLocator {
  private indexes = new Map<string, DirIndex>();

  constructor(private readonly o: LocatorOptions) {}

  /** The .ko of module `name`, and where it was looked for (for the user when it is missing). */
  async find(name: string): Promise<ModuleSearch> {
    const key = moduleKey(name);
    const sources = this.o.sources();
    const places = this.places(sources);
    for (const p of places) {
      if (p.beside) {
        const f = findBesideSources(name, sources);
        if (f) return { file: f, where: path.dirname(f) };
        continue;
      }
      for (const d of p.dirs) {
        const f = await this.lookup(d, key);
        if (f) return { file: f, where: d };
      }
    }
    return { where: this.describe(places) };
  }

  /** Directories searched, in order (the Modules view's symbolStatus). */
  searched(): string[] {
    return [...new Set(this.places(this.o.sources()).flatMap((p) => p.dirs))];
  }

  /** In order: what the user named, next to breakpoint sources, the hostfs root, the kernel build. */
  private places(sources: string[]): Place[] {
    const named = new Set(this.o.configured);
    const out: Place[] = [];
    if (named.size) out.push({ label: 'moduleSearchPath', dirs: this.o.configured });
    out.push({ label: 'next to the breakpoints\' sources', dirs: [...new Set(sources.map((s) => path.dirname(s)))], beside: true });
    if (this.o.rootfs && !named.has(this.o.rootfs)) out.push({ label: 'the root filesystem', dirs: [this.o.rootfs] });
    if (!named.has(this.o.buildDir)) out.push({ label: 'the kernel build directory', dirs: [this.o.buildDir] });
    return out;
  }

  private describe(places: Place[]): string {
    const dir = (d: string) => d + (this.indexes.get(d)?.truncated ? ` (its first ${this.maxEntries} files)` : '');
    return places.map((p) => (p.beside && !p.dirs.length ? 'next to breakpoint sources (none set)' : `${p.label} (${p.dirs.map(dir).join(', ')})`)).join(', ');
  }

  private get maxEntries(): number { return this.o.maxEntries ?? 20000; }

  /** A directory's index, cached; a miss re-walks it when the last walk is older than rewalkMs. */
  private async lookup(dir: string, key: string): Promise<string | undefined> {
    const now = (this.o.now ?? Date.now)();
    let idx = this.indexes.get(dir);
    if (idx) {
      const f = idx.files.get(key);
      if (f && isFile(f)) return f;
      if (now - idx.at < (this.o.rewalkMs ?? 5000)) return undefined;
    }
    idx = await indexDir(dir, { maxEntries: this.maxEntries, maxDepth: this.o.maxDepth ?? 10, now });
    this.indexes.set(dir, idx);
    return idx.files.get(key);
  }
}
