// Running and debugging KUnit tests from the Testing view: kunit.py builds (as a task, so the
// compiler's errors reach the Problems view through the problem matchers), then runs the
// selection; results land on the items as the KTAP streams in. Debug Test boots kunit.py's
// kernel under the debug adapter with kunit.py's kernel arguments.
import * as path from 'path';
import * as vscode from 'vscode';
import { KtapParser, KtapResult } from '../kunit/ktap';
import { KunitOptions, buildArgs, execArgs, globsFor, kunitKernel, listArgs, parseTestList, runKunitPy } from '../kunit/run';
import { KunitItems, KunitRef, refs } from './kunitItems';
import { printedPosition } from '../stacktrace/decodeTrace';

/** A line of the kernel's output in the test output; one that prints a source position links to it. */
export function appendKernelLine(run: vscode.TestRun, line: string, tree: string): void {
  const at = printedPosition(line, tree);
  run.appendOutput(`${line}\r\n`, at && new vscode.Location(vscode.Uri.file(at.file), new vscode.Position(at.line - 1, 0)));
}

/** The selected items' leaves (cases, or suites without cases), minus the excluded. */
export function selectionOf(ctrl: vscode.TestController, req: vscode.TestRunRequest): vscode.TestItem[] {
  const out: vscode.TestItem[] = [];
  const excluded = new Set(req.exclude ?? []);
  const visit = (it: vscode.TestItem) => {
    if (excluded.has(it)) return;
    const r = refs.get(it);
    if (r && (r.test || it.children.size === 0)) { out.push(it); return; }
    it.children.forEach(visit);
  };
  if (req.include) req.include.forEach(visit); else ctrl.items.forEach(visit);
  return out;
}

/** kunit.py build as a task: progress in its terminal, errors in Problems. */
export async function buildKunit(folder: vscode.WorkspaceFolder, o: KunitOptions, token: vscode.CancellationToken, name = 'kunit build'): Promise<string | undefined> {
  const task = new vscode.Task({ type: 'uml', target: 'kunit' }, folder, name, 'uml',
    new vscode.ProcessExecution('python3', buildArgs(o), { cwd: o.tree }), ['$uml-gcc', '$uml-ld', '$uml-kconfig']);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
  const exec = await vscode.tasks.executeTask(task);
  const cancel = token.onCancellationRequested(() => exec.terminate());
  try {
    const code = await new Promise<number | undefined>((resolve) => {
      const d = vscode.tasks.onDidEndTaskProcess((e) => { if (e.execution === exec) { d.dispose(); resolve(e.exitCode); } });
    });
    if (token.isCancellationRequested) return 'Cancelled while building.';
    return code === 0 ? undefined : `kunit.py build failed (exit ${code}): the compiler's errors are in the Problems view, the whole output in the "${name}" terminal.`;
  } finally {
    cancel.dispose();
  }
}

/** Feeds KTAP lines to a run: started, passed, failed at the failed expectation's line, skipped. */
export class ResultSink {
  readonly reported = new Set<vscode.TestItem>();
  private parser = new KtapParser();
  private tail: string[] = [];

  constructor(private readonly run: vscode.TestRun, private readonly items: KunitItems, private readonly tree: string) {}

  line(l: string): void {
    this.tail = [...this.tail.slice(-40), l];
    for (const ev of this.parser.push(l)) {
      if (ev.kind === 'start') { const it = this.items.itemFor(ev.path); if (it) this.run.started(it); }
      if (ev.kind === 'result') this.result(ev.result);
    }
  }

  /**
   * Selected items that got no result: not in this build when the kernel finished every suite
   * it had; else it crashed, hung, or the run was cancelled.
   */
  finish(expected: vscode.TestItem[], cancelled: boolean): void {
    for (const it of expected) {
      if (this.reported.has(it)) continue;
      if (cancelled) this.run.skipped(it);
      else if (this.parser.complete()) this.run.skipped(it);  // not built: its Kconfig option is off (or not for ARCH=um)
      else this.run.errored(it, new vscode.TestMessage(`No result: the kernel crashed, hung (kunit.py's timeout) or stopped before this test.\n\n${this.tail.join('\n')}`));
    }
  }

