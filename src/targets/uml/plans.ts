// Turns launch arguments into a checked plan: every bad input fails here, before any process starts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UmlLaunchArguments, UmlAttachArguments, DEFAULT_MEM } from '../config';
import { ConfigError, ConsoleWiring, KernelCmdlineInput, RootfsKind, checkUmid, freshUmid, kernelCmdline, umlDirFromArgs } from '../../uml/cmdline';
import { checkKernel, KernelInfo } from '../../uml/kernelCheck';
import { findExecutable, runningPid, cacheDir, isAlive, readCmdline, executableOf } from '../../uml/host';
import { GdbinitInput, gdbinit } from '../../gdb/gdbinit';
import { gdbMissing } from '../../gdb/gdb';
import type { TargetPlan } from '../target';
import { HELPER_FILE } from '../sessionFiles';
import { HostfsPayloadPlan, checkPayload, guestDirOf, guestShell } from '../payload/hostfsPayload';

/** A UML kernel: a host process gdb starts (launch) or joins (attach). */
export interface UmlPlan extends TargetPlan {
  attachPid?: number;
  umid: string;
  umlDir: string;
  /** The kernel's command line. */
  args: string[];
  /** integratedTerminal under gdb: the terminal's tty, which the kernel opens as its console. */
  consoleTty?: string;
  /** integratedTerminal under gdb, before the terminal exists: the command line waits for bindConsoleTty. */
  awaitingTty?: boolean;
  /** What the kernel command line and the gdbinit are made of, to bind the tty without checking again. */
  cmdline?: Omit<KernelCmdlineInput, 'console'>;
  gdbinitInput?: Omit<GdbinitInput, 'args'>;
  /** The launch's "payload": written into the hostfs root at start, removed at the end. */
  payload?: HostfsPayloadPlan;
}

/** The terminal exists: its tty becomes the kernel's console. Pure; nothing is checked again. */
export function bindConsoleTty(plan: UmlPlan, tty: string): UmlPlan {
  if (!plan.awaitingTty || !plan.cmdline || !plan.gdbinitInput) throw new Error('this plan does not wait for a terminal');
  const args = kernelCmdline({ ...plan.cmdline, console: { kind: 'tty', path: tty } });
  return { ...plan, consoleTty: tty, awaitingTty: false, args, gdbinitText: gdbinit({ ...plan.gdbinitInput, args }) };
}

/** Console fds handed to gdb as extra pipes (internalConsole). */
export const CONSOLE_FDS = { inFd: 3, outFd: 4 };

export function rootfsKind(rootfs: string | undefined): RootfsKind {
  if (rootfs === undefined || rootfs === '') return 'none';
  let st: fs.Stats;
  try {
    st = fs.statSync(rootfs);
  } catch {
    throw new ConfigError(`Root filesystem not found: ${rootfs}. Create one (command "UML: Create Root Filesystem...", or a busybox tree) or fix "rootfs" in launch.json.`);
  }
  if (st.isDirectory()) return 'hostfs';
  if (st.isFile() || st.isBlockDevice()) return 'image';
  throw new ConfigError(`"rootfs": ${rootfs} is neither a directory (hostfs) nor an image file (ubd0).`);
}

/**
 * Checks everything once and makes the plan. integratedTerminal under gdb: the kernel opens the
 * terminal's tty as its console, so the plan waits for bindConsoleTty; without gdb (noDebug)
 * the kernel itself runs in the terminal.
 */
export function makeLaunchPlan(a: UmlLaunchArguments, consoleMode: 'integratedTerminal' | 'internalConsole'): UmlPlan {
  const cwd = a.cwd;
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.resolve(cwd ?? process.cwd(), p));
  const mem = a.mem ?? DEFAULT_MEM;
  const umid = a.umid ?? freshUmid();
  if (!a.kernel && !cwd) throw new ConfigError('No "kernel" in launch.json: set it to your UML binary (e.g. "${workspaceFolder}/linux").');
  const kernel = checkKernel(abs(a.kernel ?? 'linux'));
  const rootfs = a.rootfs ? abs(a.rootfs) : undefined;
  const kind = rootfsKind(rootfs);
  const gdbPath = a.gdbPath ?? 'gdb';
  if (!a.noDebug) requireGdb(gdbPath);
  const awaitingTty = consoleMode === 'integratedTerminal' && !a.noDebug;
  if (a.timeTravel && a.timeTravel !== 'off') requireTimeTravel(kernel.buildDir);
  const payload = a.payload ? payloadPlan(a, abs, rootfs, kind, umid) : undefined;
  // With a payload the kernel starts our wrapper, which execs the user's init.
  const init = payload ? `${guestDirOf(umid)}/init` : a.init;
  const cmdline = { rootfs, rootfsKind: kind, init, mem, umid, kernelArgs: a.kernelArgs, timeTravel: a.timeTravel };
  // kernelCmdline checks mem, umid and every argument; with a stand-in for the terminal's tty,
  // the only part still to come.
  const wiring: ConsoleWiring = consoleMode === 'internalConsole' ? { kind: 'fds', ...CONSOLE_FDS }
    : awaitingTty ? { kind: 'tty', path: '/dev/tty' } : { kind: 'stdio' };
  const args = kernelCmdline({ ...cmdline, console: wiring });
  const umlDir = a.umlDir ?? umlDirFromArgs(args, os.homedir());
  const pid = runningPid(umlDir, umid);
  if (pid) {
    throw new ConfigError(`UML instance "${umid}" is already running (pid ${pid}). Stop it (uml_mconsole ${umid} halt) or pick another "umid" in launch.json.`);
  }
  const sessionDir = path.join(cacheDir(), 'sessions', umid);
  const gdbinitInput = {
    kernel: kernel.kernel,
    buildDir: kernel.buildDir,
    gdbScripts: kernel.gdbScripts,
    helperScript: path.join(sessionDir, HELPER_FILE),
    indexCacheDir: path.join(cacheDir(), 'gdb-index'),
    setupCommands: a.setupCommands,
  };
  return {
    mode: 'launch', kernel, id: umid, umid, umlDir, gdbPath, cwd, env: a.env,
    args: awaitingTty ? [] : args,
    // Awaiting the tty: gdb can load the kernel already; the command line follows (`set args`).
    gdbinitPath: path.join(sessionDir, 'gdbinit'), gdbinitText: gdbinit({ ...gdbinitInput, args: awaitingTty ? undefined : args }), sessionDir,
    indexCacheDir: gdbinitInput.indexCacheDir,
    console: consoleMode, awaitingTty, stopOnEntry: !!a.stopOnEntry, cmdline, gdbinitInput, payload,
  };
}

