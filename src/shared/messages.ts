// The messages between the extension host and its other processes (the Kconfig language server,
// the debug adapter): names and shapes defined once, imported by both sides. Never imports
// vscode: the server and the adapter import it (the walls test follows their imports here).

/** Kconfig server -> client (LSP notification): the index is ready, or the tree has no Kconfig. */
export const KCONFIG_STATUS = 'umlKconfig/status';
export interface KconfigStatusParams {
  /** What the status bar item's tooltip says. */
  text: string;
  files?: number;
  symbols?: number;
  ms?: number;
}

/** Kconfig client -> server: LSP initializationOptions. */
export interface KconfigInitOptions {
  /** The kernel tree (a workspace folder). */
  tree?: string;
  /** umlKernelDebug.buildDir as set: relative to the tree, or absolute; empty: in-tree. */
  buildDir?: string;
}

/** Extension host -> adapter (DAP custom request): the guest's printk records from `after` on. */
export const KERNEL_LOG_REQUEST = 'umlKernelLog';
export interface KernelLogArguments {
  /** Records the caller already has. */
  after?: number;
}
export interface KernelLogResponse {
  lines: string[];
  /** Records in the buffer: the next request's `after`. */
  total: number;
}

/**
 * Extension host -> adapter (DAP custom request): which kernel data views are on (the setting
 * umlKernelDebug.kernelData; launch attribute kernelData at start), and one expression shown
 * raw or as its contents again ("Show as Raw"). Answered {}; the views are then refreshed.
 */
export const KERNEL_DATA_REQUEST = 'umlKernelData';
/** Each kind of kernel data shown as its contents, on (true) or off (raw): package.json says what each covers. */
export interface KernelDataViews { lists: boolean; rbtrees: boolean; mapleTrees: boolean; xarrays: boolean; perCpu: boolean; counters: boolean; ids: boolean; time: boolean; cpumasks: boolean }
export const ALL_KERNEL_DATA_VIEWS: KernelDataViews = { lists: true, rbtrees: true, mapleTrees: true, xarrays: true, perCpu: true, counters: true, ids: true, time: true, cpumasks: true };
export interface KernelDataArguments {
  views?: Partial<KernelDataViews>;
  raw?: { expression: string; on: boolean };
  /** "View as List of...": the entries of every head with this key (type and member left out: the default again). */
  container?: { key: string; type?: string; member?: string };
  /** The choices remembered in this workspace, by head key. */
  containers?: Record<string, { type: string; member: string }>;
}
/**
 * A Variables row's debugProtocolVariableMenuContext: a value shown as what it means, a list
 * shown as its entries, a list head whose entries are not known, a row shown raw by request.
 */
export const VARIABLE_MENU = { value: 'umlKernelData', list: 'umlKernelList', head: 'umlKernelListHead', raw: 'umlKernelRaw' } as const;

/** Extension host -> adapter: what "View as List of..." offers for a head (`expression` in `frameId`). */
export const LIST_CANDIDATES_REQUEST = 'umlKernelListCandidates';
export interface ListCandidatesArguments { expression: string; frameId?: number }
export interface ListCandidatesResponse { key?: string; candidates: Array<{ type: string; member: string; uses?: number }>; indexReady: boolean }

/** Extension host -> adapter, inside the launch configuration: the workspace's "View as List of..." choices. */
export const LIST_CHOICES = '__kernelListChoices';

/** Extension host -> adapter: save a crash snapshot of the stopped kernel (to `file`, or the session's snapshot directory). */
export const SAVE_SNAPSHOT_REQUEST = 'umlSaveSnapshot';
export interface SaveSnapshotArguments { file?: string }
export interface SaveSnapshotResponse { file: string; bytes: number; ms: number }

/** Extension host -> adapter: a kernel trace's frames to source lines, through the session's gdb (modules at their load addresses). */
export const DECODE_FRAMES_REQUEST = 'umlDecodeFrames';
export interface DecodeFramesArguments { frames: Array<{ addr?: string; func?: string; off?: number; size?: number; module?: string }> }
export interface DecodeFramesResponse {
  entries: Array<{ pc?: string; frames: Array<{ func?: string; file?: string; line: number }>; objfile?: string; error?: string }>;
  /** The session kernel's `Linux version ...` banner. */
  banner?: string;
  kernel: string;
}

/**
 * Extension host -> adapter, inside the launch configuration: the extension host's steps of this
 * F5 (the configuration provider's checks), each at its wall-clock time (Date.now()), so the
 * session's timeline starts where F5 did, not at the launch request.
 */
export const F5_MARKS = '__f5Marks';
export interface F5Mark { name: string; at: number }
