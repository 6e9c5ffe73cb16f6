// The UML kernel command line, built from a launch configuration. Pure: no fs, no processes.

export type RootfsKind = 'hostfs' | 'image' | 'none';

/** How the guest console is wired. Never gdb's own stdin/stdout (see README: console). */
export type ConsoleWiring =
  | { kind: 'fds'; inFd: number; outFd: number }  // pipes inherited from gdb (internalConsole)
  | { kind: 'tty'; path: string }                 // a terminal's tty, opened by UML itself (integratedTerminal)
  | { kind: 'stdio' };                            // the kernel runs in the terminal (no debugger)

export interface KernelCmdlineInput {
  rootfs?: string;
  rootfsKind: RootfsKind;
  init?: string;
  mem: string;
  umid: string;
  kernelArgs?: string[];
  console: ConsoleWiring;
  /** UML time-travel: guest time stands still while the debugger holds it (CONFIG_UML_TIME_TRAVEL_SUPPORT). */
  timeTravel?: TimeTravel;
}

export type TimeTravel = 'off' | 'basic' | 'inf-cpu';

export class ConfigError extends Error {}

const MEM = /^[1-9][0-9]*[KMG]?$/;

export function checkMem(mem: string): void {
  if (!MEM.test(mem)) {
    throw new ConfigError(`"mem": "${mem}" is not a memory size. Use a number with an optional K, M or G suffix, e.g. "256M" (launch.json).`);
  }
}

export function checkUmid(umid: string): void {
  // UML uses the umid as a directory name under ~/.uml and as a socket path part.
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(umid) || umid.startsWith('.')) {
    throw new ConfigError(`"umid": "${umid}" is not a valid instance id. Use letters, digits, '.', '_' or '-' (at most 64, not starting with '.') in launch.json.`);
  }
}

/** gdb passes `set args` to the kernel split on whitespace with no quoting (startup-with-shell off). */
export function checkArg(arg: string, what: string): void {
  if (arg.length === 0) throw new ConfigError(`${what} is empty (launch.json).`);
  if (/\s/.test(arg)) {
    throw new ConfigError(`${what} "${arg}" contains whitespace; the UML command line cannot carry it. Rename the path or split the switch into separate "kernelArgs" entries (launch.json).`);
  }
}

export function freshUmid(now = Date.now(), rand = Math.random()): string {
  return `vscode-${now.toString(36)}-${Math.floor(rand * 0xffffff).toString(36)}`;
}

export function kernelCmdline(c: KernelCmdlineInput): string[] {
  checkMem(c.mem);
  checkUmid(c.umid);
  const args: string[] = [`mem=${c.mem}`, `umid=${c.umid}`];
  if (c.rootfs !== undefined) checkArg(c.rootfs, '"rootfs"');
  if (c.rootfsKind === 'hostfs') {
    args.push('root=/dev/root', 'rootfstype=hostfs', `hostfs=${c.rootfs}`, 'rw');
  } else if (c.rootfsKind === 'image') {
    args.push(`ubd0=${c.rootfs}`, 'root=/dev/ubda', 'rw');
  }
  if (c.init) { checkArg(c.init, '"init"'); args.push(`init=${c.init}`); }
  // Without explicit channels UML opens xterms for the other consoles and ptys for serial lines.
  args.push('con=null', 'ssl=null');
  if (c.console.kind === 'fds') args.push(`con0=fd:${c.console.inFd},fd:${c.console.outFd}`);
  else if (c.console.kind === 'tty') { checkArg(c.console.path, 'console tty'); args.push(`con0=tty:${c.console.path}`); }
  else args.push('con0=fd:0,fd:1');
  if (c.timeTravel === 'basic') args.push('time-travel');
  else if (c.timeTravel === 'inf-cpu') args.push('time-travel=inf-cpu');
  else if (c.timeTravel && c.timeTravel !== 'off') throw new ConfigError(`"timeTravel": "${c.timeTravel}" is not one of off, basic, inf-cpu (launch.json).`);
  for (const a of c.kernelArgs ?? []) {
    checkArg(a, 'kernelArgs entry');
    args.push(a);
  }
  return args;
}

/** The uml_dir= switch moves ~/.uml; honour it when the user passes one. */
export function umlDirFromArgs(args: string[], home: string): string {
  let dir = `${home}/.uml`;
  for (const a of args) if (a.startsWith('uml_dir=')) dir = a.slice('uml_dir='.length).replace(/\/+$/, '');
  return dir;
}
