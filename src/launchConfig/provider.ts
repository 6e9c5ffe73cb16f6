// F5 with no launch.json in a kernel tree just works: fill in a launch configuration.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { kernelBinaryIn } from '../uml/kernelTree';
import { freshUmid } from '../uml/cmdline';
import { kernelDataViews, snapshotSettings, umlDir, umlDirSetting } from '../config';
import { listChoices } from '../views/kernelData';
import { elfSectionNamesOfFile } from '../uml/elf';
import { umlTask } from '../tasks/taskProvider';
import { confirmXsave } from '../hostcompat/xsaveFix';
import { kernelStaleness } from './staleness';
import { rebuildIfStale, savedSources } from './rebuild';
import { F5_MARKS, F5Mark, LIST_CHOICES } from '../shared/messages';
import { hasUmlConfiguration } from './f5Config';
import { launchConfigurations, takeF5Press } from './f5';

const warnedNoScripts = new Set<string>();

/** An F5 step, at its wall-clock time, carried to the adapter in the configuration (its timeline). */
function markF5(config: vscode.DebugConfiguration, name: string): void {
  const marks: F5Mark[] = Array.isArray(config[F5_MARKS]) ? config[F5_MARKS] : (config[F5_MARKS] = []);
  marks.push({ name, at: Date.now() });
}

export const DEFAULT_CONFIGURATION: vscode.DebugConfiguration = {
  type: 'uml',
  request: 'launch',
  name: 'Debug UML kernel',
  kernel: '${workspaceFolder}/linux',
  rootfs: '${workspaceFolder}/rootfs',
  mem: '256M',
  console: 'integratedTerminal',
};

export class UmlConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [DEFAULT_CONFIGURATION];
  }

  /** Before F5: say now, with the fix at hand, if the kernel cannot be debugged well. */
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    // Every start (F5, Run Without Debugging, Attach, the sidebar's actions) passes here.
    markF5(config, 'variables-substituted');
    if (!await confirmXsave(config, typeof config.umlDir === 'string' ? config.umlDir : umlDir())) return undefined;
    markF5(config, 'xsave-checked');
    if (config.request !== 'launch' || config.noDebug || typeof config.kernel !== 'string') return config;
    let sections: string[];
    try { sections = elfSectionNamesOfFile(config.kernel); } catch { return config; }  // the adapter explains
    markF5(config, 'debug-info-checked');
    if (!sections.includes('.debug_info')) {
      const act = await vscode.window.showErrorMessage(`${config.kernel} has no debug info: breakpoints, stacks and variables need CONFIG_DEBUG_INFO.`, 'Check Kernel Config');
      if (act) await vscode.commands.executeCommand('umlKernelDebug.checkConfig');
      return undefined;
    }
    // A kernel older than its .config or than sources saved here: build it first; a failed
    // build starts nothing.
    const built = await rebuildIfStale(config, folder, 'F5');
    markF5(config, built.built ? 'rebuilt' : 'staleness-checked');
    if (!built.ok) {
      const act = await vscode.window.showErrorMessage(built.message!, 'Show Problems');
      if (act) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    // Stale but not buildable from this folder (a kernel elsewhere), or "rebuild": "never": ask.
    const stale = !built.built && !config.preLaunchTask && !config.qemu && kernelStaleness(config.kernel, savedSources);
    if (stale) {
      const act = await vscode.window.showWarningMessage(`The kernel may be out of date: ${stale}.`, { modal: true, detail: 'Build it first (the "uml: linux" task), or debug the kernel as it is.' }, 'Build First', 'Debug Anyway');
      if (!act) return undefined;
      if (act === 'Build First' && folder) {
        await vscode.tasks.executeTask(umlTask({ type: 'uml', target: 'linux' }, folder));
        return undefined;
      }
    }
    const dir = path.dirname(fs.realpathSync(config.kernel));
    if (!fs.existsSync(path.join(dir, 'vmlinux-gdb.py')) && !warnedNoScripts.has(dir)) {
      warnedNoScripts.add(dir);
      const act = await vscode.window.showWarningMessage('The kernel\'s gdb scripts are not built: lx-dmesg, lx-ps and the other lx- commands will be missing.', 'Build scripts_gdb', 'Debug Anyway');
      if (act === 'Build scripts_gdb' && folder) {
        await vscode.tasks.executeTask(umlTask({ type: 'uml', target: 'scripts_gdb' }, folder));
        return undefined;
      }
    }
    markF5(config, 'resolved');
    return config;
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const at = Date.now();  // F5's first step in our code
    if (!config.type && !config.request && !config.name) {
      // No launch.json: only offer ourselves in a UML kernel tree.
      const dir = folder?.uri.fsPath;
      const kernel = dir && kernelBinaryIn(dir);
      if (!dir || !kernel) {
        void vscode.window.showErrorMessage('No UML kernel here: open a kernel tree built with `make ARCH=um linux`, or add a "uml" configuration to launch.json.');
        return undefined;
      }
      config = { ...DEFAULT_CONFIGURATION, kernel };
      const rootfs = path.join(dir, 'rootfs');
      if (fs.existsSync(rootfs)) config.rootfs = rootfs; else delete config.rootfs;
    }
    if (!config.cwd && folder && config.request === 'launch') config.cwd = folder.uri.fsPath;
    // Known before the adapter starts, so the Instances view can tell which instance is ours.
    if (config.request === 'launch' && !config.umid) config.umid = freshUmid();
    if (!config.umlDir && umlDirSetting()) config.umlDir = umlDir();
    config.kernelData ??= kernelDataViews(folder);
    config[LIST_CHOICES] = listChoices();
    const snapshots = snapshotSettings(folder);
    config.snapshotOnCrash ??= snapshots.onCrash;
    if (!config.snapshotDir && snapshots.dir) config.snapshotDir = snapshots.dir;
    const key = takeF5Press();
    config[F5_MARKS] = [...(key !== undefined ? [{ name: 'f5-key', at: key }] : []), { name: 'resolve', at }];
    return config;
  }
}

/**
 * The Run and Debug view's offer for a folder without a "uml" configuration of its own; with
 * one, that is what F5 runs (f5.ts relies on there being no other "uml" choice).
 */
export function dynamicConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
  return hasUmlConfiguration(launchConfigurations(folder)) ? [] : [DEFAULT_CONFIGURATION];
}

/** The launch configuration F5 would use here: the first "uml" launch in launch.json, else the default. */
export async function launchConfigurationFor(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration | undefined> {
  const configs = vscode.workspace.getConfiguration('launch', folder?.uri).get<vscode.DebugConfiguration[]>('configurations', []);
  const mine = configs.find((c) => c.type === 'uml' && c.request === 'launch');
  if (mine) return mine;
  return new UmlConfigurationProvider().resolveDebugConfiguration(folder, { type: '', request: '', name: '' });
}
