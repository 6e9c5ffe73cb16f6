// The real test kernel (built once and cached by scripts/test-kernel.sh) and busybox root
// filesystems made by the tests themselves.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { makeBusyboxRoot, makeInitramfs } from './shared';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

let cached: string | undefined;

/**
 * Which Debian kernel the integration tests run on: 6.1 (default) or 6.12, from
 * UML_TEST_KERNEL_VERSION (npm test runs the specs that read kernel internals on both).
 */
export function testKernelVersion(): string {
  return process.env.UML_TEST_KERNEL_VERSION || '6.1';
}

/** The build directory of the debug UML kernel; builds it on first use (about 10 minutes). */
export function testKernelDir(): string {
  if (cached) return cached;
  const env = process.env.UML_TEST_KERNEL_DIR;
  if (env) return (cached = env);
  const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'test-kernel.sh'), testKernelVersion()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  cached = out.trim().split('\n').pop()!;
  return cached;
}

export function testKernel(): string {
  return path.join(testKernelDir(), 'linux');
}

/** A hostfs root with busybox and the given /init script (run by /bin/sh; /proc and /sys mounted). */
export function makeRootfs(initScript: string): string {
  return makeBusyboxRoot(initScript, { sysfs: true });
}

export function removeRootfs(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Root filesystems for a whole test file: `make` puts `prefix` (e.g. mounting debugfs) before
 * each /init script; `removeAll` (the file's after hook) removes every one made.
 */
export function rootfsPool(prefix: string): { make: (script: string) => string; removeAll: () => void } {
  const roots: string[] = [];
  return {
    make: (script) => { const r = makeRootfs(`${prefix}\n${script}`); roots.push(r); return r; },
    removeAll: () => roots.splice(0).forEach(removeRootfs),
  };
}

const built = new Map<string, string>();

/** What a cached-build script prints last (its tree), running it once per process. */
function cachedBuild(script: string, ...args: string[]): string {
  const key = [script, ...args].join(' ');
  let dir = built.get(key);
  if (!dir) {
    dir = execFileSync('bash', [path.join(ROOT, 'scripts', script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
    built.set(key, dir);
  }
  return dir;
}

/**
 * A clean tree of the test kernel's version with a KUnit build in .kunit (scripts/kunit-tree.sh;
 * built once, cached): 6.1 with KUNIT_ALL_TESTS, other versions with a small kunitconfig.
 */
export function kunitTree(): string {
  return cachedBuild('kunit-tree.sh', testKernelVersion());
}

/** The kunit.py options the tree was built with (a rebuild with others would reconfigure it). */
export function kunitTreeOptions(tree: string): { kconfigAdd: string[]; kunitconfig?: string[] } {
  const kconfigAdd = ['CONFIG_DEBUG_KERNEL=y', 'CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y', 'CONFIG_GDB_SCRIPTS=y', 'CONFIG_FRAME_POINTER=y'];
  return fs.existsSync(path.join(tree, 'ukd.kunitconfig')) ? { kconfigAdd, kunitconfig: ['ukd.kunitconfig'] } : { kconfigAdd };
}

/** The build directory of the small x86_64 kernel for QEMU (scripts/qemu-kernel.sh; built once, cached). */
export function qemuKernelDir(): string {
  return cachedBuild('qemu-kernel.sh');
}

export { makeInitramfs };
