// The DAP session: thin. It translates requests for the runtime (run control), the target (what
// is debugged: src/targets) and the parts that read gdb (parts.ts).
import * as fs from 'fs';
import * as path from 'path';
import {
  LoggingDebugSession, Response, InitializedEvent, ContinuedEvent, ModuleEvent, InvalidatedEvent, StoppedEvent, TerminatedEvent, OutputEvent, BreakpointEvent, Thread, Source, logger, Logger,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { UmlLaunchArguments, UmlAttachArguments, RemoteAttachArguments } from '../targets/config';
import { SNAPSHOT_DOES_NOT_RUN, Target, UmlTarget, attachTarget, launchTarget, startTarget } from '../targets/launch';
import type { NoDebugRun } from '../targets/launch';
import { Runtime } from './runtime';
import { Breakpoints, toDap } from './breakpoints';
import type { Variables } from './variables';
import type { simpleRequests } from './requests';
import { ClientPaths, applySourceMappings } from './sourceMap';
import type { Stop, BreakpointInfo } from '../gdb/records';
import { GdbError } from '../gdb/gdb';
import type { ConsoleTerminal, OpenTerminal } from '../targets/consoleTerminal';
import { XsaveNotes } from '../hostcompat/sessionNotes';
import type { ExceptionBreakpoints } from './exceptions';
import { CAPABILITIES } from './capabilities';
import { sessionParts } from './parts';
import type { StopRouter, ProcessExit } from './stops';
import type { StepOff, ResumeKind, MiResume } from './stepOff';
import type { TaskThreads } from './tasks';
import type { ModuleSymbols } from './modules';
import { WarmResult, warmNote } from '../gdb/indexCache';
import { Timeline } from './timeline';
import { F5_MARKS, F5Mark, KernelDataViews, LIST_CHOICES } from '../shared/messages';
import type { ListIndexOf } from './listIndexBuild';
import { SessionSnapshots } from './snapshots';
import { NOISE, resumeFailure } from './sessionText';
import { TraceOutput } from './traceOutput';

export class UmlDebugSession extends LoggingDebugSession {
  private runtime: Runtime | undefined;
  private breakpoints!: Breakpoints;
  private exceptions!: ExceptionBreakpoints;
  private stops!: StopRouter;
  private stepOff!: StepOff;
  private modules!: ModuleSymbols;
  private tasks!: TaskThreads;
  private simple: ReturnType<typeof simpleRequests> = {};
  private listIndex?: ListIndexOf;
  private snapshots = new SessionSnapshots();
  private variables!: Variables;
  private configurationDone!: Promise<void>;
  private markConfigurationDone!: () => void;
  private clientRunsInTerminal = false;
  private terminal: ConsoleTerminal | undefined;
  private ended = false;
  private noDebug: NoDebugRun | undefined;
  private xsave = new XsaveNotes((text, category) => this.out(text, category));
  private lastThreads = [new Thread(1, 'kernel')];
  private timeline = new Timeline();
  private paths = new ClientPaths();
  private traceOut = new TraceOutput((text, category, where) => this.emitOutput(text, category, where), () => this.runtime?.plan);

  /** openTerminal: the extension host opens the console terminal itself (no shell in between, faster than runInTerminal). */
  /** beforeRestart: the extension host rebuilds a stale kernel first (throws: the build failed). */
  /** launchFailed: the extension host says why a launch failed after its early answer (see launchRequest). */
  private readonly adapterMarks: F5Mark[] = [{ name: 'adapter-created', at: Date.now() }];

  constructor(private readonly opts: { openTerminal?: OpenTerminal; beforeRestart?: () => Promise<void>; launchFailed?: (message: string) => void } = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configurationDone = new Promise((r) => { this.markConfigurationDone = r; });
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientRunsInTerminal = !!args.supportsRunInTerminalRequest;
    this.adapterMarks.push({ name: 'initialize', at: Date.now() });
    response.body = CAPABILITIES;
    this.sendResponse(response);
  }

  protected async launchRequest(response: DebugProtocol.LaunchResponse, args: UmlLaunchArguments): Promise<void> {
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    this.timeline = new Timeline();
    // F5's steps before this request: the extension host's (in the configuration) and ours.
    this.timeline.addBefore([...(Array.isArray(args[F5_MARKS]) ? args[F5_MARKS] : []), ...this.adapterMarks]);
    let answered = false;
    try {
      const askedTerminal = (args.console ?? 'integratedTerminal') === 'integratedTerminal';
      const wantTerminal = askedTerminal && (this.clientRunsInTerminal || !!this.opts.openTerminal);
      // Everything is checked once, before a terminal opens; the terminal's tty completes the plan.
      const target = await launchTarget(args, wantTerminal ? 'integratedTerminal' : 'internalConsole');
      if (askedTerminal && !wantTerminal) {
        this.out('This client cannot open terminals: the guest console goes to the Debug Console.\n');
      }
      fs.mkdirSync(target.plan.sessionDir, { recursive: true });
      this.timeline.writeTo(path.join(target.plan.sessionDir, 'timeline.json'));
      this.timeline.mark('planned');
      if (args.noDebug && target instanceof UmlTarget) {
        await target.preflight(this.xsave);
        return await this.runWithoutDebugging(response, target.withoutDebugger());
      }
      // VS Code shows the debug toolbar once the launch is answered: in the extension host the
      // answer goes as soon as the plan holds (every bad input is known by then), and what fails
      // later is said through the host (launchFailed) as the session ends.
      if (this.opts.launchFailed) {
        this.sendResponse(response);
        answered = true;
        // The answer leaves the extension host on a timer; gdb's start below is ~40 ms of
        // synchronous work (spawn, files) that would hold it, and the toolbar with it.
        await new Promise((r) => setTimeout(r, 0));
      }
      this.snapshots.configure(args, target.plan.id);
      const rt = await this.startGdb(target, args, wantTerminal);
      if (args.payload?.stopOn) this.exceptions.force(args.payload.stopOn);  // before initialized: the client's filters join these
      this.sendEvent(new InitializedEvent());
      await this.configurationDone;
      this.timeline.mark('configuration-done');
      if (target.frozen) {
        // A snapshot: its modules' symbols, then the stop as it was saved (nothing runs).
        await this.modules.loadAll().catch((e: Error) => this.out(`Module symbols not loaded: ${e.message}\n`, 'important'));
        this.sendStopped(target.frozen.reason, 1, target.frozen.text);
      } else {
        await this.stops.arm();
        if (target.kernel.moduleHooks) await this.modules.hook();
        await rt.run();
        this.timeline.mark('running');
      }
      if (args.trace) this.out(`F5 timeline (ms from ${this.timeline.before.length ? 'F5\'s first step' : 'the launch request'}): ${this.timeline}\n`);
      if (!answered) this.sendResponse(response);
    } catch (e) {
      await this.teardown();
      if (!answered) return this.sendErrorResponse(response, { id: 1001, format: (e as Error).message, showUser: true });
      this.out(`${(e as Error).message}\n`, 'stderr');
      this.opts.launchFailed?.((e as Error).message);
      this.end();
    }
  }

  /** A runtime for the target: gdb started and the kernel loaded, the terminal and host checks beside; then the helpers that use gdb. */
  private async startGdb(target: Target, args: { sourceFileMap?: Record<string, string>; moduleSearchPath?: string[]; kernelData?: Partial<KernelDataViews>; [LIST_CHOICES]?: Record<string, { type: string; member: string }> }, wantTerminal: boolean): Promise<Runtime> {
    const rt = new Runtime(target, (s) => logger.verbose(s));
    this.runtime = rt;
    this.wire(rt);
    await startTarget(target, {
      start: () => rt.start(),
      bindTty: (tty) => rt.bindTty(tty),
      afterStart: () => this.mapSources(rt, args.sourceFileMap),
      out: (t, c) => this.out(t, c),
      mark: (m) => this.timeline.mark(m),
      xsave: this.xsave,
      terminal: wantTerminal ? { open: this.opts.openTerminal ?? ((a) => this.runInTerminal(a)), hold: !!this.opts.openTerminal, opened: (t) => { this.terminal = t; } } : undefined,
    });
    this.useGdb(rt, args.moduleSearchPath, args.kernelData, args[LIST_CHOICES]);
    return rt;
  }

  private runInTerminal(a: DebugProtocol.RunInTerminalRequestArguments): Promise<void> {
    return new Promise((resolve, reject) => this.runInTerminalRequest(a, 10000,
      (r) => (r.success ? resolve() : reject(new Error(`Could not open a terminal: ${r.message}`)))));
  }

  private async runWithoutDebugging(response: DebugProtocol.LaunchResponse, run: NoDebugRun): Promise<void> {
    const plan = run.plan;
    this.noDebug = run;
    run.on('output', (t: string, c: string) => { this.out(t, c); this.xsave.console(t); });
    run.on('exited', (why: string) => { this.xsave.end(why); this.end(); });
    this.sendEvent(new InitializedEvent());
    await this.configurationDone;
    await run.start(plan.console === 'integratedTerminal' && this.clientRunsInTerminal ? (a) => this.runInTerminal(a) : undefined);
    this.out(`UML instance ${plan.umid} runs without debugging.\n`);
    this.sendResponse(response);
  }

  protected async attachRequest(response: DebugProtocol.AttachResponse, args: UmlAttachArguments | RemoteAttachArguments): Promise<void> {
    logger.setup((args as { trace?: boolean }).trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    try {
      const target = attachTarget(args);
      // gdb joins the kernel (UML: attached; QEMU: connected), which stays stopped until the first resume.
      await this.startGdb(target, args as UmlAttachArguments, false);
      if (target.kernel.moduleHooks) {
        await this.modules.hook();
        await this.modules.loadAll().catch((e: Error) => this.out(`Module symbols not loaded: ${e.message}\n`, 'important'));
      }
      this.sendEvent(new InitializedEvent());
      await this.configurationDone;
      await this.stops.arm();
      await this.rt.resume(() => this.rt.mi.execContinue());
      this.sendResponse(response);
    } catch (e) {
      await this.teardown();
      this.sendErrorResponse(response, { id: 1003, format: (e as Error).message, showUser: true });
    }
  }

  /** Where the kernel was built vs where the user's sources are: gdb rewrites paths between them. */
  private async mapSources(rt: Runtime, sourceFileMap: Record<string, string> | undefined): Promise<void> {
    const maps = await applySourceMappings(rt.mi, { sourceFileMap, kernelDir: path.dirname(rt.plan.kernel.kernel) });
    for (const m of maps) this.out(`Sources: ${m.from} is read from ${m.to} (${m.why}).\n`);
    this.timeline.mark('sources-mapped');
  }

  /** gdb has the kernel loaded: breakpoints, exception filters and variables can talk to it. */
  private useGdb(rt: Runtime, moduleSearchPath: string[] | undefined, kernelData?: Partial<KernelDataViews>, listChoices?: Record<string, { type: string; member: string }>): void {
    ({ breakpoints: this.breakpoints, exceptions: this.exceptions, variables: this.variables, tasks: this.tasks, modules: this.modules,
      stops: this.stops, stepOff: this.stepOff, simple: this.simple, listIndex: this.listIndex } = sessionParts(rt, {
      warn: (m) => this.out(`${m}\n`, 'important'),
      say: (line) => this.out(`${line}\n`),
      moduleEvent: (reason, m) => this.sendEvent(new ModuleEvent(reason, m)),
      panicHint: (readLog) => this.xsave.panicHint(readLog),
      moduleSearchPath,
      kernelData,
      listChoices,
      snapshots: this.snapshots,
      paths: this.paths,
      invalidateVariables: () => this.sendEvent(new InvalidatedEvent(['variables'])),
    }));
  }

  private wire(rt: Runtime): void {
    rt.on('output', (text: string, category: string) => {
      if (category === 'console') text = text.split(/(?<=\n)/).filter((l) => !NOISE.test(l)).join('');
      if (text) this.out(text, category);
      if (category === 'stdout') this.xsave.console(text);
    });
    rt.on('stopped', (r: Stop) => this.onStopped(r).catch((e) => this.out(`${e.message}\n`, 'stderr')));
    rt.on('breakpoint-modified', (b: BreakpointInfo) => {
      const changed = this.breakpoints?.modified(b.number, toDap(b));
      if (changed) this.sendEvent(new BreakpointEvent('changed', changed));
    });
    rt.on('resume-failed', (why: string) => this.sendStopped('exception', 1, resumeFailure(why)));
    rt.on('exited', (why: string, bad?: boolean, exit?: ProcessExit) => { this.xsave.end(exit && this.stops ? this.stops.endings.message(exit, why) : why, bad ? 'stderr' : 'console'); this.end(); });
    rt.on('phase', (name: string, w?: WarmResult) => {
      this.timeline.mark(name);
      const note = w && warmNote(w);
      if (note) this.out(`${note.text}\n`, note.important ? 'important' : 'console');
    });
  }

  private async onStopped(r: Stop): Promise<void> {
    const more = await this.stepOff.next(r);  // a step off a breakpoint goes on
    if (more) return this.resume(more);
    const a = await this.stops.route(r);
    if ('show' in a) {
      this.sendStopped(a.show.reason, r.threadId, a.show.text, a.show.hitBreakpointIds);
      if (a.show.crash) await this.snapshots.atCrash(this.rt, (text) => this.out(`${text}\n`, 'important'));
      return;
    }
    if ('log' in a) this.out(`${a.log}\n`, 'console');
    if ('say' in a && a.say) this.out(`${a.say}\n`);
    return this.resume('continue');  // passed over (a logpoint, a hit count...): off its breakpoint first
  }

  private sendStopped(reason: string, threadId: number, text?: string, hitBreakpointIds?: number[]): void {
    this.snapshots.stopped({ reason, text });
    const ev = new StoppedEvent(reason, threadId, text) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (hitBreakpointIds) ev.body.hitBreakpointIds = hitBreakpointIds;
    this.timeline.mark('first-stop');
    this.traceOut.whenIdle(() => this.sendEvent(ev));
    this.listIndex?.startLater(500, () => { if (this.runtime?.state === 'stopped') this.sendEvent(new InvalidatedEvent(['variables'])); });
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.markConfigurationDone();
    this.sendResponse(response);
  }

  protected async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    await this.handle(response, async () => {
      const file = args.source.path!;
      this.paths.remember(file);
      const bps = await this.rt.withStopped(() => this.breakpoints.setSource(file, args.breakpoints ?? []));
      response.body = { breakpoints: bps };
    });
  }

  protected async setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<void> {
    await this.handle(response, async () => {
      response.body = { breakpoints: await this.rt.withStopped(() => this.breakpoints.setFunctions(args.breakpoints)) };
    });
  }

  protected async threadsRequest(response: DebugProtocol.ThreadsResponse): Promise<void> {
    await this.handle(response, async () => {
      // While the guest runs, the last known list: gdb cannot list threads (or tasks) then.
      if (this.runtime?.state === 'stopped') this.lastThreads = await this.tasks.withTask(undefined, () => this.tasks.threads());
      response.body = { threads: this.lastThreads };
    });
  }

  protected async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    await this.handle(response, async () => {
      await this.resume('continue');
      response.body = { allThreadsContinued: true };
    });
  }

  protected async nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): Promise<void> {
    await this.handle(response, () => this.resume(args.granularity === 'instruction' ? 'nexti' : 'next', args.threadId));
  }

  protected async stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): Promise<void> {
    await this.handle(response, () => this.resume(args.granularity === 'instruction' ? 'stepi' : 'step', args.threadId));
  }

  protected async stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): Promise<void> {
    await this.handle(response, () => this.resume('finish', args.threadId));
  }

  protected async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    this.stepOff?.cancel();  // a step off a breakpoint in progress: its next stop is the pause's
    await this.handle(response, () => this.rt.exclusive(() => this.rt.pause()));
  }

  /** Reboots the guest under the same gdb (faster than Stop and F5: symbols stay loaded). */
  protected async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    await this.handle(response, async () => {
      // A failed rebuild leaves the running guest as it is.
      await this.opts.beforeRestart?.();
      this.variables.reset();
      this.breakpoints.resetHits();
      this.stops.reset();
      this.modules.reset();
      this.stepOff.reset();
      await this.rt.restart();
      this.sendEvent(new ContinuedEvent(1, true));
    });
  }

  protected async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.teardown();
    this.sendResponse(response);
    this.end();
  }

  protected async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.teardown();
    this.sendResponse(response);
  }

  /** A resume the user asked for (from a breakpoint: stepped off it first), or the next command of a step off. */
  private async resume(how: ResumeKind | MiResume, thread?: number): Promise<void> {
    const rt = this.rt;
    if (rt.target.frozen) throw new Error(SNAPSHOT_DOES_NOT_RUN);
    // The one queue: no task's context is in the registers when the guest runs.
    await rt.exclusive(async () => {
      this.tasks.invalidate();
      this.variables.reset();
      const command = typeof how === 'string' ? await this.stepOff.begin(how, thread) : how;
      await rt.resume(() => command(rt.mi)).catch((e: Error) => {
        // gdb places hardware watchpoints when the guest resumes: that is when too many fail.
        throw new Error(resumeFailure(e.message));
      });
    });
  }

  private get rt(): Runtime {
    if (!this.runtime) throw new Error('No UML kernel is running in this session.');
    return this.runtime;
  }

  /** Requests that read or set something through gdb: straight from the table in requests.ts. */
  protected dispatchRequest(request: DebugProtocol.Request): void {
    const h = this.simple[request.command];
    if (!h) return super.dispatchRequest(request);
    const response = new Response(request) as DebugProtocol.Response;
    void this.handle(response, async () => { response.body = await h(request.arguments ?? {}); });
  }

  private async handle(response: DebugProtocol.Response, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      // What the client asked for on the first stop, in order: the stop-to-Variables path
      // (recorded before the answer leaves, so whoever got it finds it in the timeline).
      if (this.timeline.at('first-stop') !== undefined) this.timeline.mark(`first-${response.command}`);
      this.sendResponse(response);
    } catch (e) {
      const msg = e instanceof GdbError ? e.message : (e as Error).message;
      this.sendErrorResponse(response, { id: 1002, format: msg, showUser: false });
    }
  }

  /** All output goes through traceOut: in order, a kernel trace's frames linked to their source. */
  private out(text: string, category = 'console'): void {
    this.traceOut.push(text, category);
  }

  /** `where`: the source line a kernel trace's frame resolves to (VS Code links it beside the text). */
  private emitOutput(text: string, category: string, where?: { path: string; line: number }): void {
    const e: DebugProtocol.OutputEvent = new OutputEvent(text, category);
    if (where) Object.assign(e.body, { source: new Source(path.basename(where.path), this.paths.toClient(where.path)), line: where.line });
    this.sendEvent(e);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    void this.traceOut.flush().then(() => this.teardown()).then(() => this.sendEvent(new TerminatedEvent()));
  }

  /** The client went away (stdin closed, SIGTERM): end the kernel and gdb before exiting. */
  shutdown(): void {
    void this.teardown().finally(() => super.shutdown());
  }

  /** Inline (in the extension host): VS Code disposes the session when it ends. */
  dispose(): void {
    void this.teardown();
    super.dispose();
  }

  private async teardown(): Promise<void> {
    this.listIndex?.stop();
    this.traceOut.dispose();
    await this.noDebug?.stop();
    await this.runtime?.dispose();
    this.terminal?.close();
  }
}
