// KUnit coverage on UML, the pure part: which route a tree takes, the coverage build's kunit.py
// arguments, and lcov tracefiles read into per-file line and function counts.
//
// Routes (checked on Debian 12: gcc 12, clang 14): gcc with CONFIG_GCOV fails to link a UML
// kernel (libgcov's mangle_path clashes with fs/seq_file.c's), so coverage is built with clang
// (kunit.py --make_options LLVM=1). What clang writes follows the tree's arch/um/Makefile-skas:
//   'profraw': 6.12 and later give clang -fprofile-instr-generate -fcoverage-mapping; its runtime
//              writes a .profraw at exit (LLVM_PROFILE_FILE says where);
//   'gcda':    6.1 gives clang gcc-style -fprofile-arcs; its runtime writes .gcda files from a
//              destructor that UML's linker script drops, so the kernel runs under gdb, which
//              calls llvm_writeout_files() at exit.
import * as path from 'path';
import { KunitOptions } from './run';

export type CoverageRoute = 'profraw' | 'gcda';

/** The route of a tree, from its arch/um/Makefile-skas. */
export function coverageRouteOf(makefileSkas: string): CoverageRoute {
  return /-fprofile-instr-generate/.test(makefileSkas) ? 'profraw' : 'gcda';
}

export const ROUTE_TEXT: Record<CoverageRoute, string> = {
  profraw: 'clang source-based coverage (-fprofile-instr-generate): the kernel writes a .profraw at exit; llvm-profdata and llvm-cov export read it',
  gcda: 'clang with gcc-style coverage (-fprofile-arcs): the kernel runs under gdb, which has it write its .gcda files at exit (UML\'s linker script drops the runtime\'s own writer); lcov reads them through llvm-cov gcov (source paths are relative to the build directory, which compiled them)',
};

/** The coverage kernel's build directory: beside the normal one, never the same. */
export function coverageBuildDir(o: KunitOptions): string {
  return `${(o.buildDir ?? '.kunit').replace(/\/+$/, '')}-coverage`;
}

const CONFIGS = path.join('tools', 'testing', 'kunit', 'configs');

/**
 * The options of the coverage build: its own kunitconfig (coverageKunitconfig), else the normal
 * build's, else kunit.py's default (every test: a long build), plus the kernel's
 * coverage_uml.config; built with clang.
 */
export function coverageOptions(o: KunitOptions & { coverageKunitconfig?: string[] }): KunitOptions {
  const base = o.coverageKunitconfig?.length ? o.coverageKunitconfig : o.kunitconfig?.length ? o.kunitconfig : [path.join(CONFIGS, 'default.config')];
  return {
    ...o,
    buildDir: coverageBuildDir(o),
    kunitconfig: [...base, path.join(CONFIGS, 'coverage_uml.config')],
    makeOptions: [...(o.makeOptions ?? []), 'LLVM=1'],
  };
}

export interface LineCount { line: number; count: number }
export interface FunctionCount { name: string; line: number; count: number }
export interface FileCoverage { file: string; lines: LineCount[]; functions: FunctionCount[] }

/**
 * An lcov tracefile (SF/FN/FNDA/DA records), file by file. Paths relative to `base` are made
 * absolute; a file listed twice (a header in several objects) has its counts added.
 */
export function parseLcov(text: string, base = '/'): FileCoverage[] {
  const files = new Map<string, { lines: Map<number, number>; fnLine: Map<string, number>; fnCount: Map<string, number> }>();
  let cur: ReturnType<typeof files.get>;
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    const colon = l.indexOf(':');
    const key = colon < 0 ? l : l.slice(0, colon);
    const val = colon < 0 ? '' : l.slice(colon + 1);
    if (key === 'SF') {
      const file = path.resolve(base, val);
      cur = files.get(file);
      if (!cur) files.set(file, cur = { lines: new Map(), fnLine: new Map(), fnCount: new Map() });
    } else if (key === 'end_of_record') cur = undefined;
    else if (!cur) continue;
    else if (key === 'DA') {
      const [line, count] = val.split(',');
      const n = Number(line);
      if (n > 0) cur.lines.set(n, (cur.lines.get(n) ?? 0) + Math.max(0, Number(count) || 0));
    } else if (key === 'FN') {
      const i = val.indexOf(',');
      cur.fnLine.set(functionName(val.slice(i + 1)), Number(val.slice(0, i)));
    } else if (key === 'FNDA') {
      const i = val.indexOf(',');
      const name = functionName(val.slice(i + 1));
      cur.fnCount.set(name, (cur.fnCount.get(name) ?? 0) + (Number(val.slice(0, i)) || 0));
    }
  }
  return [...files].map(([file, f]) => ({
    file,
    lines: [...f.lines].map(([line, count]) => ({ line, count })).sort((a, b) => a.line - b.line),
    functions: [...f.fnLine].map(([name, line]) => ({ name, line, count: f.fnCount.get(name) ?? 0 })).sort((a, b) => a.line - b.line),
  }));
}

/** llvm-cov names a static function with its file ("list-test.c:list_test_list_init"): the function's own name. */
function functionName(n: string): string {
  return n.replace(/^[\w.+-]+\.[ch]:/, '');
}

/**
 * llvm-cov export's -ignore-filename-regex for a tree whose top-level entries are `top`: every
 * top-level directory that holds none of `dirs` (its source filter does not take directories,
 * and exporting the whole kernel takes minutes). Files come as BUILD/../DIR/file.
 */
export function ignoreRegexFor(top: string[], dirs: string[]): string {
  const keep = new Set(dirs.map((d) => d.split('/')[0]));
  const ignore = top.filter((t) => !keep.has(t)).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `/\\.\\./(${ignore.join('|')})/`;
}

/** Whether `file` (absolute) lies in one of `dirs` (relative to `tree`). */
export function within(tree: string, dirs: string[], file: string): boolean {
  const rel = path.relative(tree, file);
  return dirs.some((d) => rel === d || rel.startsWith(`${d}/`));
}

/** Lines covered of lines instrumented. */
export function summary(f: FileCoverage): { covered: number; total: number } {
  return { covered: f.lines.filter((l) => l.count > 0).length, total: f.lines.length };
}

/**
 * The source directories whose coverage is collected for a selection: each selected test file's
 * directory (the code a suite tests is mostly beside it; headers it inlines come with it).
 */
export function coverageDirs(testFiles: string[]): string[] {
  return [...new Set(testFiles.map((f) => path.dirname(f)))].sort();
}

/**
 * gdb's arguments for a 'gcda' run: the kernel runs as kunit.py would run it, and at its exit
 * gdb has clang's runtime write the .gcda files (nothing else stops it; its output is the guest's).
 */
export function gcdaGdbArgs(kernel: string, kernelArgs: string[], handles: string[]): string[] {
  const ex = ['set pagination off', 'set confirm off', 'set startup-with-shell off', ...handles,
    'break exit', 'run', 'call (void)llvm_writeout_files()', 'echo UKD-COVERAGE-WRITTEN\\n', 'continue'];
  return ['-nx', '-q', '-batch', ...ex.flatMap((c) => ['-ex', c]), '--args', kernel, ...kernelArgs];
}

/** kunit.py's own kernel command line for UML (kunit_kernel.py), with the filter and a umid of ours. */
export function kunitKernelArgs(glob: string | undefined, umid: string): string[] {
  return ['mem=1G', 'console=tty', 'kunit_shutdown=halt', 'kunit.enable=1', `umid=${umid}`, ...(glob ? [`kunit.filter_glob=${glob}`] : [])];
}