/** A payload goes into a hostfs root: an image is never changed by the debugger. */
function payloadPlan(a: UmlLaunchArguments, abs: (p: string) => string, rootfs: string | undefined, kind: RootfsKind, umid: string): HostfsPayloadPlan {
  if (kind === 'image') {
    throw new ConfigError(`"payload" needs a directory as "rootfs" (booted through hostfs): ${rootfs} is an image file, which the debugger does not change. Unpack it into a directory (mount it and copy its files, or use "UML: Create Root Filesystem...") and point "rootfs" there, or remove "payload".`);
  }
  if (kind !== 'hostfs' || !rootfs) throw new ConfigError('"payload" needs "rootfs": a directory (booted through hostfs) the guest runs the payload from.');
  if ((a.kernelArgs ?? []).some((x) => /^init=/.test(x))) throw new ConfigError('"payload" starts the guest through its own init: give your init as "init", not as init= in "kernelArgs".');
  return { rootfs, umid, block: checkPayload(a.payload!, abs), shell: guestShell(rootfs), realInit: a.init };
}

/** time-travel is a kernel option: say so before booting a kernel without it (its .config tells). */
function requireTimeTravel(buildDir: string): void {
  const cfg = path.join(buildDir, '.config');
  if (!fs.existsSync(cfg)) return;  // a kernel without its tree: UML will say
  if (!/^CONFIG_UML_TIME_TRAVEL_SUPPORT=y$/m.test(fs.readFileSync(cfg, 'utf8'))) {
    throw new ConfigError(`"timeTravel" needs a kernel built with CONFIG_UML_TIME_TRAVEL_SUPPORT=y, which ${cfg} does not have: enable "Support time-travel mode" (make ARCH=um menuconfig, UML-specific options; it needs RAID6_PQ_BENCHMARK off) and rebuild, or remove "timeTravel" from launch.json.`);
  }
}

function requireGdb(gdbPath: string): void {
  if (!findExecutable(gdbPath)) throw new ConfigError(gdbMissing(gdbPath));
}

/** Attach to a running UML kernel, found by pid or umid. */
export function makeAttachPlan(a: UmlAttachArguments): UmlPlan {
  const umlDir = a.umlDir ?? path.join(os.homedir(), '.uml');
  let pid = a.pid;
  let umid = a.umid;
  if (!pid) {
    if (!umid) throw new ConfigError('Attach needs "pid" or "umid" in launch.json (see ~/.uml/<umid>/pid).');
    checkUmid(umid);
    pid = runningPid(umlDir, umid);
    if (!pid) throw new ConfigError(`No running UML instance "${umid}" under ${umlDir}. Start it first, or check "umid"/"umlDir".`);
  }
  if (!isAlive(pid)) throw new ConfigError(`No process ${pid}: the UML instance is not running. Check "pid" in launch.json.`);
  const tracer = tracerOf(pid);
  if (tracer) throw new ConfigError(`Process ${pid} is already being debugged (by pid ${tracer}). Detach that debugger first.`);
  const argv = readCmdline(pid) ?? [];
  umid ??= argv.find((x) => x.startsWith('umid='))?.slice(5) ?? String(pid);
  let kernelPath = a.kernel;
  if (!kernelPath) {
    kernelPath = executableOf(pid) ?? argv[0];
  }
  const kernel = checkKernel(kernelPath);
  const gdbPath = a.gdbPath ?? 'gdb';
  requireGdb(gdbPath);
  const sessionDir = path.join(cacheDir(), 'sessions', `attach-${umid}`);
  const indexCacheDir = path.join(cacheDir(), 'gdb-index');
  const text = gdbinit({
    kernel: kernel.kernel, buildDir: kernel.buildDir, gdbScripts: kernel.gdbScripts, indexCacheDir, setupCommands: a.setupCommands,
    helperScript: path.join(sessionDir, HELPER_FILE),
  });
  return {
    mode: 'attach', attachPid: pid, kernel, id: umid, umid, umlDir, gdbPath, args: [],
    gdbinitPath: path.join(sessionDir, 'gdbinit'), gdbinitText: text, sessionDir, indexCacheDir,
    console: 'internalConsole', stopOnEntry: false,
  };
}

function tracerOf(pid: number): number {
  try { return Number(/^TracerPid:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}
