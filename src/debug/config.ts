// The launch.json attributes of `"type": "uml"` and their resolution into a launch plan.
import type { DebugProtocol } from '@vscode/debugprotocol';

export interface UmlLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  kernel?: string;
  rootfs?: string;
  init?: string;
  mem?: string;
  umid?: string;
  kernelArgs?: string[];
  console?: 'integratedTerminal' | 'internalConsole';
  gdbPath?: string;
  cwd?: string;
  env?: Record<string, string>;
  stopOnEntry?: boolean;
  setupCommands?: string[];
  /** Compiled-in source path prefix -> where those sources are here (gdb substitute-path). */
  sourceFileMap?: Record<string, string>;
  /** Where module .ko files are found for their symbols; default: the kernel's build directory. */
  moduleSearchPath?: string[];
  /** UML time-travel: off (default), basic, inf-cpu. */
  timeTravel?: 'off' | 'basic' | 'inf-cpu';
  /** Where UML keeps instance directories; default ~/.uml (UML's uml_dir= switch moves it). */
  umlDir?: string;
  /** Adapter log (DAP traffic and MI) for troubleshooting. */
  trace?: boolean;
  /** A kernel in QEMU instead of UML: the adapter starts QEMU (src/qemu); "kernel" is then the vmlinux. */
  qemu?: import('../qemu/qemuPlan').QemuLaunchBlock;
}

export interface UmlAttachArguments extends DebugProtocol.AttachRequestArguments {
  /** Host pid of the UML kernel (the pid in ~/.uml/<umid>/pid). */
  pid?: number;
  /** Or the instance id: the pid is read from <umlDir>/<umid>/pid. */
  umid?: string;
  /** Kernel binary for symbols; default: the running binary (/proc/<pid>/exe). */
  kernel?: string;
  gdbPath?: string;
  umlDir?: string;
  setupCommands?: string[];
  sourceFileMap?: Record<string, string>;
  moduleSearchPath?: string[];
  trace?: boolean;
}

export const DEFAULT_MEM = '256M';

/** Prefixes that send a debug console line to gdb's CLI instead of evaluating it. */
export const GDB_COMMAND_PREFIXES = ['-exec ', '> '];

export function gdbCommandOf(expression: string): string | undefined {
  for (const p of GDB_COMMAND_PREFIXES) if (expression.startsWith(p)) return expression.slice(p.length).trim();
  if (expression === '>' || expression === '-exec') return '';
  return undefined;
}
