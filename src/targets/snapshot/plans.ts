// Opening a crash snapshot: the core checked (coreFile.ts), its JSON read, the kernel found (the
// JSON's, or "kernel" in launch.json) and held to the build-id it was saved from.
import * as fs from 'fs';
import * as path from 'path';
import { HELPER_FILE } from '../sessionFiles';
import type { TargetPlan } from '../target';
import { ConfigError } from '../../uml/cmdline';
import { cacheDir, findExecutable } from '../../uml/host';
import { checkKernel } from '../../uml/kernelCheck';
import { gdbMissing } from '../../gdb/gdb';
import { snapshotGdbinit } from '../../gdb/gdbinit';
import { buildIdOf } from '../../gdb/indexCache';
import { withElfFile } from '../../uml/elf';
import { SnapshotError, SnapshotMeta, checkCore, readMeta } from './coreFile';
import { checkVmlinux } from '../qemu/qemuArgs';

export interface SnapshotLaunchArguments { snapshot: string; kernel?: string; gdbPath?: string; cwd?: string; setupCommands?: string[] }

export interface SnapshotPlan extends TargetPlan { core: string; meta: SnapshotMeta }

export function makeSnapshotPlan(a: SnapshotLaunchArguments): SnapshotPlan {
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.resolve(a.cwd ?? process.cwd(), p));
  const core = abs(a.snapshot);
  let size: number;
  try { size = fs.statSync(core).size; } catch {
    throw new ConfigError(`Crash snapshot not found: ${core}. Snapshots are saved with "UML: Save Crash Snapshot" (or at a panic with umlKernelDebug.snapshotOnCrash).`);
  }
  const meta = readMeta(core);
  withElfFile(core, (readAt) => checkCore(readAt, size, core));
  const kernelPath = a.kernel ? abs(a.kernel) : meta.kernel;
  if (!fs.existsSync(kernelPath)) {
    throw new ConfigError(`The snapshot was saved from ${meta.kernel}, which is not there any more: set "kernel" in launch.json to that kernel (build-id ${meta.buildId ?? 'unknown'}).`);
  }
  const kernel = meta.target === 'qemu' ? checkVmlinux(kernelPath) : checkKernel(kernelPath);
  const id = buildIdOf(kernelPath);
  if (meta.buildId && id !== meta.buildId) {
    throw new SnapshotError(`${core} was saved from a kernel with build-id ${meta.buildId} (${meta.kernel}); ${kernelPath} has build-id ${id ?? 'none'}: open it with the kernel it was saved from ("kernel" in launch.json).`);
  }
  const gdb = a.gdbPath ?? 'gdb';
  if (!findExecutable(gdb)) throw new ConfigError(gdbMissing(gdb));
  const name = `snapshot-${path.basename(core).replace(/[^\w.-]/g, '_')}-${Date.now().toString(36)}`;
  const sessionDir = path.join(cacheDir(), 'sessions', name);
  const indexCacheDir = path.join(cacheDir(), 'gdb-index');
  return {
    mode: 'attach', kernel, id: name, gdbPath: gdb, cwd: a.cwd,
    gdbinitPath: path.join(sessionDir, 'gdbinit'), sessionDir, indexCacheDir,
    gdbinitText: snapshotGdbinit({ kernel: kernel.kernel, buildDir: kernel.buildDir, gdbScripts: kernel.gdbScripts, indexCacheDir, setupCommands: a.setupCommands, helperScript: path.join(sessionDir, HELPER_FILE), core }),
    console: 'internalConsole', stopOnEntry: false, core, meta,
  };
}
