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

type Stop = { reason: string; text?: string };

/** A session's snapshots: where they go, the stop they record, and the save at a crash stop. */
export class SessionSnapshots {
  private onCrash = false;
  private to?: { dir: string; id: string; extra: Partial<SnapshotMeta> };
  private stop?: Stop;

  configure(a: { snapshotOnCrash?: boolean; snapshotDir?: string; umid?: string; kernelArgs?: string[] }, id: string): void {
    this.onCrash = !!a.snapshotOnCrash;
    this.to = { dir: snapshotDir(a.snapshotDir), id, extra: { umid: a.umid, cmdline: a.kernelArgs?.join(' ') } };
  }

  /** The stop the user sees: what a snapshot saved now records. */
  stopped(stop: Stop): void { this.stop = stop; }

  /** "Save Crash Snapshot": to `file`, or a fresh name in the snapshot directory. */
  save(rt: Runtime, file?: string): Promise<SavedSnapshot> {
    const { to, stop } = this;
    if (!to || !stop) return Promise.reject(new Error('Nothing to save: the kernel has not stopped yet.'));
    return saveSnapshot(rt, file ?? path.join(to.dir, snapshotName(to.id)), stop, to.extra);
  }

  /** A Kernel panic / Oops / BUG stop with snapshotOnCrash: saved before anything else runs, said either way. */
  async atCrash(rt: Runtime, say: (text: string) => void): Promise<void> {
    if (!this.onCrash) return;
    await this.save(rt).then(
      (r) => say(`Crash snapshot saved: ${r.file} (${(r.bytes / 1048576).toFixed(0)} MB in ${(r.ms / 1000).toFixed(1)} s). Open it later with "UML: Open Crash Snapshot...".`),
      (e: Error) => say(e.message));
  }
}
