// "Debug the Linux kernel as User-Mode Linux": the walkthrough's buttons and the context keys
// that check its steps off from the real state (host tools, tree, .config, kernel, rootfs, a stop).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { execa } from 'execa';
import { hostTools, installCommand, kernelSourceTarballs, treeState } from './checks';
import { hostXsave } from '../hostcompat/hostXsave';
import { hostTooLarge } from '../hostcompat/xsave';
import { umlTask } from '../tasks/taskProvider';
import { launchConfigurationFor } from '../launchConfig/provider';
import { abortSignalOf } from '../config';

const KEY = 'umlKernelDebug.wt';
const folders = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
const set = (key: string, value: boolean) => vscode.commands.executeCommand('setContext', `${KEY}.${key}`, value);

function refreshTree(): void {
  const s = treeState(folders());
  void set('kernelTree', !!s.kernelTree);
  void set('configured', s.configured);
  void set('built', s.built);
  void set('rootfs', s.rootfs);
}

function refreshHost(tools = hostTools()): void {
  void set('host', tools.every((t) => t.found));
}

async function checkHost(): Promise<void> {
  const tools = hostTools();
  const missing = tools.filter((t) => !t.found);
  const host = await hostXsave();
  const xsave = hostTooLarge(host)
    ? ` This CPU's XSAVE area (${host.size ?? 'AMX'} bytes) is too large for UML kernels before 6.13: use 6.13 or later, or the config doctor's XSAVE fix on an older tree.`
    : '';
  refreshHost(tools);
  if (!missing.length) {
    void vscode.window.showInformationMessage(`The host has what UML debugging needs: ${tools.map((t) => t.what).join(', ')}.${xsave}`);
    return;
  }
  const cmd = installCommand(missing);
  const act = await vscode.window.showWarningMessage(`Missing on this host: ${missing.map((t) => `${t.what} (${t.pkg})`).join(', ')}. Install with: ${cmd.join(' ')}.${xsave}`, 'Install in Terminal');
  if (!act) return;
  // A fixed list of our package names (no user input); the terminal asks for the password.
  const term = vscode.window.createTerminal({ name: 'UML: install host packages', shellPath: cmd[0], shellArgs: cmd.slice(1) });
  term.show();
  const done = vscode.window.onDidCloseTerminal((t) => { if (t === term) { done.dispose(); refreshHost(); } });
}

