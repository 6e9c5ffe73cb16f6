// Whether this host delivers hardware watchpoint traps. Some hypervisors do not pass debug-register
// traps to their VMs: gdb then sets "Hardware watchpoint 2" and the watched write never stops the
// program, so a data breakpoint would wait forever. Probed with gdb on a standard binary (no native
// code of ours), once per host boot: the answer is kept on disk under the boot id.
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { cacheDir, findExecutable } from '../uml/host';

export type HwWatchTraps = 'delivered' | 'missing' | 'unknown';

export interface HwWatchProbe {
  traps: HwWatchTraps;
  /** missing: no trap on a write that happened, or gdb could not use the debug registers at all. */
  reason?: 'no-trap' | 'no-registers';
  /** What the probe saw, in a few words (gdb's own line where it refused). */
  detail: string;
  /** The program gdb ran. */
  program?: string;
}

/**
 * gdb stops the program at its first instruction, watches the word just below the stack pointer
 * (the dynamic loader's first `call` writes its return address there) and runs it to exit_group.
 * The word is printed before and after: a changed word without a trap means the trap was lost.
 */
export function probeArgs(program: string): string[] {
  const ex = (c: string) => ['-ex', c];
  return [
    '-nx', '--batch', '-iex', 'set startup-with-shell off', '-iex', 'set disable-randomization off',
    ...ex('starti'),
    ...ex('set $ukd_slot = (long *)($sp - sizeof(long))'),
    ...ex('printf "ukd-probe before=%lu\\n", *$ukd_slot'),
    ...ex('watch -l *$ukd_slot'),
    ...ex('catch syscall exit_group'),
    ...ex('continue'),
    ...ex('printf "ukd-probe after=%lu\\n", *$ukd_slot'),
    program,
  ];
}

/** The verdict from gdb's output (stdout and stderr together). */
export function parseHwWatchProbe(out: string): HwWatchProbe {
  const insertFailed = /Could not insert hardware (watchpoint|breakpoint)[^\n]*/.exec(out);
  if (insertFailed) return { traps: 'missing', reason: 'no-registers', detail: `gdb said "${insertFailed[0].trim()}"` };
  const hardware = /^Hardware watchpoint \d+: /m.test(out);
  if (!hardware && /^Watchpoint \d+: /m.test(out)) return { traps: 'missing', reason: 'no-registers', detail: 'gdb could only set a software watchpoint' };
  if (!hardware) return { traps: 'unknown', detail: `the probe did not run: ${lastWords(out)}` };
  if (/^Old value = .*\nNew value = /m.test(out)) return { traps: 'delivered', detail: 'the watched write stopped it' };
  const before = /^ukd-probe before=(\d+)$/m.exec(out)?.[1];
  const after = /^ukd-probe after=(\d+)$/m.exec(out)?.[1];
  if (/^Catchpoint \d+ \(call to syscall exit_group\)/m.test(out) && before !== undefined && after !== undefined) {
    return before !== after
      ? { traps: 'missing', reason: 'no-trap', detail: 'the watched write did not stop it' }
      : { traps: 'unknown', detail: 'the program did not write the watched word' };
  }
  // No exit_group catchpoint (a gdb without syscall names): the write cannot be confirmed, but the
  // dynamic loader's first call always makes it.
  if (/^\[Inferior \d+ \(process \d+\) exited (normally|with code \d+)\]$/m.test(out)) return { traps: 'missing', reason: 'no-trap', detail: 'the watched write did not stop it' };
  return { traps: 'unknown', detail: `no stop and no exit: ${lastWords(out)}` };
}

function lastWords(out: string): string {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /error|not permitted|cannot|no such/i.test(l)) ?? lines[lines.length - 1] ?? 'no output').slice(0, 200);
}

/** What the user reads when data breakpoints are refused on this host; undefined where they work (or nobody knows). */
export function hwWatchRefusal(p: HwWatchProbe): string | undefined {
  if (p.traps !== 'missing') return undefined;
  const checked = `checked with gdb on ${p.program ?? '/bin/true'}: ${p.detail}`;
  if (p.reason === 'no-registers') {
    return `This host gives gdb no hardware watchpoints (${checked}; some hypervisors do not pass debug registers to their VMs): a data breakpoint would need a software watchpoint, which single-steps the whole kernel. Use a host or VM with debug-register support.`;
  }
  return `This host does not deliver hardware watchpoint traps (${checked}; some hypervisors do not pass debug-register traps to their VMs): a data breakpoint would never stop. Use a host or VM with debug-register support.`;
}

/** Runs the probe (uncached). Never fails: a probe that cannot run says unknown. */
export async function probeHwWatch(gdbPath: string): Promise<HwWatchProbe> {
  const gdb = findExecutable(gdbPath);
  const program = fs.existsSync('/bin/true') ? '/bin/true' : findExecutable('true');
  if (!gdb || !program) return { traps: 'unknown', detail: gdb ? 'no /bin/true to run' : `${gdbPath} not found` };
  try {
    // English messages to parse; no debuginfod download for /bin/true's libraries.
    const r = await execa(gdb, probeArgs(program), {
      all: true, reject: false, timeout: 15000, stdin: 'ignore',
      env: { LC_ALL: 'C', LANG: 'C', DEBUGINFOD_URLS: '' },
    });
    if (r.timedOut) return { traps: 'unknown', detail: 'gdb did not finish in 15 s', program };
    return { ...parseHwWatchProbe(r.all ?? ''), program };
  } catch (e) {
    return { traps: 'unknown', detail: (e as Error).message, program };
  }
}

const CACHE_FILE = 'host-hw-watch.json';

function bootId(): string | undefined {
  try { return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(); } catch { return undefined; }
}

/** This boot's cached verdict, if a probe has run since the host booted. */
export function cachedHwWatch(): HwWatchProbe | undefined {
  const id = bootId();
  if (!id) return undefined;
  try {
    const c = JSON.parse(fs.readFileSync(path.join(cacheDir(), CACHE_FILE), 'utf8')) as { bootId: string; probe: HwWatchProbe };
    return c.bootId === id ? c.probe : undefined;
  } catch {
    return undefined;  // first time on this boot
  }
}

const probes = new Map<string, Promise<HwWatchProbe>>();

/** The host's verdict: from this boot's cache, else probed (cached when definite). */
export function hwWatch(gdbPath: string): Promise<HwWatchProbe> {
  let p = probes.get(gdbPath);
  if (!p) {
    p = cachedOrProbe(gdbPath);
    probes.set(gdbPath, p);
    // An unknown answer (gdb missing, a timeout on a loaded host) is asked again next session.
    void p.then((r) => { if (r.traps === 'unknown') probes.delete(gdbPath); });
  }
  return p;
}

async function cachedOrProbe(gdbPath: string): Promise<HwWatchProbe> {
  const cached = cachedHwWatch();
  if (cached) return cached;
  const probe = await probeHwWatch(gdbPath);
  const id = bootId();
  if (id && probe.traps !== 'unknown') {
    try {
      fs.mkdirSync(cacheDir(), { recursive: true });
      fs.writeFileSync(path.join(cacheDir(), CACHE_FILE), JSON.stringify({ bootId: id, probe }));
    } catch { /* a read-only cache only costs the next session a probe */ }
  }
  return probe;
}

/** The refusal for data breakpoints on this host, or undefined where they can stop. */
export async function hwWatchRefusalFor(gdbPath: string): Promise<string | undefined> {
  return hwWatchRefusal(await hwWatch(gdbPath));
}
