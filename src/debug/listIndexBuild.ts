// The list index of a kernel build (listIndex.ts): every C file the build compiled (a .o beside
// it, or under an O= build's `source` tree), scanned in the background without holding the
// adapter (a pause between files), and kept in the cache per build directory for as long as the
// kernel binary is the same one. About 0.5 s for a UML defconfig build (900 files).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ListIndex, fileGlobals, mergeUses, scanSource } from './listIndex';
import type { HeadUse } from './listIndex';

/** The C sources of the objects under `buildDir` (the source tree: O= builds link it as `source`). */
export async function compiledSources(buildDir: string): Promise<string[]> {
  const src = fs.existsSync(path.join(buildDir, 'source')) ? fs.realpathSync(path.join(buildDir, 'source')) : buildDir;
  const out: string[] = [];
  const entries = await fs.promises.readdir(buildDir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.o') || e.name.endsWith('.mod.o')) continue;
    const rel = path.relative(buildDir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
    const c = path.join(src, rel.replace(/\.o$/, '.c'));
    if (fs.existsSync(c)) out.push(c);
  }
  return out;
}

const pause = () => new Promise<void>((r) => setImmediate(r));

export async function buildListIndex(files: string[], signal?: AbortSignal): Promise<ListIndex> {
  const texts: string[] = [];
  for (const f of files) {
    if (signal?.aborted) throw new Error('cancelled');
    texts.push(await fs.promises.readFile(f, 'utf8').catch(() => ''));
  }
  const globals = new Map<string, string>();
  for (const t of texts) for (const [k, v] of fileGlobals(t)) globals.set(k, v);
  const uses: HeadUse[] = [];
  for (const t of texts) {
    if (signal?.aborted) throw new Error('cancelled');
    uses.push(...scanSource(t, globals));
    await pause();
  }
  return mergeUses(uses);
}

/** The index of one kernel build: from the cache when the kernel binary is unchanged, else built once. */
export class ListIndexOf {
  private index?: ListIndex;
  private building?: Promise<ListIndex | undefined>;
  private readonly ac = new AbortController();

  constructor(private readonly buildDir: string, private readonly kernel: string, private readonly cacheDir: string) {}

  /** Whatever is ready now (undefined while building). */
  get ready(): ListIndex | undefined { return this.index; }

  /** Starts (once) reading or building the index; resolves when it is there (undefined: failed). */
  start(): Promise<ListIndex | undefined> {
    this.building ??= this.load().then((i) => { this.index = i; return i; }, () => undefined);
    return this.building;
  }

  /**
   * After the first stop: starts once, `ms` later (the stop's views are filled first, beside the
   * user), and calls `ready` when the index is there: heads it names show as lists from then on.
   */
  startLater(ms: number, ready: () => void): void {
    if (this.timer || this.building) return;
    this.timer = setTimeout(() => void this.start().then((i) => { if (i) ready(); }), ms);
  }
  private timer?: NodeJS.Timeout;

  stop(): void { clearTimeout(this.timer); this.ac.abort(); }

  private async load(): Promise<ListIndex> {
    const stamp = `v2-${fs.statSync(this.kernel).mtimeMs}`;  // v2: heads and nodes
    const file = path.join(this.cacheDir, 'list-index', `${crypto.createHash('sha1').update(path.resolve(this.buildDir)).digest('hex').slice(0, 16)}.json`);
    try {
      const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as { stamp: string; index: ListIndex };
      if (cached.stamp === stamp) return cached.index;
    } catch { /* none yet, or unreadable: build it */ }
    const index = await buildListIndex(await compiledSources(this.buildDir), this.ac.signal);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ stamp, index }));
    fs.renameSync(`${file}.tmp`, file);
    return index;
  }
}