async function unpackKernelSource(): Promise<void> {
  const tarballs = kernelSourceTarballs();
  if (!tarballs.length) {
    void vscode.window.showErrorMessage('No kernel source package in /usr/src: install one (sudo apt-get install linux-source), or open a kernel tree you have.');
    return;
  }
  const tarball = tarballs.length === 1 ? tarballs[0]
    : (await vscode.window.showQuickPick(tarballs.map((t) => ({ label: path.basename(t), t })), { title: 'Kernel source to unpack' }))?.t;
  if (!tarball) return;
  const parent = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Unpack Here', title: `Where to unpack ${path.basename(tarball)}` }))?.[0]?.fsPath;
  if (!parent) return;
  const dir = path.join(parent, path.basename(tarball).replace(/\.tar\.\w+$/, ''));
  if (fs.existsSync(dir)) {
    const act = await vscode.window.showErrorMessage(`${dir} exists already: open it, or choose another folder.`, 'Open It');
    if (act) await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dir));
    return;
  }
  const ok = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Unpacking ${path.basename(tarball)} into ${parent}`, cancellable: true }, async (_p, token) => {
    const r = await execa('tar', ['-xf', tarball, '-C', parent], { reject: false, cancelSignal: abortSignalOf(token) });
    if (r.exitCode === 0) return true;
    fs.rmSync(dir, { recursive: true, force: true });  // nothing half-unpacked stays
    if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`tar could not unpack ${tarball}: ${String(r.stderr || r.message || r.exitCode).trim()}`);
    return false;
  });
  if (ok) await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dir));
}

function treeFolder(): vscode.WorkspaceFolder | undefined {
  const tree = treeState(folders()).kernelTree;
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === tree);
}

async function build(): Promise<void> {
  const folder = treeFolder();
  if (!folder) { void vscode.window.showErrorMessage('Open a kernel tree first (the walkthrough\'s second step).'); return; }
  await vscode.tasks.executeTask(umlTask({ type: 'uml', target: 'linux' }, folder));
}

/** BusyBox in <tree>/rootfs, where the default launch configuration looks for it. */
async function rootfs(): Promise<void> {
  const folder = treeFolder();
  if (!folder) { void vscode.window.showErrorMessage('Open a kernel tree first (the walkthrough\'s second step).'); return; }
  await vscode.commands.executeCommand('umlKernelDebug.createRootfs', { recipe: 'busybox', target: path.join(folder.uri.fsPath, 'rootfs'), output: 'dir', hostname: 'uml' });
  refreshTree();
}

/** The last step: a breakpoint on cmdline_proc_show, then F5; `cat /proc/cmdline` in the guest stops there. */
async function debugCmdline(): Promise<void> {
  const folder = treeFolder();
  if (!folder) { void vscode.window.showErrorMessage('Open a kernel tree first (the walkthrough\'s second step).'); return; }
  if (!vscode.debug.breakpoints.some((b) => b instanceof vscode.FunctionBreakpoint && b.functionName === 'cmdline_proc_show')) {
    vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint('cmdline_proc_show')]);
  }
  const config = await launchConfigurationFor(folder);
  if (!config) return;
  if (await vscode.debug.startDebugging(folder, config)) {
    void vscode.window.showInformationMessage('When the guest\'s shell prompt shows in the UML console terminal, type: cat /proc/cmdline');
  }
}

let stoppedSeen = false;

export function registerWalkthrough(ctx: vscode.ExtensionContext): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('umlKernelDebug.checkHost', checkHost),
    vscode.commands.registerCommand('umlKernelDebug.unpackKernelSource', unpackKernelSource),
    vscode.commands.registerCommand('umlKernelDebug.walkthrough.build', build),
    vscode.commands.registerCommand('umlKernelDebug.walkthrough.rootfs', rootfs),
    vscode.commands.registerCommand('umlKernelDebug.walkthrough.debugCmdline', debugCmdline),
    vscode.workspace.onDidChangeWorkspaceFolders(refreshTree),
    vscode.tasks.onDidEndTaskProcess(refreshTree),
    // A stop in cmdline_proc_show checks off the last step (asked once per stop until it has been seen).
    vscode.debug.registerDebugAdapterTrackerFactory('uml', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { threadId?: number } }) => {
          if (stoppedSeen || m.type !== 'event' || m.event !== 'stopped' || m.body?.threadId === undefined) return;
          session.customRequest('stackTrace', { threadId: m.body.threadId, startFrame: 0, levels: 1 })
            .then((r: { stackFrames?: Array<{ name: string }> }) => {
              if (r.stackFrames?.[0]?.name === 'cmdline_proc_show') { stoppedSeen = true; void set('stopped', true); }
            }, () => undefined);
        },
      }),
    }),
  );
  for (const f of folders()) {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(f, '{.config,linux,vmlinux,rootfs,rootfs/init,rootfs/sbin/init}'));
    ctx.subscriptions.push(w, w.onDidCreate(refreshTree), w.onDidChange(refreshTree), w.onDidDelete(refreshTree));
  }
  // VS Code checks a step off only when its context key turns true after the walkthrough is
  // registered: a key already true at registration is taken as old news and the step stays
  // open for the session. Activation can come first (a kernel tree opens the window), so the
  // first check waits until the workbench has registered the walkthroughs.
  const first = setTimeout(() => { refreshTree(); refreshHost(); }, 2000);
  ctx.subscriptions.push({ dispose: () => clearTimeout(first) });
}
