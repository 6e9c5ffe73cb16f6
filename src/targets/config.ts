// Every launch.json attribute of every target (`"type": "uml"`): UML launch and attach, a kernel
// in QEMU started by the adapter, a gdbstub someone else started.
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
  qemu?: QemuLaunchBlock;
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

export interface QemuLaunchBlock {
  /** The bootable image (bzImage); "kernel" stays the vmlinux with debug info. */
  kernel: string;
  initrd?: string;
  append?: string;
  memory?: string;
  /** tcg (software, default) or kvm. */
  accel?: 'tcg' | 'kvm';
  /** qemu-system-x86_64 by default. */
  qemuPath?: string;
  /** gdbstub port on 127.0.0.1; default: a free one. */
  port?: number;
  extraArgs?: string[];
}

export interface QemuLaunchArguments {
  kernel?: string;
  qemu: QemuLaunchBlock;
  console?: 'integratedTerminal' | 'internalConsole';
  gdbPath?: string;
  cwd?: string;
  stopOnEntry?: boolean;
  setupCommands?: string[];
}

export interface RemoteAttachArguments {
  target: string;
  kernel?: string;
  gdbPath?: string;
  cwd?: string;
  setupCommands?: string[];
  /** The guest runs under KVM: use hardware breakpoints. */
  kvm?: boolean;
}
