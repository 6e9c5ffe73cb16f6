// The "Instances" tree: every UML instance under the uml directory, kept live by a watcher on
// the directory plus a cheap liveness check (a few small file reads a second, no guest traffic).
import * as fs from 'fs';
import * as vscode from 'vscode';
import { listInstances, UmlInstance } from '../uml/instances';
import { mconsole } from '../uml/mconsole';
import { mc } from '../uml/mconsoleCommands';
import { instanceRow, detailRows, InstanceMarks } from './instanceItems';
import { umlDir, mconsoleTimeoutMs } from '../config';

export type Node =
  | { kind: 'instance'; instance: UmlInstance }
  | { kind: 'detail'; umid: string; label: string; description: string };

export class InstancesProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  readonly marks = { owned: new Set<string>(), paused: new Set<string>(), unreachable: new Set<string>() };
  private changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private instances: UmlInstance[] = [];
  private snapshot = '';
  private watcher: fs.FSWatcher | undefined;
  private watchedDir = '';
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor() {
    this.scan(true);
  }

  /** Watch and poll only while the view is visible: nothing runs for a hidden view. */
  setVisible(visible: boolean): void {
    if (visible && !this.timer) {
      this.timer = setInterval(() => this.scan(++this.ticks % 30 === 0), 1000);
      this.scan(true);
    } else if (!visible && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.watcher?.close();
      this.watcher = undefined;
    }
  }

  get current(): readonly UmlInstance[] { return this.instances; }

  refresh(): void { this.scan(true); }

  /** Re-reads the directory; redraws only when something changed (or `force`, for uptimes). */
  private scan(force = false): void {
    const dir = umlDir();
    if (this.timer) this.ensureWatch(dir);
    this.instances = listInstances(dir);
    const live = new Set(this.instances.map((i) => i.umid));
    for (const set of [this.marks.paused, this.marks.unreachable]) for (const u of set) if (!live.has(u)) set.delete(u);
    const snap = JSON.stringify(this.instances.map((i) => [i.umid, i.pid, i.state]));
    if (force || snap !== this.snapshot) {
      this.snapshot = snap;
      void vscode.commands.executeCommand('setContext', 'umlKernelDebug.hasInstances', this.instances.length > 0);
      this.changed.fire(undefined);
    }
  }

  private ensureWatch(dir: string): void {
    if (this.watcher && this.watchedDir === dir) return;
    this.watcher?.close();
    this.watcher = undefined;
    try {
      // Instances appear and vanish as directories: a non-recursive watch is enough.
      this.watcher = fs.watch(dir, () => this.scan());
      this.watchedDir = dir;
    } catch {
      this.watchedDir = '';  // no uml directory yet: the timer looks again
    }
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'detail') {
      const t = new vscode.TreeItem(n.label);
      t.description = n.description;
      t.tooltip = n.description;
      return t;
    }
    const row = instanceRow(n.instance, this.marks as InstanceMarks);
    const t = new vscode.TreeItem(row.label, row.state === 'stale' ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
    t.id = `uml-instance-${row.umid}`;
    t.description = row.description;
    t.tooltip = row.tooltip;
    t.contextValue = row.contextValue;
    t.iconPath = new vscode.ThemeIcon(row.icon);
    return t;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) return this.instances.map((instance) => ({ kind: 'instance', instance }));
    if (n.kind !== 'instance' || !n.instance.mconsole) return [];
    const { umid, mconsole: sock } = n.instance;
    if (n.instance.state === 'debugger') return [{ kind: 'detail', umid, label: 'Details', description: 'unavailable while stopped in the debugger' }];
    const ask = (cmd: string) => mconsole(sock, cmd, { timeoutMs: mconsoleTimeoutMs() }).then((r) => (r.ok ? r.text : new Error(r.text)), (e: Error) => e);
    const [version, meminfo] = [await ask(mc.version()), await ask(mc.proc('meminfo'))];
    if (version instanceof Error) this.marks.unreachable.add(umid); else this.marks.unreachable.delete(umid);
    return detailRows(version, meminfo).map((d) => ({ kind: 'detail', umid, ...d }));
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    this.changed.dispose();
  }
}
