// Host-side facts about UML instances: executables on PATH, processes of a umid, ~/.uml.
import * as fs from 'fs';
import * as path from 'path';

export function findExecutable(name: string): string | undefined {
  const isExec = (p: string) => {
    try { fs.accessSync(p, fs.constants.X_OK); return fs.statSync(p).isFile(); } catch { return false; }
  };
  if (name.includes('/')) return isExec(name) ? path.resolve(name) : undefined;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (dir && isExec(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The executable a process runs (what /proc/<pid>/exe points at), or undefined if gone. */
export function executableOf(pid: number): string | undefined {
  try { return fs.readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, ''); } catch { return undefined; }
}

export function readCmdline(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter((s) => s.length);
  } catch {
    return undefined;
  }
}

/**
 * Every host process of a UML instance: the kernel, its helper threads' processes and the
 * guest's processes all run the kernel binary with the same argv, which carries umid=.
 */
export function umidProcesses(umid: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    const argv = readCmdline(pid);
    if (argv && argv.slice(1).includes(`umid=${umid}`)) out.push(pid);
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** The pid recorded in <umlDir>/<umid>/pid if that process is alive. */
export function runningPid(umlDir: string, umid: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(umlDir, umid, 'pid'), 'utf8').trim());
    return pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Kills every process of the instance and removes its directory. Safe to call twice. */
export function killInstance(umlDir: string, umid: string, extraPids: number[] = []): number[] {
  const killed = new Set<number>();
  let found = [...umidProcesses(umid), ...extraPids.filter(isAlive)];
  // A guest process forked between the scan and the kernel's death escapes one pass (and keeps
  // the console's pipe open): scan again until a pass finds nothing new.
  for (let round = 0; round < 10 && found.some((p) => !killed.has(p)); round++) {
    for (const pid of found) {
      killed.add(pid);
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    found = umidProcesses(umid);
  }
  removeInstanceDir(umlDir, umid);
  return [...killed];
}

export function removeInstanceDir(umlDir: string, umid: string): void {
  // UML removes it on a clean halt only; a killed instance leaves pid and mconsole behind.
  fs.rmSync(path.join(umlDir, umid), { recursive: true, force: true });
}

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || '/tmp', '.cache');
  return path.join(base, 'uml-kernel-debug');
}

/** Keeps the newest `keep` session folders (each holds a gdbinit the user may want to reopen). */
export function pruneSessions(dir: string, keep: number): void {
  let entries: Array<{ p: string; t: number }>;
  try {
    entries = fs.readdirSync(dir).map((n) => path.join(dir, n)).map((p) => ({ p, t: fs.statSync(p).mtimeMs }));
  } catch {
    return;
  }
  entries.sort((a, b) => b.t - a.t);
  for (const e of entries.slice(keep)) fs.rmSync(e.p, { recursive: true, force: true });
}
