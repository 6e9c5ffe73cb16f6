// What is debugged: a UML kernel (a host process gdb starts or attaches to), a kernel in QEMU
// (behind its gdbstub), and the targets to come. The session and the runtime ask a target what
// it can do and let it do its part; they never test which kind it is.
import type { Gdb } from '../gdb/gdb';
import type { MiCommands } from '../gdb/commands';
import type { Stop } from '../gdb/records';
import type { KernelInfo } from '../uml/kernelCheck';
import type { XsaveNotes } from '../hostcompat/sessionNotes';

export type RunState = 'idle' | 'running' | 'stopped' | 'exited';

/** What every target's plan holds, whatever its kind: checked before anything starts. */
export interface TargetPlan {
  /** launch: the session starts the kernel and ends it; attach: gdb joins a running one and leaves it running. */
  mode: 'launch' | 'attach';
  kernel: KernelInfo;
  /** Names the session (its directory, the console terminal's title). */
  id: string;
  gdbPath: string;
  cwd?: string;
  env?: Record<string, string>;
  gdbinitPath: string;
  gdbinitText: string;
  sessionDir: string;
  /** gdb's index cache (set in the gdbinit; warmed before gdb starts). */
  indexCacheDir: string;
  console: 'integratedTerminal' | 'internalConsole';
  stopOnEntry: boolean;
}

/** The kernel as the debugger's helpers read it: tasks, modules, how it ends. */
export interface KernelModel {
  /** Expressions for the task running on (virtual) CPU 0, tried in order. */
  currentTask: string[];
  /** gdb's threads are virtual CPUs (QEMU), not the host threads of one process (UML). */
  cpuThreads: boolean;
  /** The kernel's own ways to end (UML's uml_cleanup, last_ditch_exit) are hooked, to say how it ended. */
  endingHooks: boolean;
  /** Module load and free are hooked: module symbols follow modules as they come and go. */
  moduleHooks: boolean;
  /** gdb's registers cannot be set (a core): tasks' contexts are shown through an unwinder. */
  frozenRegisters?: boolean;
}

/** What the runtime lends a target while it starts, runs and ends it. */
export interface TargetHost {
  readonly mi: MiCommands;
  state: RunState;
  /** The kernel's host pid, once gdb has started it (UML). */
  inferiorPid: number | undefined;
  output(text: string, category: 'console' | 'stdout' | 'stderr' | 'important'): void;
  phase(name: string): void;
  /** Runs `command` and waits for the stop it causes, which the user never sees. */
  claimStop(command: () => Promise<void>, what: string, ms?: number): Promise<Stop>;
  /** The target ended by itself (QEMU exited): the session ends, saying why. */
  ended(why: string): void;
}

export interface Target {
  readonly plan: TargetPlan;
  readonly kernel: KernelModel;
  /** The Debug Console's first line: what is debugged, and where its gdbinit is. */
  describe(): string;
  /** The make command that writes vmlinux-gdb.py (said when it is missing). */
  readonly scriptsGdbCommand: string;
  /**
   * The console terminal: 'first', before gdb starts (QEMU's serial console is the terminal's
   * tty); 'late', while gdb loads the kernel (UML opens its tty at boot: bindTty); 'none'.
   */
  consoleOrder(wantTerminal: boolean): 'first' | 'late' | 'none';
  /** 'first': the terminal's tty, before start. */
  useConsoleTty?(tty: string): void;
  /** 'late': the terminal exists; gdb has loaded the kernel meanwhile. */
  bindTty?(host: TargetHost, tty: string): Promise<void>;
  /** Checks of the host that run beside gdb's start; their word comes before the kernel runs. */
  preflight(notes: XsaveNotes): Promise<void>;
  /** Extra pipes gdb passes to the kernel (UML's internal console on fds 3 and 4). */
  readonly gdbPipes: number;
  /** gdb has started: the target takes what it needs of it (the console pipes). */
  gdbStarted?(gdb: Gdb, host: TargetHost): void;
  /** Work beside gdb's loading of the kernel (UML's early-output FIFO). */
  besideLoad?(host: TargetHost): Promise<void>;
  /** gdb has the kernel's symbols: connect (QEMU), attach (UML), or point early output somewhere. */
  loaded(host: TargetHost): Promise<void>;
  /** The kernel runs (it boots: UML's `run`; QEMU leaves its first instruction). */
  run(mi: MiCommands): Promise<void>;
  /** Why Restart is not offered here, or undefined when it is. */
  restartRefusal(): string | undefined;
  /** Restart: the kernel ends and boots again under the same gdb (stopped before this is called). */
  reboot?(host: TargetHost): Promise<void>;
  /** Why data breakpoints cannot stop here (the host delivers no debug-register traps), if so. */
  watchpointRefusal(): Promise<string | undefined>;
  /** The guest's root directory on the host, where module .ko files may be found. */
  readonly hostRoot?: string;
  /** What a snapshot of this target is ('uml': gdb's core of the process; 'qemu': QEMU's guest dump); none: cannot be saved. */
  readonly snapshotKind?: 'uml' | 'qemu';
  /** Writes the snapshot's core to `file` (stopped; the caller renames it when whole). */
  saveCore?(mi: MiCommands, file: string): Promise<void>;
  /** A crash snapshot: the stop it shows instead of running (nothing ever runs; resuming is refused). */
  readonly frozen?: { reason: string; text?: string };
  /** launch: ends every process the target started (called again after gdb has gone). */
  endProcesses(host: TargetHost): void;
  /** After the end: files the target made for the session. */
  cleanup?(): void;
}
