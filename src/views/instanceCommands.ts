// mconsole actions on instances: tree context menus, inline buttons and the command palette.
import * as vscode from 'vscode';
import { UmlInstance } from '../uml/instances';
import { mconsole, MconsoleError } from '../uml/mconsole';
import { mc, SYSRQ } from '../uml/mconsoleCommands';
import { removeInstanceDir } from '../uml/host';
import { InstancesProvider, Node } from './instancesView';
import { umlDir, mconsoleTimeoutMs } from '../config';

const SCHEME = 'uml-mconsole';
const PROC_FILES = ['meminfo', 'cpuinfo', 'cmdline', 'version', 'uptime', 'loadavg', 'interrupts', 'partitions', 'mounts', 'filesystems', 'devices', 'vmstat', 'slabinfo', 'modules', 'kallsyms'];

/** Replies too long for a notification open as read-only documents. */
class ReplyDocuments implements vscode.TextDocumentContentProvider {
  private texts = new Map<string, string>();
  private n = 0;
  provideTextDocumentContent(uri: vscode.Uri): string { return this.texts.get(uri.path) ?? ''; }
  async show(title: string, text: string): Promise<void> {
    const p = `/${++this.n}/${title.replace(/[^\w.-]+/g, '-')}`;
    this.texts.set(p, text);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: SCHEME, path: p }));
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

