// KUnit in VS Code's Testing view, for each workspace folder that is a kernel tree with
// tools/testing/kunit/kunit.py: discovery from the sources (refreshed on save), Run, Run with
// Coverage and Debug.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { KUNIT_PY, KunitOptions } from '../kunit/run';
import { KunitItems } from './kunitItems';
import { debugKunit, runKunit } from './kunitRun';
import { loadDetailedCoverage, runKunitCoverage } from './kunitCoverage';
import { kunitSettings } from '../config';

function optionsFor(folder: vscode.WorkspaceFolder): KunitOptions {
  return { tree: folder.uri.fsPath, ...kunitSettings(folder) };
}

function register(ctx: vscode.ExtensionContext, folder: vscode.WorkspaceFolder): void {
  const tree = folder.uri.fsPath;
  const ctrl = vscode.tests.createTestController(`umlKunit:${tree}`, `KUnit (UML): ${folder.name}`);
  const items = new KunitItems(ctrl, tree);
  let discovered: Thenable<unknown> | undefined;
  const discover = () => (discovered = vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'KUnit: finding tests' }, () => items.discoverAll()));
  ctrl.resolveHandler = async (item) => { if (!item) await (discovered ?? discover()); };
  ctrl.refreshHandler = () => discover().then(() => undefined);
  ctrl.createRunProfile('Run', vscode.TestRunProfileKind.Run, async (req, token) => {
    await runKunit(ctrl, items, folder, optionsFor(folder), req, token);
    if (req.continuous) await runOnSave(req, token);
  }, true, undefined, true);
  const coverage = ctrl.createRunProfile('Run with Coverage', vscode.TestRunProfileKind.Coverage, (req, token) => runKunitCoverage(ctrl, items, folder, optionsFor(folder), req, token), true);
  coverage.loadDetailedCoverage = loadDetailedCoverage;
  ctrl.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (req, token) => debugKunit(ctrl, items, folder, optionsFor(folder), req, token), true);
  /** Continuous run: each save of a test file runs its suites (those of the request) again. */
  const runOnSave = (req: vscode.TestRunRequest, token: vscode.CancellationToken) => new Promise<void>((resolve) => {
    const within = (it: vscode.TestItem) => !req.include || req.include.some((i) => i === it || i === it.parent);
    const sub = vscode.workspace.onDidSaveTextDocument((d) => {
      const file = ctrl.items.get(`file:${path.relative(tree, d.uri.fsPath)}`);
      const suites: vscode.TestItem[] = [];
      file?.children.forEach((s) => { if (within(s) || (req.include ?? []).includes(file)) suites.push(s); });
      if (suites.length) void runKunit(ctrl, items, folder, optionsFor(folder), new vscode.TestRunRequest(suites, undefined, req.profile), token);
    });
    token.onCancellationRequested(() => { sub.dispose(); resolve(); });
  });
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*{test,kunit}*.c'));
  const changed = (u: vscode.Uri) => { if (discovered) void items.updateFile(u.fsPath); };
  ctx.subscriptions.push(ctrl, watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed),
    vscode.workspace.onDidSaveTextDocument((d) => { if (d.uri.fsPath.startsWith(tree + path.sep) && d.uri.fsPath.endsWith('.c')) changed(d.uri); }));
}

export function registerKunit(ctx: vscode.ExtensionContext): void {
  const seen = new Set<string>();
  const add = (folders: readonly vscode.WorkspaceFolder[]) => {
    for (const f of folders) {
      if (seen.has(f.uri.fsPath) || !fs.existsSync(path.join(f.uri.fsPath, KUNIT_PY))) continue;
      seen.add(f.uri.fsPath);
      register(ctx, f);
    }
  };
  add(vscode.workspace.workspaceFolders ?? []);
  ctx.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders((e) => add(e.added)));
}
