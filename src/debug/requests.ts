// The requests that only read or set something through gdb (no run-state change): each maps its
// arguments to a response body. The session dispatches them from this table.
import { DECODE_FRAMES_REQUEST, DecodeFramesArguments, DecodeFramesResponse, KERNEL_DATA_REQUEST, KERNEL_LOG_REQUEST, KernelDataArguments, KernelLogArguments, KernelLogResponse, LIST_CANDIDATES_REQUEST, ListCandidatesArguments, ListCandidatesResponse, SAVE_SNAPSHOT_REQUEST, SaveSnapshotArguments, SaveSnapshotResponse } from '../shared/messages';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Runtime } from './runtime';
import { Breakpoints } from './breakpoints';
import { ExceptionBreakpoints } from './exceptions';
import { Variables } from './variables';
import { disassemble } from './disassembly';
import { addressOf, readMemory, writeMemory } from './memory';
import { completionItems, completionQuery, formatVariables, toHex } from './values';
import { frameOf, toDapFrames } from './frames';
import { gdbCommandOf } from './consoleCommands';
import { ClientPaths } from './sourceMap';
import { TASK_THREAD_BASE, TaskThreads, gdbThreadOf } from './tasks';
import { ModuleSymbols } from './modules';
import { lxNote } from './lxCommands';
import type { SessionSnapshots } from './snapshots';
import { miDecoder } from '../stacktrace/decode';

