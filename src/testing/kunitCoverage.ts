// Run with Coverage for KUnit: the host's route checked (and said), the coverage kernel built in
// its own build directory (a task, like the normal build), the selection run, and the counts
// handed to VS Code per file (the editor's gutter, the Test Coverage view) and left as lcov in
// <build dir>-coverage/coverage.info for other tools.
import * as path from 'path';
import * as vscode from 'vscode';
import { FileCoverage as Counts, coverageDirs, coverageOptions } from '../kunit/coverage';
import { collectCoverage, coverageHost, resetCounts, runCovered } from '../kunit/coverageRun';
import { KunitOptions, globsFor } from '../kunit/run';
import { KunitItems, refs } from './kunitItems';
import { ResultSink, appendKernelLine, buildKunit, matches, selectionOf } from './kunitRun';

/** The lines and functions behind each file's summary, for the editor when it asks. */
const details = new WeakMap<vscode.FileCoverage, vscode.FileCoverageDetail[]>();

export function loadDetailedCoverage(_run: vscode.TestRun, file: vscode.FileCoverage): Promise<vscode.FileCoverageDetail[]> {
  return Promise.resolve(details.get(file) ?? []);
}

export function fileCoverageOf(c: Counts): vscode.FileCoverage {
  const d: vscode.FileCoverageDetail[] = [
    ...c.lines.map((l) => new vscode.StatementCoverage(l.count, new vscode.Position(l.line - 1, 0))),
    ...c.functions.map((f) => new vscode.DeclarationCoverage(f.name, f.count, new vscode.Position(Math.max(0, f.line - 1), 0))),
  ];
  const fc = vscode.FileCoverage.fromDetails(vscode.Uri.file(c.file), d);
  details.set(fc, d);
  return fc;
}

export async function runKunitCoverage(ctrl: vscode.TestController, items: KunitItems, folder: vscode.WorkspaceFolder, o: KunitOptions,
  req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
  const run = ctrl.createTestRun(req, 'KUnit coverage');
  const selected = selectionOf(ctrl, req);
  selected.forEach((it) => run.enqueued(it));
  const cancel = new AbortController();
  const sub = token.onCancellationRequested(() => cancel.abort());
  const fail = (m: string) => selected.forEach((it) => run.errored(it, new vscode.TestMessage(m)));
  try {
    const host = await coverageHost(o.tree).catch((e: Error) => e);
    if (host instanceof Error) { fail(host.message); void vscode.window.showErrorMessage(host.message); return; }
    run.appendOutput(`KUnit coverage route: ${host.reason}\r\n`);
    const failed = await buildKunit(folder, coverageOptions(o), token, 'kunit coverage build');
    if (failed) { fail(failed); return; }
    resetCounts(o);
    const allSelected = !req.include && !req.exclude?.length;
    for (const glob of globsFor(allSelected ? [] : selected.map((it) => refs.get(it)!))) {
      if (cancel.signal.aborted) break;
      const sink = new ResultSink(run, items, o.tree);
      const r = await runCovered(o, host.route, glob, { signal: cancel.signal, onLine: (l) => { appendKernelLine(run, l, o.tree); sink.line(l); } });
      sink.finish(selected.filter((it) => matches(glob, refs.get(it)!)), r.cancelled);
      if (!r.written && !r.cancelled) run.appendOutput('The coverage kernel did not exit normally: this run\'s counts were not written.\r\n');
    }
    if (cancel.signal.aborted) return;
    const files = selected.map((it) => it.uri?.fsPath).filter((f): f is string => !!f).map((f) => path.relative(o.tree, f));
    const dirs = coverageDirs(files.length ? files : ['lib/x.c']);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'KUnit: reading coverage' },
      () => collectCoverage(o, host.route, dirs, cancel.signal));
    for (const f of result.files) if (f.lines.length) run.addCoverage(fileCoverageOf(f));
    run.appendOutput(`Coverage of ${dirs.join(', ')}: ${result.files.length} files; lcov tracefile ${result.lcovFile}\r\n`);
  } catch (e) {
    if (!cancel.signal.aborted) fail((e as Error).message);
  } finally {
    sub.dispose();
    run.end();
  }
}