  private result(r: KtapResult): void {
    const it = this.items.itemFor(r.path);
    if (!it) return;
    this.reported.add(it);
    if (r.status === 'passed') this.run.passed(it);
    else if (r.status === 'skipped') this.run.skipped(it);
    else {
      const msg = new vscode.TestMessage(r.diagnostics.length ? r.diagnostics.join('\n') : `not ok${r.directive ? ` # ${r.directive} ${r.reason ?? ''}` : ''}`);
      if (r.location) msg.location = new vscode.Location(vscode.Uri.file(path.join(this.tree, r.location.file)), new vscode.Position(r.location.line - 1, 0));
      this.run.failed(it, msg);
    }
  }
}

/** Whether a run of `glob` (undefined: everything) covers the test `r`. */
export const matches = (glob: string | undefined, r: KunitRef) => !glob || glob === r.suite || glob === `${r.suite}.${r.test}`;

export async function runKunit(ctrl: vscode.TestController, items: KunitItems, folder: vscode.WorkspaceFolder, o: KunitOptions,
  req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
  const run = ctrl.createTestRun(req);
  const selected = selectionOf(ctrl, req);
  selected.forEach((it) => run.enqueued(it));
  const cancel = new AbortController();
  const sub = token.onCancellationRequested(() => cancel.abort());
  try {
    const failed = await buildKunit(folder, o, token);
    if (failed) { selected.forEach((it) => run.errored(it, new vscode.TestMessage(failed))); return; }
    // What the build holds (0.3 s): tests the sources did not show join the tree.
    const listed: string[] = [];
    const lu = `kunit-list-${process.pid}-${Date.now()}`;
    await runKunitPy(o.tree, listArgs(o, lu), { umid: lu, signal: cancel.signal, onLine: (l) => listed.push(l) });
    items.reconcile(parseTestList(listed));
    const allSelected = !req.include && !req.exclude?.length;
    for (const glob of globsFor(allSelected ? [] : selected.map((it) => refs.get(it)!))) {
      if (cancel.signal.aborted) break;
      const sink = new ResultSink(run, items, o.tree);
      const umid = `kunit-${process.pid}-${Date.now()}`;
      const r = await runKunitPy(o.tree, execArgs(o, glob, umid), { umid, signal: cancel.signal, onLine: (l) => { appendKernelLine(run, l, o.tree); sink.line(l); } });
      sink.finish(selected.filter((it) => matches(glob, refs.get(it)!)), r.cancelled);
    }
  } finally {
    sub.dispose();
    run.end();
  }
}

/**
 * Debug Test: kunit.py's kernel under the debug adapter with the arguments kunit.py gives it,
 * the guest's console read as KTAP so the results still reach the Testing view.
 */
export async function debugKunit(ctrl: vscode.TestController, items: KunitItems, folder: vscode.WorkspaceFolder, o: KunitOptions,
  req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
  const run = ctrl.createTestRun(req);
  const selected = selectionOf(ctrl, req);
  try {
    const failed = await buildKunit(folder, o, token);
    if (failed) { selected.forEach((it) => run.errored(it, new vscode.TestMessage(failed))); return; }
    const [glob] = globsFor(selected.map((it) => refs.get(it)!));
    const sink = new ResultSink(run, items, o.tree);
    const id = `kunit-debug-${Date.now()}`;
    let partial = '';
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('uml', {
      createDebugAdapterTracker: (s) => (s.configuration.kunitRun !== id ? undefined : {
        onDidSendMessage: (m: { type?: string; event?: string; body?: { output?: string; category?: string } }) => {
          if (m.type !== 'event' || m.event !== 'output' || m.body?.category !== 'stdout') return;
          const lines = (partial + (m.body.output ?? '')).split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) { appendKernelLine(run, l, o.tree); sink.line(l); }
        },
      }),
    });
    try {
      const config: vscode.DebugConfiguration = {
        type: 'uml', request: 'launch', name: `KUnit: ${glob ?? 'all tests'}`, kernel: kunitKernel(o), mem: '1G', console: 'internalConsole', kunitRun: id,
        kernelArgs: [...(glob ? [`kunit.filter_glob=${glob}`] : []), 'kunit.enable=1', 'kunit_shutdown=halt', 'console=tty'],
      };
      const ended = new Promise<void>((resolve) => {
        const d = vscode.debug.onDidTerminateDebugSession((s) => { if (s.configuration.kunitRun === id) { d.dispose(); resolve(); } });
      });
      if (!await vscode.debug.startDebugging(folder, config, { testRun: run })) throw new Error('The debug session did not start (see the Debug Console).');
      await ended;
      if (partial) sink.line(partial);
      sink.finish(selected.filter((it) => matches(glob, refs.get(it)!)), token.isCancellationRequested);
    } finally {
      tracker.dispose();
    }
  } catch (e) {
    selected.forEach((it) => run.errored(it, new vscode.TestMessage((e as Error).message)));
  } finally {
    run.end();
  }
}
