// gdb's index cache, keyed by the kernel's build-id. A gdb that loads a kernel with the cache
// warm answers type lookups (the Variables view's first question) in milliseconds; one that
// loaded it cold spends seconds on the first one (gdb 13 on the test kernel: 2.4 s), and filling
// the cache takes one `gdb -batch` load (about 0.6 s). So a cold kernel is warmed first, in a
// gdb of its own, and by whoever sees the kernel first (a build, the workspace, an F5).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execa } from 'execa';
import { withElfFile, elfLayout, ReadAt } from '../uml/elf';
import { warmIndexArgs } from './gdbinit';

/**
 * The GNU build-id note of an ELF file, as lowercase hex; undefined when it has none. UML's
 * linker script gathers every note into one `.notes` section; other binaries have their own.
 */
export function buildIdFrom(readAt: ReadAt): string | undefined {
  for (const sec of elfLayout(readAt).sections.filter((x) => x.name === '.note.gnu.build-id' || x.name === '.notes')) {
    const b = readAt(sec.offset, Math.min(sec.size, 1 << 16));
    for (let off = 0; off + 12 <= b.length;) {
      const namesz = b.readUInt32LE(off);
      const descsz = b.readUInt32LE(off + 4);
      const type = b.readUInt32LE(off + 8);
      const descOff = off + 12 + Math.ceil(namesz / 4) * 4;
      if (descOff + descsz > b.length) break;
      if (type === 3 && namesz === 4 && b.toString('latin1', off + 12, off + 15) === 'GNU') return b.toString('hex', descOff, descOff + descsz);
      off = descOff + Math.ceil(descsz / 4) * 4;
    }
  }
  return undefined;
}

export function buildIdOf(kernel: string): string | undefined {
  try { return withElfFile(kernel, buildIdFrom); } catch { return undefined; }
}

/**
 * True when gdb's index cache holds this build-id: gdb names its files <build-id>.<kind>
 * (gdb-index, debug_names), written as <name>-XXXXXX first and renamed when complete.
 */
export function indexCached(indexDir: string, buildId: string): boolean {
  try {
    const done = new Set([`${buildId}.gdb-index`, `${buildId}.debug_names`]);
    return fs.readdirSync(indexDir).some((f) => done.has(f));
  } catch {
    return false;
  }
}

const lockOf = (indexDir: string, buildId: string) => path.join(indexDir, `${buildId}.warming`);

function lockHolder(lock: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8').trim());
    if (!pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? -1 : undefined;
  }
}

export interface WarmResult { buildId?: string; state: 'warm' | 'filled' | 'waited' | 'no-build-id' | 'failed' | 'cancelled'; ms: number; error?: string }

export interface WarmOptions {
  gdbPath?: string;
  signal?: AbortSignal;
  /** Background warms yield the CPU to the user's work. */
  background?: boolean;
  timeoutMs?: number;
}

/**
 * Makes sure gdb's index cache holds `kernel`: nothing when it does; waits when another warm of
 * the same build-id is under way (a lock file with its pid); else loads the kernel once in a
 * gdb of its own. Never throws: a failed warm only means a slower first stop.
 */
export async function warmIndex(kernel: string, indexDir: string, o: WarmOptions = {}): Promise<WarmResult> {
  const t0 = Date.now();
  const done = (state: WarmResult['state'], buildId?: string, error?: string): WarmResult => ({ buildId, state, ms: Date.now() - t0, error });
  const buildId = buildIdOf(kernel);
  if (!buildId) return done('no-build-id');
  if (indexCached(indexDir, buildId)) return done('warm', buildId);
  const timeoutMs = o.timeoutMs ?? 300000;
  fs.mkdirSync(indexDir, { recursive: true });
  const lock = lockOf(indexDir, buildId);
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      if (lockHolder(lock) === undefined) { fs.rmSync(lock, { force: true }); continue; }  // a warm that died
      // Someone else is filling it: the cheapest way to a warm cache is to wait for them.
      while (lockHolder(lock) !== undefined && !indexCached(indexDir, buildId)) {
        if (o.signal?.aborted) return done('cancelled', buildId);
        if (Date.now() - t0 > timeoutMs) return done('failed', buildId, 'another index warm-up did not finish in time');
        await new Promise((r) => setTimeout(r, 50));
      }
      return done(indexCached(indexDir, buildId) ? 'waited' : 'failed', buildId);
    }
  }
  try {
    const p = execa(o.gdbPath ?? 'gdb', warmIndexArgs(kernel, indexDir), { reject: false, timeout: timeoutMs, cancelSignal: o.signal, stdin: 'ignore' });
    if (o.background && p.pid) { try { os.setPriority(p.pid, 10); } catch { /* not allowed: runs at normal priority */ } }
    const r = await p;
    if (r.isCanceled) return done('cancelled', buildId);
    if (!indexCached(indexDir, buildId)) return done('failed', buildId, `gdb exited ${r.exitCode ?? r.signal}: ${String(r.stderr).trim().split('\n').slice(-2).join(' ')}`);
    return done('filled', buildId);
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** What the user hears about a warm-up before a launch: only a fill or a failure is news. */
export function warmNote(w: WarmResult): { text: string; important: boolean } | undefined {
  if (w.state === 'filled') return { text: `gdb's index cache did not know this kernel (build-id ${w.buildId}): filled it first (${w.ms} ms), so the first stop shows variables at once.`, important: false };
  if (w.state === 'failed') return { text: `Could not fill gdb's index cache (${w.error}): the first stop may take seconds longer.`, important: true };
  return undefined;
}
