// The Testing view's tree for a kernel tree's KUnit tests: file -> suite -> case, found in the
// sources (kunit/discover.ts) without building, kept current as files are saved.
import { promises as fsp } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { candidateFiles, discoverKunit } from '../kunit/discover';

export interface KunitRef { suite: string; test?: string; param?: string }

/** What each item is, by id. */
export const refs = new WeakMap<vscode.TestItem, KunitRef>();

export const suiteId = (suite: string) => `suite:${suite}`;
export const caseId = (suite: string, test: string) => `case:${suite}.${test}`;

export class KunitItems {
  /** Suite items by suite name, across files (kunit.py reports by name). */
  readonly suites = new Map<string, vscode.TestItem>();

  constructor(private readonly ctrl: vscode.TestController, private readonly tree: string) {}

  async discoverAll(token?: vscode.CancellationToken): Promise<number> {
    const files = await candidateFiles(this.tree, () => !!token?.isCancellationRequested);
    await Promise.all(files.map((f) => this.updateFile(f)));
    return this.suites.size;
  }

  /** (Re)reads one file; a file without tests leaves the tree. */
  async updateFile(file: string): Promise<void> {
    const rel = path.relative(this.tree, file);
    const id = `file:${rel}`;
    let text = '';
    try { text = await fsp.readFile(file, 'utf8'); } catch { /* deleted */ }
    const found = text.includes('kunit') ? discoverKunit(text) : [];
    const old = this.ctrl.items.get(id);
    old?.children.forEach((s) => this.suites.delete(s.label));
    if (!found.length) { if (old) this.ctrl.items.delete(id); return; }
    const uri = vscode.Uri.file(file);
    const fileItem = old ?? this.ctrl.createTestItem(id, rel, uri);
    const suites: vscode.TestItem[] = [];
    for (const s of found) {
      const si = this.ctrl.createTestItem(suiteId(s.name), s.name, uri);
      si.range = new vscode.Range(s.line - 1, 0, s.line - 1, 0);
      refs.set(si, { suite: s.name });
      si.children.replace(s.cases.map((c) => {
        const ci = this.ctrl.createTestItem(caseId(s.name, c.name), c.name, uri);
        ci.range = new vscode.Range(c.line - 1, 0, c.line - 1, 0);
        refs.set(ci, { suite: s.name, test: c.name });
        return ci;
      }));
      suites.push(si);
      this.suites.set(s.name, si);
    }
    fileItem.children.replace(suites);
    if (!old) this.ctrl.items.add(fileItem);
  }

  /**
   * What the built kernel reports (kunit.py --list_tests): suites and cases the sources did not
   * show (made by macros, or in files named otherwise) join the tree under "Built kernel".
   */
  reconcile(list: Array<{ suite: string; test: string }>): void {
    const extraId = 'built:';
    let extra = this.ctrl.items.get(extraId);
    for (const { suite, test } of list) {
      let s = this.suites.get(suite);
      if (!s) {
        if (!extra) { extra = this.ctrl.createTestItem(extraId, 'Built kernel (not found in the sources)'); this.ctrl.items.add(extra); }
        s = this.ctrl.createTestItem(suiteId(suite), suite);
        refs.set(s, { suite });
        extra.children.add(s);
        this.suites.set(suite, s);
      }
      if (!s.children.get(caseId(suite, test))) {
        const c = this.ctrl.createTestItem(caseId(suite, test), test, s.uri);
        refs.set(c, { suite, test });
        s.children.add(c);
      }
    }
  }

  /** The item for a KTAP result path [suite, case, param]; parameters become children on the way. */
  itemFor(p: string[]): vscode.TestItem | undefined {
    const suite = this.suites.get(p[0]);
    if (!suite || p.length === 1) return suite;
    const c = suite.children.get(caseId(p[0], p[1]));
    if (!c || p.length === 2) return c;
    const id = `param:${p[0]}.${p[1]}.${p[2]}`;
    let param = c.children.get(id);
    if (!param) {
      param = this.ctrl.createTestItem(id, p[2], c.uri);
      param.range = c.range;
      refs.set(param, { suite: p[0], test: p[1], param: p[2] });
      c.children.add(param);
    }
    return param;
  }
}