export function registerInstanceCommands(ctx: vscode.ExtensionContext, view: InstancesProvider): void {
  const docs = new ReplyDocuments();
  ctx.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs));

  /** The instance a command acts on: the tree row it was invoked on, or one picked. */
  const target = async (n?: Node, want: (i: UmlInstance) => boolean = (i) => i.state !== 'stale'): Promise<UmlInstance | undefined> => {
    if (n?.kind === 'instance') return n.instance;
    view.refresh();  // the view may be hidden (not polling): read the directory now
    const choices = view.current.filter(want);
    if (!choices.length) { void vscode.window.showInformationMessage('No UML instance is running.'); return undefined; }
    if (choices.length === 1) return choices[0];
    const pick = await vscode.window.showQuickPick(choices.map((i) => ({ label: i.umid, description: `pid ${i.pid ?? '?'} · ${i.state}`, i })), { placeHolder: 'UML instance' });
    return pick?.i;
  };

  /** Sends one mconsole command; ERR replies and transport failures become error messages. */
  const send = async (i: UmlInstance, command: string): Promise<string | undefined> => {
    if (!i.mconsole) { void vscode.window.showErrorMessage(`${i.umid} has no mconsole socket: build the kernel with CONFIG_MCONSOLE=y.`); return undefined; }
    if (i.state === 'debugger') { void vscode.window.showWarningMessage(`${i.umid} is stopped in the debugger and cannot answer its mconsole: continue it first.`); return undefined; }
    try {
      const r = await mconsole(i.mconsole, command, { timeoutMs: mconsoleTimeoutMs() });
      view.marks.unreachable.delete(i.umid);
      if (!r.ok) { void vscode.window.showErrorMessage(`mconsole ${command.trim()} (${i.umid}): ERR ${r.text}`); return undefined; }
      return r.text;
    } catch (e) {
      if (e instanceof MconsoleError && /does not answer/.test(e.message)) view.marks.unreachable.add(i.umid);
      void vscode.window.showErrorMessage(`mconsole ${command.trim()} (${i.umid}): ${(e as Error).message}`);
      return undefined;
    } finally {
      view.refresh();
    }
  };

  const report = async (i: UmlInstance, title: string, text: string | undefined, done: string) => {
    if (text === undefined) return;
    if (text.includes('\n') || text.length > 200) await docs.show(`${i.umid}-${title}`, text);
    else void vscode.window.showInformationMessage(`${i.umid}: ${text.trim() || done}`);
  };

  const simple = (name: string, command: () => string, done: string, after?: (i: UmlInstance) => void) =>
    vscode.commands.registerCommand(`umlKernelDebug.instance.${name}`, async (n?: Node) => {
      const i = await target(n);
      if (!i) return;
      const r = await send(i, command());
      if (r !== undefined) after?.(i);
      await report(i, name, r, done);
    });

  const ask = async (prompt: string, placeHolder: string, validate: (v: string) => unknown) =>
    vscode.window.showInputBox({ prompt, placeHolder, validateInput: (v) => { try { validate(v); return undefined; } catch (e) { return (e as Error).message; } } });

  ctx.subscriptions.push(
    vscode.commands.registerCommand('umlKernelDebug.instances.refresh', () => view.refresh()),
    simple('version', mc.version, ''),
    simple('halt', mc.halt, 'halting'),
    simple('reboot', mc.reboot, 'rebooting'),
    simple('cad', mc.cad, 'ctrl-alt-del sent'),
    simple('stop', mc.stop, 'paused', (i) => view.marks.paused.add(i.umid)),
    simple('go', mc.go, 'resumed', (i) => view.marks.paused.delete(i.umid)),
    vscode.commands.registerCommand('umlKernelDebug.instance.sysrq', async (n?: Node) => {
      const i = await target(n);
      if (!i) return;
      const pick = await vscode.window.showQuickPick(SYSRQ.map(([key, what]) => ({ label: key, description: what })), { placeHolder: `Magic SysRq key for ${i.umid}` });
      if (pick) await report(i, `sysrq-${pick.label}`, await send(i, mc.sysrq(pick.label)), `sysrq ${pick.label} sent`);
    }),
    vscode.commands.registerCommand('umlKernelDebug.instance.config', async (n?: Node) => {
      const i = await target(n);
      const spec = i && await ask(`Add a device to ${i.umid} (command-line syntax)`, 'ubd1=/path/disk.img', mc.config);
      if (i && spec) await report(i, 'config', await send(i, mc.config(spec)), `${spec.trim()} added`);
    }),
    vscode.commands.registerCommand('umlKernelDebug.instance.remove', async (n?: Node) => {
      const i = await target(n);
      const dev = i && await ask(`Remove a device from ${i.umid}`, 'ubd1', mc.remove);
      if (i && dev) await report(i, 'remove', await send(i, mc.remove(dev)), `${dev.trim()} removed`);
    }),
    vscode.commands.registerCommand('umlKernelDebug.instance.proc', async (n?: Node) => {
      const i = await target(n);
      if (!i) return;
      const other = 'Other /proc file...';
      const pick = await vscode.window.showQuickPick([...PROC_FILES, other], { placeHolder: `/proc file of ${i.umid}` });
      const file = pick === other ? await ask('/proc file', 'sys/kernel/hostname', mc.proc) : pick;
      if (!file) return;
      const text = await send(i, mc.proc(file));
      if (text !== undefined) await docs.show(`${i.umid}-proc-${file}`, text);
    }),
    vscode.commands.registerCommand('umlKernelDebug.instance.stack', async (n?: Node) => {
      const i = await target(n);
      const pid = i && await ask(`Kernel stack of which guest pid (${i.umid})?`, '1', mc.stack);
      if (i && pid) await report(i, `stack-${pid}`, await send(i, mc.stack(pid)), 'stack written to the guest kernel log');
    }),
    vscode.commands.registerCommand('umlKernelDebug.instance.log', async (n?: Node) => {
      const i = await target(n);
      const msg = i && await ask(`Message for the kernel log of ${i.umid}`, 'hello from the host', mc.log);
      if (i && msg) await report(i, 'log', await send(i, mc.log(msg)), 'logged');
    }),
    vscode.commands.registerCommand('umlKernelDebug.instance.attach', async (n?: Node) => {
      const i = await target(n, (x) => x.state === 'running');
      if (!i) return;
      await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'uml', request: 'attach', name: `Attach to ${i.umid}`, umid: i.umid, umlDir: umlDir(),
      });
    }),
    vscode.commands.registerCommand('umlKernelDebug.instance.clean', async (n?: Node) => {
      const i = await target(n, (x) => x.state === 'stale');
      if (!i) return;
      removeInstanceDir(umlDir(), i.umid);
      view.refresh();
    }),
  );
}

/** Marks the instances that debug sessions of this window own (the view shows it). */
export function trackOwnedInstances(ctx: vscode.ExtensionContext, view: InstancesProvider): void {
  const umidOf = (s: vscode.DebugSession) => (s.type === 'uml' ? (s.configuration.umid as string | undefined) : undefined);
  ctx.subscriptions.push(
    vscode.debug.onDidStartDebugSession((s) => { const u = umidOf(s); if (u) { view.marks.owned.add(u); view.refresh(); } }),
    vscode.debug.onDidTerminateDebugSession((s) => { const u = umidOf(s); if (u) { view.marks.owned.delete(u); view.refresh(); } }),
  );
}
