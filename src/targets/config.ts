// Every launch.json attribute of every target (`"type": "uml"`): UML launch and attach, a kernel
// in QEMU started by the adapter, a gdbstub someone else started.
import type { F5Mark, KernelDataViews } from '../shared/messages';
import { F5_MARKS } from '../shared/messages';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { PayloadBlock } from './payload/guestScripts';

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
  /** Which kernel data structures are shown as their contents (default: the setting umlKernelDebug.kernelData). */
  kernelData?: Partial<KernelDataViews>;
  /** The extension host's steps of this F5 (not a launch.json attribute: the configuration provider adds it). */
  [F5_MARKS]?: F5Mark[];
  /** A kernel in QEMU instead of UML: the adapter starts QEMU (src/targets/qemu); "kernel" is then the vmlinux. */
  qemu?: QemuLaunchBlock;
  /** A crash snapshot to open instead of a kernel to run (src/targets/snapshot); "kernel" defaults to the one it was saved from. */
  snapshot?: string;
  /** Save a crash snapshot when the Kernel panic / Oops / BUG filters stop the kernel (default: the setting umlKernelDebug.snapshotOnCrash). */
  snapshotOnCrash?: boolean;
  /** Where snapshots are saved (default: the setting umlKernelDebug.snapshotDir, else ~/.cache/uml-kernel-debug/snapshots). */
  snapshotDir?: string;
  /** Commands the guest runs once booted, with host files put in the guest for them (src/targets/payload). */
  payload?: PayloadBlock;
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
  kernelData?: Partial<KernelDataViews>;
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
  /** Commands the guest runs once booted: added to the initramfs (src/targets/payload). */
  payload?: PayloadBlock;
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

/** Read by the extension host before the adapter starts (launchConfig/rebuild.ts); the adapter ignores it. */
export interface HostLaunchArguments {
  rebuild?: 'ifChanged' | 'never';
}

// The attributes as data. The compiler holds the table against the interfaces above (an
// attribute added to or dropped from one fails to compile here, as does a wrong JSON type, a
// default of the wrong type or a value of a string union left out of its enum); a unit test
// (launchSchema) holds package.json's configurationAttributes against the table.

// noDebug, __restart: VS Code's, not launch.json's; __f5Marks: the extension host's, not the user's.
type DapBase = keyof DebugProtocol.LaunchRequestArguments | keyof DebugProtocol.AttachRequestArguments | typeof F5_MARKS;
type LaunchArgs = UmlLaunchArguments | QemuLaunchArguments | HostLaunchArguments;
type AttachArgs = UmlAttachArguments | RemoteAttachArguments;
type KeysOf<T> = T extends unknown ? keyof T : never;  // the keys of every member of a union
export type LaunchAttribute = Exclude<KeysOf<LaunchArgs>, DapBase>;
export type AttachAttribute = Exclude<KeysOf<AttachArgs>, DapBase>;
type ValueIn<T, K extends PropertyKey> = NonNullable<T extends unknown ? (K extends keyof T ? T[K] : never) : never>;
type Value<K extends PropertyKey> = ValueIn<LaunchArgs | AttachArgs, K>;

export type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object';
type JsonTypeOf<V> = [V] extends [string] ? 'string' : [V] extends [number] ? 'number' : [V] extends [boolean] ? 'boolean' : [V] extends [readonly unknown[]] ? 'array' : 'object';
type IsLiteralUnion<V> = [V] extends [string] ? (string extends V ? false : true) : false;
type Frozen<V> = V extends readonly (infer E)[] ? readonly E[] : V extends object ? Readonly<V> : V;

/** A value's schema: JSON type; a string union's values; an array's items; a map's values; an object's attributes. */
type Shape<V> = { type: JsonTypeOf<V>; default?: Frozen<V> }
  & (IsLiteralUnion<V> extends true ? { enum: readonly V[] } : { enum?: never })
  & ([V] extends [readonly (infer E)[]] ? { items: JsonTypeOf<E> }
    : [V] extends [object] ? (string extends keyof V ? { additionalProperties: JsonTypeOf<V[keyof V]> } : { properties: Nested<V> })
    : unknown);
/** An object attribute's own attributes (qemu's block): each marked required as the interface has it. */
type Nested<T> = { [K in keyof T]-?: Shape<NonNullable<T[K]>> & ({} extends Pick<T, K> ? { required?: never } : { required: true }) };
/** A top-level attribute: present under the request(s) it applies to, with that request's default. */
type Attribute<K extends PropertyKey> = Omit<Shape<Value<K>>, 'default'>
  & (K extends LaunchAttribute ? { launch: { default?: Frozen<Value<K>> } } : { launch?: never })
  & (K extends AttachAttribute ? { attach: { default?: Frozen<Value<K>> } } : { attach?: never });

