// From launch.json's arguments to a started target: the plan checked before anything starts,
// then the console terminal in the order the target needs it, the host's checks beside gdb's
// start, and gdb loading the kernel while the terminal opens.
import type { UmlLaunchArguments, UmlAttachArguments, QemuLaunchArguments, RemoteAttachArguments } from './config';
import type { XsaveNotes } from '../hostcompat/sessionNotes';
import type { Target } from './target';
import { ConsoleTerminal, OpenTerminal } from './consoleTerminal';
import { UmlTarget } from './uml/umlTarget';
import { makeLaunchPlan, makeAttachPlan } from './uml/plans';
import { QemuTarget } from './qemu/qemuTarget';
import { freePort, makeQemuLaunchPlan, makeRemoteAttachPlan } from './qemu/plans';
import { SnapshotTarget } from './snapshot/snapshotTarget';
import { makeSnapshotPlan } from './snapshot/plans';

export type { Target } from './target';
export { SNAPSHOT_DOES_NOT_RUN } from './snapshot/snapshotTarget';
export { metaPath } from './snapshot/coreFile';
export type { SnapshotMeta } from './snapshot/coreFile';
export type { NoDebugRun } from './uml/noDebugRun';
export { UmlTarget, QemuTarget };

/** launch: a UML kernel, with a "qemu" block a kernel in QEMU the session starts, with "snapshot" a crash snapshot. */
export async function launchTarget(args: UmlLaunchArguments, consoleMode: 'integratedTerminal' | 'internalConsole'): Promise<Target> {
  if (args.snapshot) {
    if (args.noDebug) throw new Error('A crash snapshot does not run: open it with F5 (Start Debugging).');
    return new SnapshotTarget(makeSnapshotPlan({ ...args, snapshot: args.snapshot }));
  }
  if (args.payload && args.noDebug) throw new Error('"payload" runs under the debugger: start it with F5 (Start Debugging), not Run Without Debugging.');
  if (!args.qemu) return new UmlTarget(makeLaunchPlan(args, consoleMode));
  if (args.noDebug) throw new Error('Run Without Debugging is for UML kernels; a kernel in QEMU runs under gdb (F5).');
  return new QemuTarget(makeQemuLaunchPlan(args as QemuLaunchArguments, consoleMode, args.qemu.port ?? await freePort()));
}

/** attach: a running UML kernel (pid or umid), or with "target" a gdbstub someone else started. */
export function attachTarget(args: UmlAttachArguments | RemoteAttachArguments): Target {
  return 'target' in args && args.target !== undefined ? new QemuTarget(makeRemoteAttachPlan(args)) : new UmlTarget(makeAttachPlan(args as UmlAttachArguments));
}

/** What a start needs from the session and its runtime. */
export interface Starter {
  /** The runtime: gdb started, the kernel's symbols loaded, the target connected or attached. */
  start(): Promise<void>;
  /** The runtime: the console terminal's tty reaches a target that opens it late. */
  bindTty(tty: string): Promise<void>;
  out(text: string, category?: string): void;
  mark(name: string): void;
  xsave: XsaveNotes;
  /** How to open the console terminal; absent: the console goes to the Debug Console. */
  terminal?: { open: OpenTerminal; hold: boolean; opened: (t: ConsoleTerminal) => void };
  /** After the kernel is loaded (the sources mapped), before the target's terminal is bound. */
  afterStart?(): Promise<void>;
}

export async function startTarget(t: Target, s: Starter): Promise<void> {
  // The host check runs beside gdb's start; its word comes before the kernel boots.
  const hostChecked = t.preflight(s.xsave);
  hostChecked.catch(() => undefined);  // awaited below
  s.out(`${t.describe()}\n`);
  const order = t.consoleOrder(!!s.terminal);
  const openTerminal = async (mark?: (m: string) => void) => {
    const term = new ConsoleTerminal(t.plan.sessionDir);
    s.terminal!.opened(term);
    return term.open(s.terminal!.open, t.plan.id, t.plan.cwd, { hold: s.terminal!.hold, mark });
  };
  if (order === 'first') t.useConsoleTty!(await openTerminal());
  if (!t.plan.kernel.gdbScripts) s.out(`No vmlinux-gdb.py next to ${t.plan.kernel.kernel}: lx-* commands are unavailable. Run \`${t.scriptsGdbCommand}\` in the kernel tree.\n`, 'important');
  // gdb loads the kernel's symbols while VS Code makes the console terminal.
  const started = s.start().then(() => s.afterStart?.());
  started.catch(() => undefined);  // awaited below; a failure is reported there
  if (order === 'late') {
    s.mark('terminal-requested');
    const tty = await openTerminal(s.mark);
    s.mark('terminal-tty');
    await started;
    await s.bindTty(tty);
    s.mark('tty-bound');
  }
  await Promise.all([started, hostChecked]);
}
