// Saving a crash snapshot at a stop: the target writes its core (UML: gdb's gcore with the
// kernel's shared memory included; QEMU: its ELF dump of the guest), under a temporary name and
// renamed when whole, then the JSON beside it (snapshot/coreFile.ts says what it holds). A full
// disk is said as such, and nothing half-written is left.
import * as fs from 'fs';
import * as path from 'path';
import type { Runtime } from './runtime';
import { buildIdOf } from '../gdb/indexCache';
import { SnapshotMeta, metaPath } from '../targets/launch';
import { cacheDir } from '../uml/host';

export interface SavedSnapshot { file: string; bytes: number; ms: number }

/** Where snapshots go unless said: the launch's snapshotDir, else the cache. */
export function snapshotDir(configured?: string): string {
  return configured || path.join(cacheDir(), 'snapshots');
}

/** A fresh file name for a snapshot of `id` (the umid or session id) at `now`. */
export function snapshotName(id: string, now = new Date()): string {
  return `${id.replace(/[^\w.-]/g, '_')}-${now.toISOString().replace(/[:.]/g, '-')}.core`;
}

export async function saveSnapshot(rt: Runtime, file: string, stop: { reason: string; text?: string }, extra: Partial<SnapshotMeta> = {}): Promise<SavedSnapshot> {
  rt.requireStopped('save a snapshot');
  const t = rt.target;
  if (!t.saveCore || !t.snapshotKind) throw new Error(t.frozen ? 'This is a snapshot already: its file is the one opened.' : 'This target cannot be saved as a snapshot.');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const t0 = Date.now();
  try {
    await rt.exclusive(() => t.saveCore!(rt.mi, partial));
    const bytes = fs.statSync(partial).size;
    const meta: SnapshotMeta = {
      version: 1, target: t.snapshotKind, kernel: t.plan.kernel.kernel, buildId: buildIdOf(t.plan.kernel.kernel),
      reason: stop.reason, text: stop.text, time: new Date().toISOString(), ...extra,
    };
    fs.writeFileSync(`${metaPath(file)}.partial`, `${JSON.stringify(meta, null, 2)}\n`);
    fs.renameSync(partial, file);
    fs.renameSync(`${metaPath(file)}.partial`, metaPath(file));
    return { file, bytes, ms: Date.now() - t0 };
  } catch (e) {
    for (const f of [partial, `${metaPath(file)}.partial`]) fs.rmSync(f, { force: true });
    const msg = (e as Error).message;
    if (/No space left on device|ENOSPC/i.test(msg)) {
      throw new Error(`Not enough disk space for the snapshot in ${path.dirname(file)} (it holds the guest's memory): free some space, or save it elsewhere (umlKernelDebug.snapshotDir). Nothing was kept.`);
    }
    throw new Error(`The snapshot was not saved: ${msg}`);
  }
}
