// ARCH=um make targets as task definitions, resolved to argument arrays. Pure.
import * as os from 'os';
import * as path from 'path';

export const TARGETS = ['defconfig', 'olddefconfig', 'menuconfig', 'linux', 'modules', 'scripts_gdb', 'compile_commands.json', 'clean', 'mrproper'] as const;
export type Target = typeof TARGETS[number];

export interface UmlTaskDefinition {
  type: 'uml';
  target: Target;
  /** make -j; default: the number of CPUs. */
  jobs?: number;
  /** O= build directory (relative to the kernel tree or absolute). */
  buildDir?: string;
  /** Extra make arguments, one per entry, e.g. "V=1" or "CC=clang". */
  makeArgs?: string[];
  subarch?: string;
  /** linux only: skip make when no source in the tree is newer than the kernel (for a preLaunchTask). */
  ifChanged?: boolean;
}

export interface MakeCommand { command: 'make'; args: string[]; cwd: string; env: Record<string, string> }

const DESCRIPTIONS: Record<Target, string> = {
  defconfig: 'default UML configuration',
  olddefconfig: 'update .config, new options at their defaults',
  menuconfig: 'interactive configuration (needs ncurses: apt-get install libncurses-dev)',
  linux: 'build the UML kernel',
  modules: 'build modules',
  scripts_gdb: 'build vmlinux-gdb.py (lx-* commands)',
  'compile_commands.json': 'compile database for C/C++ tooling',
  clean: 'remove build products, keep .config',
  mrproper: 'remove build products and .config',
};

export function describe(t: Target): string { return DESCRIPTIONS[t]; }

/** The task's name: "linux (if changed)" for the one with the change check. */
export function taskName(d: UmlTaskDefinition): string {
  return d.ifChanged && d.target === 'linux' ? 'linux (if changed)' : d.target;
}

/**
 * make wrapped in the change check (dist/buildIfChanged.js, run by `node`): the kernel the build
 * makes is <buildDir or tree>/linux.
 */
export function ifChangedCommand(make: MakeCommand, d: UmlTaskDefinition, node: string, helper: string): { command: string; args: string[] } {
  const out = d.buildDir ? path.resolve(make.cwd, d.buildDir) : make.cwd;
  return { command: node, args: [helper, make.cwd, path.join(out, 'linux'), ...(d.buildDir ? [out] : []), '--', make.command, ...make.args] };
}

export function makeCommand(d: UmlTaskDefinition, tree: string, cpus = os.cpus().length): MakeCommand {
  if (!TARGETS.includes(d.target)) throw new Error(`Unknown uml task target "${d.target}": use one of ${TARGETS.join(', ')}.`);
  const args = ['ARCH=um', `SUBARCH=${d.subarch ?? 'x86_64'}`];
  // Interactive and cleaning targets gain nothing from parallel make.
  if (!['menuconfig', 'clean', 'mrproper', 'defconfig', 'olddefconfig'].includes(d.target)) args.push(`-j${d.jobs ?? cpus}`);
  if (d.buildDir) {
    args.push(`O=${d.buildDir}`);
    // Absolute source paths in compiler messages: the Problems view finds the files from O= builds.
    args.push('KBUILD_ABS_SRCTREE=1');
  }
  for (const a of d.makeArgs ?? []) {
    if (!a.trim()) continue;
    if (/^ARCH=/.test(a)) throw new Error('makeArgs must not set ARCH: uml tasks always build ARCH=um.');
    args.push(a);
  }
  args.push(d.target);
  return { command: 'make', args, cwd: tree, env: { ARCH: 'um' } };
}
