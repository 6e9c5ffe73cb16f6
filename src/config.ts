// The extension's settings: every umlKernelDebug.* setting is read here, with the defaults
// package.json declares (configDefaults.ts, held against package.json by a unit test).
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { SETTING_DEFAULTS, SettingName } from './configDefaults';
import { ALL_KERNEL_DATA_VIEWS, KernelDataViews } from './shared/messages';

type Value<K extends SettingName> = (typeof SETTING_DEFAULTS)[K];

/** A setting's value; its default when unset. `scope`: a workspace folder's own value. */
function setting<K extends SettingName>(name: K, scope?: vscode.WorkspaceFolder): Value<K> {
  return vscode.workspace.getConfiguration('umlKernelDebug', scope?.uri).get<Value<K>>(name) ?? SETTING_DEFAULTS[name];
}

/** umlKernelDebug.umlDir as set (empty: not set). */
export function umlDirSetting(): string {
  return setting('umlDir');
}

/** Where UML keeps instance directories: the setting (with ~), else ~/.uml. */
export function umlDir(): string {
  const s = umlDirSetting().trim();
  return s ? s.replace(/^~(?=\/|$)/, os.homedir()) : path.join(os.homedir(), '.uml');
}

export function mconsoleTimeoutMs(): number {
  return setting('mconsoleTimeout');
}

/** The kernel's O= build directory as set for this folder: relative to it or absolute; empty: in-tree. */
export function buildDirSetting(folder: vscode.WorkspaceFolder): string {
  return setting('buildDir', folder);
}

/** The folder's build directory as a path: the buildDir setting resolved against it, else the folder. */
export function buildDirOf(folder: vscode.WorkspaceFolder): string {
  const b = buildDirSetting(folder).trim();
  return b ? path.resolve(folder.uri.fsPath, b) : folder.uri.fsPath;
}

/** Which kernel data structures the debugger shows as their contents. */
export function kernelDataViews(scope?: vscode.WorkspaceFolder): KernelDataViews {
  return { ...ALL_KERNEL_DATA_VIEWS, ...setting('kernelData', scope) };
}

/** Crash snapshots: saved at a panic stop or not, and where (empty: the cache). */
export function snapshotSettings(scope?: vscode.WorkspaceFolder): { onCrash: boolean; dir: string } {
  return { onCrash: setting('snapshotOnCrash', scope), dir: setting('snapshotDir', scope).replace(/^~(?=\/|$)/, os.homedir()) };
}

export function indexInBackground(): boolean {
  return setting('indexInBackground');
}

/** Debian suite and mirror for new root filesystems; empty: the host's. */
export function rootfsSettings(): { debianSuite: string; debianMirror: string } {
  return { debianSuite: setting('rootfs.debianSuite'), debianMirror: setting('rootfs.debianMirror') };
}

/** The Testing view's kunit.py options for a kernel tree. */
export function kunitSettings(folder: vscode.WorkspaceFolder): { buildDir: string; kconfigAdd: string[]; kunitconfig: string[]; coverageKunitconfig: string[]; timeoutSec: number } {
  return {
    buildDir: setting('kunit.buildDir', folder) || SETTING_DEFAULTS['kunit.buildDir'],  // empty counts as unset
    kconfigAdd: setting('kunit.kconfigAdd', folder),
    kunitconfig: setting('kunit.kunitconfig', folder),
    coverageKunitconfig: setting('kunit.coverageKunitconfig', folder),
    timeoutSec: setting('kunit.timeout', folder),
  };
}

/** Cancellation from VS Code (a progress notification's Cancel) as an AbortSignal for execa. */
export function abortSignalOf(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}