export interface RequestContext {
  rt: Runtime;
  breakpoints: Breakpoints;
  exceptions: ExceptionBreakpoints;
  variables: Variables;
  sourceExists: (file: string) => boolean;
  paths: ClientPaths;
  tasks: TaskThreads;
  modules: ModuleSymbols;
  /** The Variables and Watch views must ask again (a kernel data view changed). */
  invalidateVariables(): void;
  snapshots: SessionSnapshots;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (args: any) => Promise<unknown>;

export function simpleRequests(c: RequestContext): Record<string, Handler> {
  const { rt } = c;
  // Reads in a frame run in that frame's task context (tasks.ts), one at a time.
  const inFrame = <T>(frameId: number | undefined, fn: () => Promise<T>) => c.tasks.withTask(frameId !== undefined ? frameOf(frameId).thread : undefined, fn);
  return {
    stackTrace: async (a: DebugProtocol.StackTraceArguments) => {
      rt.requireStopped('see the call stack');
      const low = a.startFrame ?? 0;
      const levels = a.levels && a.levels > 0 ? a.levels : 1000;
      let frames;
      try {
        frames = await c.tasks.withTask(a.threadId, () => rt.mi.stackListFrames(gdbThreadOf(a.threadId), low, low + levels - 1));
      } catch (e) {
        if (a.threadId < TASK_THREAD_BASE) throw e;
        // A task whose saved context cannot be unwound: one frame that says why.
        return { stackFrames: [{ id: 0, name: `(no stack: ${(e as Error).message})`, line: 0, column: 0, presentationHint: 'label' as const }], totalFrames: 1 };
      }
      // No depth walk (-stack-info-depth unwinds the whole stack): a full page says "maybe more",
      // and the client asks on (DAP: it requests until a page comes back short).
      return { stackFrames: toDapFrames(a.threadId, frames, c.sourceExists, (p) => c.paths.toClient(p)), totalFrames: low + frames.length + (frames.length === levels ? 1 : 0) };
    },
    scopes: async (a: DebugProtocol.ScopesArguments) => ({ scopes: c.variables.scopes(a.frameId) }),
    variables: async (a: DebugProtocol.VariablesArguments) => {
      rt.requireStopped('see variables');
      const frameId = c.variables.frameOfReference(a.variablesReference);
      return { variables: formatVariables(await inFrame(frameId, () => c.variables.variables(a.variablesReference, a.start, a.count)), a.format) };
    },
    setVariable: async (a: DebugProtocol.SetVariableArguments) => {
      rt.requireStopped('set a variable');
      return inFrame(c.variables.frameOfReference(a.variablesReference), () => c.variables.setVariable(a.variablesReference, a.name, a.value));
    },
    evaluate: async (a: DebugProtocol.EvaluateArguments) => {
      const cmd = a.context === 'repl' ? gdbCommandOf(a.expression) : undefined;
      if (cmd !== undefined) {
        if (rt.state === 'running') throw new Error('The guest is running: pause it (F6) before running gdb commands.');
        const note = lxNote(cmd);
        if (note?.instead === 'module-symbols') {
          const n = await c.modules.loadAll();
          return { result: `${note.text}\n${n} module(s) newly loaded; see the Modules view.`, variablesReference: 0 };
        }
        if (note && !note.onError) return { result: note.text, variablesReference: 0 };
        const out = await rt.mi.consoleExec(cmd).catch((e: Error) => { throw note ? new Error(`${e.message}. ${note.text}`) : e; });
        return { result: out.replace(/\n$/, ''), variablesReference: 0 };
      }
      if (rt.state === 'running') throw new Error('The guest is running: pause it to evaluate expressions.');
      const body = await inFrame(a.frameId, () => c.variables.evaluate(a.expression, a.frameId)).catch((e: Error) => {
        const note = lxNote(a.expression);
        throw note ? new Error(`${e.message}. ${note.text}`) : e;
      });
      if (a.format?.hex) body.result = toHex(body.result, body.type);
      return body;
    },
    setExceptionBreakpoints: async (a: DebugProtocol.SetExceptionBreakpointsArguments) =>
      ({ breakpoints: await rt.withStopped(() => c.exceptions.set(a.filters)) }),
    exceptionInfo: async () => c.exceptions.info(),
    setInstructionBreakpoints: async (a: DebugProtocol.SetInstructionBreakpointsArguments) =>
      ({ breakpoints: await rt.withStopped(() => c.breakpoints.setInstructions(a.breakpoints)) }),
    disassemble: async (a: DebugProtocol.DisassembleArguments) => {
      rt.requireStopped('disassemble');
      return { instructions: await disassemble(rt.mi, addressOf(a.memoryReference, a.offset), a.instructionOffset ?? 0, a.instructionCount, c.sourceExists) };
    },
    dataBreakpointInfo: async (a: DebugProtocol.DataBreakpointInfoArguments) => {
      rt.requireStopped('watch a value');
      if (a.asAddress) return c.variables.watchTarget(`*(char (*)[${a.bytes ?? 1}]) ${a.name}`, undefined, a.frameId);
      return inFrame(a.frameId ?? (a.variablesReference ? c.variables.frameOfReference(a.variablesReference) : undefined), () => c.variables.watchTarget(a.name, a.variablesReference, a.frameId));
    },
    setDataBreakpoints: async (a: DebugProtocol.SetDataBreakpointsArguments) => {
      // The host probe (once per boot, ~0.3 s) runs before a running guest is paused for gdb.
      if (a.breakpoints.length) await c.breakpoints.dataRefusal();
      return { breakpoints: await rt.withStopped(() => c.breakpoints.setData(a.breakpoints)) };
    },
    setExpression: async (a: DebugProtocol.SetExpressionArguments) => {
      rt.requireStopped('change a value');
      return inFrame(a.frameId, () => c.variables.setExpression(a.expression, a.value, a.frameId));
    },
    completions: async (a: DebugProtocol.CompletionsArguments) => {
      // VS Code counts columns from 1: the line up to the cursor is what gdb completes.
      const { query, strip } = completionQuery(a.text.slice(0, Math.max(0, a.column - 1)));
      return { targets: completionItems(await rt.mi.complete(query), strip) };
    },
    /** The guest's printk buffer (lx-dmesg), from record `after` on: the "Kernel Log" channel. */
    [KERNEL_LOG_REQUEST]: async (a: KernelLogArguments): Promise<KernelLogResponse> => {
      rt.requireStopped('read the kernel log');
      if (!rt.plan.kernel.gdbScripts) throw new Error(`The kernel's gdb scripts are not built (no vmlinux-gdb.py next to ${rt.plan.kernel.kernel}): run \`make ARCH=um scripts_gdb\` in the kernel tree.`);
      const lines = (await rt.mi.consoleExec('lx-dmesg')).split('\n').filter((l) => l.length);
      const after = Math.min(a.after ?? 0, lines.length);
      return { lines: lines.slice(after), total: lines.length };
    },
    /** A kernel trace's frames (a link clicked, "Decode Stack Trace"): gdb reads only its symbols, so the guest may run on. */
    [DECODE_FRAMES_REQUEST]: async (a: DecodeFramesArguments): Promise<DecodeFramesResponse> => {
      const d = miDecoder(rt.mi, rt.plan.kernel.kernel);
      // gdb in all-stop mode takes no command while the guest runs: a short invisible stop then.
      return rt.withStopped(async () => ({ entries: await d.decode(a.frames ?? []), banner: await d.banner(), kernel: d.kernel }));
    },
    /** umlKernelDebug.kernelData changed, or "Show as Raw" / "Show as Contents" on a row. */
    [KERNEL_DATA_REQUEST]: async (a: KernelDataArguments) => {
      c.variables.configure(a);
      if (rt.state === 'stopped') c.invalidateVariables();
      return {};
    },
    /** "View as List of...": what the tree's sources say a head links. */
    [LIST_CANDIDATES_REQUEST]: async (a: ListCandidatesArguments): Promise<ListCandidatesResponse> => {
      rt.requireStopped('find what a list links');
      return inFrame(a.frameId, () => c.variables.listCandidates(a.expression, a.frameId));
    },
    /** "UML: Save Crash Snapshot": the kernel as it is at this stop, to `file` or the snapshot directory. */
    [SAVE_SNAPSHOT_REQUEST]: async (a: SaveSnapshotArguments): Promise<SaveSnapshotResponse> => {
      return c.snapshots.save(rt, a.file);
    },
    modules: async () => {
      const modules = c.modules.list();
      return { modules, totalModules: modules.length };
    },
    readMemory: async (a: DebugProtocol.ReadMemoryArguments) => {
      rt.requireStopped('read memory');
      return readMemory(rt.mi, addressOf(a.memoryReference, a.offset), a.count);
    },
    writeMemory: async (a: DebugProtocol.WriteMemoryArguments) => {
      rt.requireStopped('write memory');
      return writeMemory(rt.mi, addressOf(a.memoryReference, a.offset), a.data);
    },
  };
}
