// The getting-started walkthrough's checks, from the real state of the host and the workspace:
// each step turns green when its check passes. No vscode here: unit-tested on real files.
import * as fs from 'fs';
import * as path from 'path';
import { findExecutable } from '../uml/host';
import { isKernelTree, kernelBinaryIn } from '../uml/kernelTree';
import { checkConfig } from '../kconfig/doctor';

export interface HostTool { what: string; found: boolean; pkg: string }

/** What building and debugging UML needs on the host, each with the Debian package that has it. */
export function hostTools(exists: (p: string) => boolean = fs.existsSync, which: (n: string) => string | undefined = findExecutable): HostTool[] {
  const tool = (what: string, pkg: string) => ({ what, pkg, found: !!which(what) });
  return [
    tool('gdb', 'gdb'),
    tool('gcc', 'build-essential'),
    tool('make', 'build-essential'),
    tool('flex', 'flex'),
    tool('bison', 'bison'),
    tool('bc', 'bc'),
    { what: 'libelf headers', pkg: 'libelf-dev', found: exists('/usr/include/gelf.h') },
    tool('python3', 'python3'),
    // The root filesystem recipe copies a static busybox into the guest.
    { what: 'static busybox', pkg: 'busybox-static', found: ['/bin/busybox', '/usr/bin/busybox'].some(exists) },
  ];
}

/** The install line for what is missing (no sudo as root). */
export function installCommand(missing: HostTool[], root = process.getuid?.() === 0): string[] {
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  return [...(root ? [] : ['sudo']), 'apt-get', 'install', '-y', ...pkgs];
}

export interface TreeState {
  kernelTree?: string;
  configured: boolean;
  /** What the doctor still wants, when .config exists. */
  configMissing: string[];
  built: boolean;
  rootfs: boolean;
}

/** Where the kernel tree's steps stand: .config with the debug options, a built kernel newer than .config, a root filesystem. */
export function treeState(folders: string[]): TreeState {
  const tree = folders.find(isKernelTree);
  if (!tree) return { configured: false, configMissing: [], built: false, rootfs: false };
  const config = path.join(tree, '.config');
  const text = fs.existsSync(config) ? fs.readFileSync(config, 'utf8') : undefined;
  const missing = text === undefined ? [] : checkConfig(text).map((f) => `CONFIG_${f.option}`);
  const kernel = kernelBinaryIn(tree);
  const built = !!kernel && text !== undefined && fs.statSync(kernel).mtimeMs >= fs.statSync(config).mtimeMs;
  const rootfs = ['init', 'sbin/init'].some((i) => fs.existsSync(path.join(tree, 'rootfs', i)));
  return { kernelTree: tree, configured: text !== undefined && !missing.length, configMissing: missing, built, rootfs };
}

/** The distribution's kernel source packages, newest first: /usr/src/linux-source-X.Y.tar.xz. */
export function kernelSourceTarballs(dir = '/usr/src'): string[] {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return []; }
  const version = (n: string) => (/linux-source-(\d+)\.(\d+)/.exec(n) ?? []).slice(1).map(Number);
  return names.filter((n) => /^linux-source-\d+\.\d+\.tar\.(xz|bz2|gz)$/.test(n))
    .sort((a, b) => { const [x, y] = [version(a), version(b)]; return y[0] - x[0] || y[1] - x[1]; })
    .map((n) => path.join(dir, n));
}
