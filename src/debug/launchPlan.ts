// Turns launch arguments into a checked plan: every bad input fails here, before any process starts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UmlLaunchArguments, UmlAttachArguments, DEFAULT_MEM } from './config';
import { ConfigError, ConsoleWiring, RootfsKind, checkMem, checkUmid, freshUmid, kernelCmdline, umlDirFromArgs } from '../uml/cmdline';
import { checkKernel, KernelInfo } from '../uml/kernelCheck';
import { findExecutable, runningPid, cacheDir, isAlive, readCmdline } from '../uml/host';
import { gdbinit } from '../gdb/gdbinit';
import { gdbMissing } from '../gdb/gdb';

export interface LaunchPlan {
  /** launch: we start the kernel under gdb and end it; attach: gdb joins a running one and leaves it running. */
  mode: 'launch' | 'attach';
  attachPid?: number;
  kernel: KernelInfo;
  umid: string;
  umlDir: string;
  gdbPath: string;
  cwd?: string;
  env?: Record<string, string>;
  args: string[];
  gdbinitPath: string;
  gdbinitText: string;
  sessionDir: string;
  console: 'integratedTerminal' | 'internalConsole';
  /** integratedTerminal under gdb: the terminal's tty, which the kernel opens as its console. */
  consoleTty?: string;
  stopOnEntry: boolean;
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
 * consoleTty: for integratedTerminal under gdb, the terminal's tty (a placeholder while
 * validating, before the terminal is opened). Without it, integratedTerminal means the kernel
 * itself runs in the terminal (run without debugging).
 */
export function makeLaunchPlan(a: UmlLaunchArguments, consoleMode: 'integratedTerminal' | 'internalConsole', consoleTty?: string): LaunchPlan {
  const cwd = a.cwd;
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.resolve(cwd ?? process.cwd(), p));
  const mem = a.mem ?? DEFAULT_MEM;
  checkMem(mem);
  const umid = a.umid ?? freshUmid();
  checkUmid(umid);
  if (!a.kernel && !cwd) throw new ConfigError('No "kernel" in launch.json: set it to your UML binary (e.g. "${workspaceFolder}/linux").');
  const kernel = checkKernel(abs(a.kernel ?? 'linux'));
  const rootfs = a.rootfs ? abs(a.rootfs) : undefined;
  const kind = rootfsKind(rootfs);
  const gdbPath = a.gdbPath ?? 'gdb';
  requireGdb(gdbPath);
  const wiring: ConsoleWiring = consoleMode === 'internalConsole' ? { kind: 'fds', ...CONSOLE_FDS }
    : consoleTty ? { kind: 'tty', path: consoleTty } : { kind: 'stdio' };
  const args = kernelCmdline({ rootfs, rootfsKind: kind, init: a.init, mem, umid, kernelArgs: a.kernelArgs, console: wiring });
  const umlDir = a.umlDir ?? umlDirFromArgs(args, os.homedir());
  const pid = runningPid(umlDir, umid);
  if (pid) {
    throw new ConfigError(`UML instance "${umid}" is already running (pid ${pid}). Stop it (uml_mconsole ${umid} halt) or pick another "umid" in launch.json.`);
  }
  const sessionDir = path.join(cacheDir(), 'sessions', umid);
  const text = gdbinit({
    kernel: kernel.kernel,
    buildDir: kernel.buildDir,
    gdbScripts: kernel.gdbScripts,
    indexCacheDir: path.join(cacheDir(), 'gdb-index'),
    args,
    setupCommands: a.setupCommands,
  });
  return {
    mode: 'launch', kernel, umid, umlDir, gdbPath, cwd, env: a.env, args,
    gdbinitPath: path.join(sessionDir, 'gdbinit'), gdbinitText: text, sessionDir,
    console: consoleMode, consoleTty, stopOnEntry: !!a.stopOnEntry,
  };
}

function requireGdb(gdbPath: string): void {
  if (!findExecutable(gdbPath)) throw new ConfigError(gdbMissing(gdbPath));
}

/** Attach to a running UML kernel, found by pid or umid. */
export function makeAttachPlan(a: UmlAttachArguments): LaunchPlan {
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
    try { kernelPath = fs.readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, ''); } catch { kernelPath = argv[0]; }
  }
  const kernel = checkKernel(kernelPath);
  const gdbPath = a.gdbPath ?? 'gdb';
  requireGdb(gdbPath);
  const sessionDir = path.join(cacheDir(), 'sessions', `attach-${umid}`);
  const text = gdbinit({
    kernel: kernel.kernel, buildDir: kernel.buildDir, gdbScripts: kernel.gdbScripts,
    indexCacheDir: path.join(cacheDir(), 'gdb-index'), setupCommands: a.setupCommands,
  });
  return {
    mode: 'attach', attachPid: pid, kernel, umid, umlDir, gdbPath, args: [],
    gdbinitPath: path.join(sessionDir, 'gdbinit'), gdbinitText: text, sessionDir,
    console: 'internalConsole', stopOnEntry: false,
  };
}

function tracerOf(pid: number): number {
  try { return Number(/^TracerPid:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}
