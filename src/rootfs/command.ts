// "UML: Create Root Filesystem...": a recipe, a few questions with defaults, progress with
// cancel, the full log in an output channel, and a launch configuration that boots the result.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { createRootfs, Recipe, RootfsOptions, RootfsResult } from './create';
import { hostAptDefaults } from './distro';
import { RootfsError } from './common';
import { abortSignalOf, rootfsSettings } from '../config';

const RECIPES: Array<{ label: string; description: string; recipe: Recipe }> = [
  { label: 'BusyBox', description: 'offline, from the host\'s busybox-static; seconds', recipe: 'busybox' },
  { label: 'Debian', description: 'debootstrap --variant=minbase; a few minutes, needs the network', recipe: 'debian' },
  { label: 'Alpine', description: 'from a minirootfs tarball (URL or local file)', recipe: 'alpine' },
  { label: 'Any rootfs tarball', description: 'Gentoo stage3, a docker export...', recipe: 'tarball' },
];

async function askOptions(): Promise<RootfsOptions | undefined> {
  const pick = await vscode.window.showQuickPick(RECIPES, { placeHolder: 'Root filesystem recipe', title: 'UML: Create Root Filesystem' });
  if (!pick) return undefined;
  const o: Partial<RootfsOptions> = { recipe: pick.recipe };
  if (pick.recipe === 'debian') {
    const d = hostAptDefaults();
    const cfg = rootfsSettings();
    o.suite = await vscode.window.showInputBox({ title: 'Debian suite', value: cfg.debianSuite || d.suite });
    if (!o.suite) return undefined;
    o.mirror = await vscode.window.showInputBox({ title: 'Debian mirror', value: cfg.debianMirror || d.mirror });
    if (!o.mirror) return undefined;
  } else if (pick.recipe === 'alpine' || pick.recipe === 'tarball') {
    const how = pick.recipe === 'alpine' ? await vscode.window.showQuickPick(['Local file...', 'URL...'], { title: 'Alpine minirootfs' }) : 'Local file...';
    if (!how) return undefined;
    if (how === 'URL...') {
      o.source = await vscode.window.showInputBox({ title: 'Minirootfs URL', placeHolder: 'https://.../alpine-minirootfs-3.20.3-x86_64.tar.gz' });
    } else {
      const f = await vscode.window.showOpenDialog({ title: 'Root filesystem tarball', canSelectMany: false, filters: { Tarballs: ['tar', 'gz', 'tgz', 'xz', 'txz', 'bz2', 'zst'] } });
      o.source = f?.[0]?.fsPath;
    }
    if (!o.source) return undefined;
  }
  const out = await vscode.window.showQuickPick([
    { label: 'Directory', description: 'booted through hostfs (edit files from the host while it runs)', output: 'dir' as const },
    { label: 'ext4 image file', description: 'booted as ubd0', output: 'image' as const },
  ], { title: 'Output' });
  if (!out) return undefined;
  o.output = out.output;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  const target = await vscode.window.showInputBox({
    title: out.output === 'dir' ? 'Folder for the root filesystem (new or empty)' : 'Image file (new)',
    value: path.join(base, out.output === 'dir' ? 'rootfs' : 'rootfs.img'),
    validateInput: (v) => (path.isAbsolute(v) ? undefined : 'An absolute path'),
  });
  if (!target) return undefined;
  o.target = target;
  if (out.output === 'image') {
    o.imageSize = await vscode.window.showInputBox({ title: 'Image size (empty: fit the content)', placeHolder: '512M', validateInput: (v) => (!v || /^[1-9]\d*[KMG]$/.test(v) ? undefined : 'e.g. 512M or 2G') }) || undefined;
  }
  o.hostname = await vscode.window.showInputBox({ title: 'Guest hostname', value: 'uml' }) || 'uml';
  return o as RootfsOptions;
}

/** Adds (or updates, by rootfs path) a launch configuration that boots the new root filesystem. */
export async function addLaunchConfiguration(r: RootfsResult, folder: vscode.WorkspaceFolder | undefined): Promise<void> {
  const launch = vscode.workspace.getConfiguration('launch', folder?.uri);
  const configs = [...launch.get<vscode.DebugConfiguration[]>('configurations', [])];
  const cfg: vscode.DebugConfiguration = { type: 'uml', request: 'launch', name: `Debug UML kernel (${path.basename(r.rootfs)})`, kernel: '${workspaceFolder}/linux', rootfs: r.rootfs, mem: '256M' };
  if (r.init) cfg.init = r.init;
  const i = configs.findIndex((c) => c.type === 'uml' && c.rootfs === r.rootfs);
  if (i >= 0) configs[i] = { ...configs[i], ...cfg, name: configs[i].name }; else configs.push(cfg);
  await launch.update('configurations', configs, folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global);
}

export function registerRootfsCommand(ctx: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('UML Root Filesystem');
  ctx.subscriptions.push(channel, vscode.commands.registerCommand('umlKernelDebug.createRootfs', async (given?: RootfsOptions) => {
    const o = given ?? await askOptions();
    if (!o) return undefined;
    channel.appendLine(`== ${o.recipe} → ${o.target} (${o.output})`);
    let result: RootfsResult | undefined;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating ${o.recipe} root filesystem`, cancellable: true }, (progress, token) => {
        return createRootfs(o, {
          log: (t) => channel.append(t),
          step: (s) => { channel.appendLine(`-- ${s}`); progress.report({ message: s }); },
          signal: abortSignalOf(token),
        });
      });
    } catch (e) {
      const msg = e instanceof RootfsError ? e.message : `Failed: ${(e as Error).message}`;
      channel.appendLine(msg);
      const act = await vscode.window.showErrorMessage(`Root filesystem not created: ${msg}`, 'Show Log');
      if (act) channel.show();
      return undefined;
    }
    channel.appendLine(`created ${result.rootfs}`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const done = result;
    // Not awaited: the command returns its result while the offer waits for the user.
    void vscode.window.showInformationMessage(`Root filesystem ready: ${done.rootfs}`, 'Add Launch Configuration', 'Show Log').then(async (act) => {
      if (act === 'Add Launch Configuration') {
        await addLaunchConfiguration(done, folder);
        void vscode.window.showInformationMessage(`Launch configuration "Debug UML kernel (${path.basename(done.rootfs)})" added: press F5 to boot it.`);
      }
      if (act === 'Show Log') channel.show();
    });
    return result;
  }));
}