const STRINGS = { type: 'array', items: 'string' } as const;
const PATH_MAP = { type: 'object', additionalProperties: 'string' } as const;

/** Every launch.json attribute of `"type": "uml"`, launch and attach. */
export const LAUNCH_ATTRIBUTES = {
  kernel: { type: 'string', launch: { default: '${workspaceFolder}/linux' }, attach: {} },
  rootfs: { type: 'string', launch: {} },
  init: { type: 'string', launch: {} },
  mem: { type: 'string', launch: { default: DEFAULT_MEM } },
  umid: { type: 'string', launch: {}, attach: {} },
  kernelArgs: { ...STRINGS, launch: {} },
  console: { type: 'string', enum: ['integratedTerminal', 'internalConsole'], launch: { default: 'integratedTerminal' } },
  gdbPath: { type: 'string', launch: { default: 'gdb' }, attach: { default: 'gdb' } },
  cwd: { type: 'string', launch: { default: '${workspaceFolder}' }, attach: {} },
  env: { ...PATH_MAP, launch: {} },
  stopOnEntry: { type: 'boolean', launch: { default: false } },
  setupCommands: { ...STRINGS, launch: {}, attach: {} },
  sourceFileMap: { ...PATH_MAP, launch: { default: {} }, attach: { default: {} } },
  moduleSearchPath: { ...STRINGS, launch: { default: [] }, attach: { default: [] } },
  timeTravel: { type: 'string', enum: ['off', 'basic', 'inf-cpu'], launch: { default: 'off' } },
  umlDir: { type: 'string', launch: {}, attach: {} },
  trace: { type: 'boolean', launch: { default: false }, attach: { default: false } },
  rebuild: { type: 'string', enum: ['ifChanged', 'never'], launch: { default: 'ifChanged' } },
  kernelData: {
    type: 'object', launch: {}, attach: {},
    properties: {
      lists: { type: 'boolean', default: true }, rbtrees: { type: 'boolean', default: true }, mapleTrees: { type: 'boolean', default: true }, xarrays: { type: 'boolean', default: true },
      perCpu: { type: 'boolean', default: true }, counters: { type: 'boolean', default: true }, ids: { type: 'boolean', default: true }, time: { type: 'boolean', default: true }, cpumasks: { type: 'boolean', default: true },
    },
  },
  qemu: {
    type: 'object', launch: {},
    properties: {
      kernel: { type: 'string', required: true },
      initrd: { type: 'string' },
      append: { type: 'string' },
      memory: { type: 'string', default: '256M' },
      accel: { type: 'string', enum: ['tcg', 'kvm'], default: 'tcg' },
      qemuPath: { type: 'string', default: 'qemu-system-x86_64' },
      port: { type: 'number' },
      extraArgs: { ...STRINGS },
    },
  },
  snapshot: { type: 'string', launch: {} },
  snapshotOnCrash: { type: 'boolean', launch: { default: false } },
  snapshotDir: { type: 'string', launch: {} },
  payload: {
    type: 'object', launch: {},
    properties: { commands: { ...STRINGS, required: true }, files: { ...STRINGS }, name: { type: 'string', default: 'payload' }, stopOn: { ...STRINGS } },
  },
  pid: { type: 'number', attach: {} },
  target: { type: 'string', attach: {} },
  kvm: { type: 'boolean', attach: { default: false } },
} as const satisfies { [K in LaunchAttribute | AttachAttribute]: Attribute<K> };

// Every value of a string union is in its enum (the table's own type above only checks that
// each listed value is one): the gaps, by attribute, must be none.
type Listed<A> = A extends { enum: readonly (infer E)[] } ? E : never;
type Gaps<T, Table> = { [K in keyof Table & keyof T]: IsLiteralUnion<NonNullable<T[K]>> extends true ? Exclude<NonNullable<T[K]>, Listed<Table[K]>> : never }[keyof Table & keyof T];
type Table = typeof LAUNCH_ATTRIBUTES;
type AllValues = { [K in keyof Table]: Value<K> };
type EnumGaps = Gaps<AllValues, Table> | Gaps<QemuLaunchBlock, Table['qemu']['properties']>;
export const ENUMS_COMPLETE: [EnumGaps] extends [never] ? true : { missing: EnumGaps } = true;
