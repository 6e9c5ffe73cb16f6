// A payload in a UML guest whose root is a host directory (hostfs): the wrapper init, the
// payload script and the user's files go into <rootfs>/.uml-kernel-debug/<umid>, which the
// session removes when it ends (and a later launch removes when a crashed adapter left it).
// hostfs writes go straight to the host's files, so the host reads the payload's end there.
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../uml/cmdline';
import { PAYLOAD_ROOT, PayloadBlock, payloadScript, wrapperInit } from './guestScripts';

/** Checks a launch's "payload" block; file paths made absolute. */
export function checkPayload(p: PayloadBlock, abs: (f: string) => string): Required<PayloadBlock> {
  if (!p || !Array.isArray(p.commands) || !p.commands.length || p.commands.some((c) => typeof c !== 'string')) {
    throw new ConfigError('"payload.commands" must be a list of shell command lines for the guest to run, e.g. ["./repro"].');
  }
  const name = p.name ?? 'payload';
  if (!/^[\w. -]{1,40}$/.test(name)) throw new ConfigError(`"payload.name": "${name}" must be letters, digits, space, '.', '_' or '-'.`);
  const files = (p.files ?? []).map(abs);
  for (const f of files) {
    let st: fs.Stats;
    try { st = fs.statSync(f); } catch { throw new ConfigError(`"payload.files": ${f} not found.`); }
    if (!st.isFile()) throw new ConfigError(`"payload.files": ${f} is not a file.`);
  }
  const base = files.map((f) => path.basename(f));
  const dup = base.find((b, i) => base.indexOf(b) !== i || ['init', 'payload.sh', 'output', 'status', 'rc'].includes(b));
  if (dup) throw new ConfigError(`"payload.files": two files named ${dup}, or a name the payload directory uses itself (init, payload.sh, output, status, rc): rename it.`);
  const stopOn = p.stopOn ?? [];
  if (stopOn.some((k) => !['panic', 'oops', 'warn', 'signal'].includes(k))) throw new ConfigError(`"payload.stopOn": ${JSON.stringify(stopOn)}: each is one of panic, oops, warn, signal.`);
  return { commands: p.commands, files, name, stopOn };
}

/** The shell that runs the wrapper, as the guest will find it: /bin/sh, else BusyBox's own. */
export function guestShell(rootfs: string): string[] {
  const has = (p: string) => { try { fs.lstatSync(path.join(rootfs, p)); return true; } catch { return false; } };
  if (has('bin/sh')) return ['/bin/sh'];
  if (has('bin/busybox')) return ['/bin/busybox', 'sh'];
  throw new ConfigError(`"payload" needs a shell in the guest: ${rootfs} has neither /bin/sh nor /bin/busybox.`);
}

export interface HostfsPayloadPlan {
  rootfs: string;
  umid: string;
  block: Required<PayloadBlock>;
  shell: string[];
  realInit?: string;
}

export const guestDirOf = (umid: string) => `/${PAYLOAD_ROOT}/${umid}`;

export class HostfsPayload {
  private timer: NodeJS.Timeout | undefined;
  private reported = false;

  constructor(private readonly p: HostfsPayloadPlan) {}

  get hostDir(): string { return path.join(this.p.rootfs, PAYLOAD_ROOT, this.p.umid); }

  /** Writes the wrapper, the script and the files; the guest's init= is the wrapper. */
  install(isRunning: (umid: string) => boolean): void {
    this.removeStale(isRunning);
    const dir = this.hostDir;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'init'), wrapperInit({ guestDir: guestDirOf(this.p.umid), shell: this.p.shell, realInit: this.p.realInit, name: this.p.block.name }), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'payload.sh'), payloadScript(this.p.block), { mode: 0o755 });
    for (const f of this.p.block.files) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  }

  /** Directories of sessions whose kernel no longer runs (an adapter that was killed left them). */
  private removeStale(isRunning: (umid: string) => boolean): void {
    const root = path.join(this.p.rootfs, PAYLOAD_ROOT);
    let names: string[] = [];
    try { names = fs.readdirSync(root); } catch { return; }
    for (const n of names) if (n !== this.p.umid && !isRunning(n)) fs.rmSync(path.join(root, n), { recursive: true, force: true });
  }

  /** Polls for the payload's end (the guest writes `status` after the output). */
  watch(report: (status: number, output: string) => void, everyMs = 200): void {
    this.stopWatch();
    this.timer = setInterval(() => {
      if (this.reported) return;
      let status: string;
      try { status = fs.readFileSync(path.join(this.hostDir, 'status'), 'utf8'); } catch { return; }
      if (!/^\d+\n/.test(status)) return;  // still being written
      this.reported = true;
      let output = '';
      try { output = fs.readFileSync(path.join(this.hostDir, 'output'), 'utf8'); } catch { /* it printed nothing */ }
      report(Number(status.trim()), output);
    }, everyMs);
    this.timer.unref();
  }

  /** A reboot runs the payload again: its last run's results go. */
  reset(): void {
    this.reported = false;
    for (const f of ['rc', 'output', 'status']) fs.rmSync(path.join(this.hostDir, f), { force: true });
  }

  private stopWatch(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The root filesystem as it was: our directory goes, and its parent when nothing else is in it. */
  remove(): void {
    this.stopWatch();
    fs.rmSync(this.hostDir, { recursive: true, force: true });
    try { fs.rmdirSync(path.join(this.p.rootfs, PAYLOAD_ROOT)); } catch { /* another session's payload is there */ }
  }
}
