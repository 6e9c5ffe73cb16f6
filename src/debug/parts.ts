// The session's parts that read and drive gdb, made once gdb has the kernel loaded: breakpoints,
// exception filters, variables, tasks as threads, modules, what a stop means, the step off a
// breakpoint, and the requests answered straight from them.
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Runtime } from './runtime';
import { Breakpoints } from './breakpoints';
import { ExceptionBreakpoints } from './exceptions';
import { Variables } from './variables';
import { TaskThreads } from './tasks';
import { ModuleSymbols } from './modules';
import { ModuleLocator } from './moduleFiles';
import { StopRouter } from './stops';
import { StepOff, gdbProbe } from './stepOff';
import { simpleRequests } from './requests';
import { ClientPaths } from './sourceMap';
import { sourceExists } from './sessionText';
import type { KernelDataViews } from '../shared/messages';
import { ListIndexOf } from './listIndexBuild';
import type { SessionSnapshots } from './snapshots';
import { cacheDir } from '../uml/host';

export interface SessionParts {
  breakpoints: Breakpoints;
  exceptions: ExceptionBreakpoints;
  variables: Variables;
  tasks: TaskThreads;
  modules: ModuleSymbols;
  stops: StopRouter;
  stepOff: StepOff;
  simple: ReturnType<typeof simpleRequests>;
  /** The tree's list index: started after the first stop (listIndexBuild.ts). */
  listIndex: ListIndexOf;
}

export interface PartsContext {
  /** A line the user must see (the Debug Console, important). */
  warn(message: string): void;
  /** A line for the Debug Console. */
  say(line: string): void;
  moduleEvent(reason: 'new' | 'changed' | 'removed', module: DebugProtocol.Module): void;
  /** Why the kernel panicked, from its log, when the guest's console did not say. */
  panicHint(readLog?: () => Promise<string>): Promise<string | undefined>;
  moduleSearchPath?: string[];
  /** The launch's kernelData views (umlKernelDebug.kernelData). */
  kernelData?: Partial<KernelDataViews>;
  /** The workspace's "View as List of..." choices. */
  listChoices?: Record<string, { type: string; member: string }>;
  paths: ClientPaths;
  invalidateVariables(): void;
  /** The stop the user sees, and where this session's snapshots go. */
  snapshots: SessionSnapshots;
}

export function sessionParts(rt: Runtime, c: PartsContext): SessionParts {
  const { target, mi, plan } = { target: rt.target, mi: rt.mi, plan: rt.plan };
  const breakpoints = new Breakpoints(mi, c.warn, () => target.watchpointRefusal());
  const exceptions = new ExceptionBreakpoints(mi, c.warn);
  const listIndex = new ListIndexOf(plan.kernel.buildDir, plan.kernel.kernel, cacheDir());
  const variables = new Variables(mi, () => listIndex.ready);
  variables.configure({ views: c.kernelData, containers: c.listChoices });
  // Task contexts share the runtime's one queue with every interrupt and resume.
  const tasks = new TaskThreads(mi, (fn) => rt.exclusive(fn), target.kernel, c.warn);
  const files = new ModuleLocator({ configured: c.moduleSearchPath ?? [], buildDir: plan.kernel.buildDir, rootfs: target.hostRoot, sources: () => breakpoints.sourceFiles() });
  const modules = new ModuleSymbols(mi, files, path.join(plan.sessionDir, 'modules'), c.moduleEvent, c.say);
  const panicHint = () => c.panicHint(plan.kernel.gdbScripts ? () => mi.consoleExec('lx-dmesg') : undefined);
  const stops = new StopRouter(mi, breakpoints, exceptions, modules, { stopOnEntry: plan.stopOnEntry, panicHint, endingHooks: target.kernel.endingHooks });
  const stepOff = new StepOff(gdbProbe(mi), () => rt.resumes);
  const simple = simpleRequests({ rt, breakpoints, exceptions, variables, sourceExists, paths: c.paths, tasks, modules, invalidateVariables: c.invalidateVariables, snapshots: c.snapshots });
  return { breakpoints, exceptions, variables, tasks, modules, stops, stepOff, simple, listIndex };
}
