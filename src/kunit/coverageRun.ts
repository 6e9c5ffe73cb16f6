// KUnit coverage on UML, the processes: the host check (the route's tools, then a tiny
// instrumented program that must write its counts), the runs of the coverage kernel, and the
// counts collected into one lcov tracefile (<coverage build dir>/coverage.info).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execa } from 'execa';
import { umlHandleCommands } from '../gdb/gdbinit';
import { killInstance } from '../uml/host';
import { walkFilesSync } from '../uml/treeWalk';
import { CoverageRoute, FileCoverage, ROUTE_TEXT, coverageOptions, coverageRouteOf, gcdaGdbArgs, ignoreRegexFor, kunitKernelArgs, parseLcov, within } from './coverage';
import { KunitOptions, execArgs, runKunitPy } from './run';

export interface CoverageHost { route: CoverageRoute; reason: string }

/** Each tool a route needs, with the Debian package that has it. */
const TOOLS: Record<CoverageRoute, Array<[string, string]>> = {
  profraw: [['clang', 'clang'], ['ld.lld', 'lld'], ['llvm-ar', 'llvm'], ['llvm-profdata', 'llvm'], ['llvm-cov', 'llvm']],
  gcda: [['clang', 'clang'], ['ld.lld', 'lld'], ['llvm-ar', 'llvm'], ['llvm-cov', 'llvm'], ['lcov', 'lcov'], ['gdb', 'gdb']],
};

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, tool)));
}

const checked = new Map<string, Promise<CoverageHost>>();

/**
 * The route this tree takes on this host, checked once per tree: its tools, then a tiny
 * program built the same way that must write its counts. Throws what is missing and its fix.
 */
export function coverageHost(tree: string): Promise<CoverageHost> {
  let c = checked.get(tree);
  if (!c) { c = check(tree); checked.set(tree, c); c.catch(() => checked.delete(tree)); }
  return c;
}

async function check(tree: string): Promise<CoverageHost> {
  const skas = path.join(tree, 'arch', 'um', 'Makefile-skas');
  if (!fs.existsSync(skas)) throw new Error(`KUnit coverage: ${skas} not found; open a kernel source tree.`);
  const route = coverageRouteOf(fs.readFileSync(skas, 'utf8'));
  const missing = TOOLS[route].filter(([t]) => !onPath(t));
  if (missing.length) {
    const pkgs = [...new Set(missing.map(([, p]) => p))];
    throw new Error(`KUnit coverage needs ${missing.map(([t]) => t).join(', ')} (gcc's coverage cannot link a UML kernel: libgcov's mangle_path clashes with the kernel's): apt-get install ${pkgs.join(' ')}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-cov-check-'));
  try {
    fs.writeFileSync(path.join(dir, 't.c'), 'int main(void) { return 0; }\n');
    const flags = route === 'profraw' ? ['-fprofile-instr-generate', '-fcoverage-mapping'] : ['-fprofile-arcs', '-ftest-coverage'];
    const built = await execa('clang', [...flags, '-fuse-ld=lld', '-o', 't', 't.c'], { cwd: dir, reject: false, all: true });
    if (built.exitCode !== 0) throw new Error(`KUnit coverage: clang could not build an instrumented program (clang ${flags.join(' ')} -fuse-ld=lld): ${built.all?.trim()}`);
    await execa(path.join(dir, 't'), [], { cwd: dir, reject: false, env: { LLVM_PROFILE_FILE: path.join(dir, 't.profraw') } });
    const wrote = route === 'profraw' ? 't.profraw' : fs.readdirSync(dir).find((f) => f.endsWith('.gcda'));
    if (!wrote || !fs.existsSync(path.join(dir, wrote))) throw new Error(`KUnit coverage: an instrumented program built by clang wrote no ${route === 'profraw' ? '.profraw' : '.gcda'} file: clang's profile runtime (libclang-rt, in the clang package) is missing or broken.`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { route, reason: `${path.relative(tree, skas)} ${route === 'profraw' ? 'gives clang -fprofile-instr-generate' : 'gives clang -fprofile-arcs'}: ${ROUTE_TEXT[route]}` };
}

export interface CoverageResult { files: FileCoverage[]; lcovFile: string }

/** The coverage build directory, absolute. */
export function coverageDir(o: KunitOptions): string {
  return path.resolve(o.tree, coverageOptions(o).buildDir!);
}

/** Counts of earlier runs add up in place: gone before a run. */
export function resetCounts(o: KunitOptions): void {
  walkFilesSync(coverageDir(o), (p, name) => { if (/\.(gcda|profraw|profdata)$/.test(name) || name === 'coverage.info') fs.rmSync(p, { force: true }); });
}

/**
 * One run of the coverage kernel with `glob`: its output lines to onLine. 'gcda': under gdb,
 * which has the counts written at exit; 'profraw': through kunit.py, the runtime writes them.
 * Cancel ends gdb or kunit.py and the guest (by umid).
 */
export async function runCovered(o: KunitOptions, route: CoverageRoute, glob: string | undefined, r: { onLine: (l: string) => void; signal?: AbortSignal; umlDir?: string }): Promise<{ written: boolean; cancelled: boolean }> {
  const co = coverageOptions(o);
  const dir = coverageDir(o);
  const umid = `kunit-cov-${process.pid}-${Date.now()}`;
  if (route === 'profraw') {
    const res = await runKunitPy(o.tree, execArgs(co, glob, umid), { ...r, umid, env: { LLVM_PROFILE_FILE: path.join(dir, 'ukd-%p.profraw') } });
    return { written: fs.readdirSync(dir).some((f) => f.endsWith('.profraw')), cancelled: res.cancelled };
  }
  let written = false;
  const proc = execa('gdb', gcdaGdbArgs(path.join(dir, 'linux'), kunitKernelArgs(glob, umid), umlHandleCommands()),
    { cwd: o.tree, detached: true, reject: false, buffer: false, stdin: 'ignore', all: true });
  let rest = '';
  proc.all?.setEncoding('utf8');
  proc.all?.on('data', (d: string) => {
    const lines = (rest + d).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) { if (l.includes('UKD-COVERAGE-WRITTEN')) written = true; else r.onLine(l); }
  });
  const end = () => {
    if (proc.pid) { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }
    killInstance(r.umlDir ?? path.join(os.homedir(), '.uml'), umid);
  };
  const timer = setTimeout(end, (o.timeoutSec ?? 300) * 1000);
  r.signal?.addEventListener('abort', end);
  try {
    await proc;
    if (rest) r.onLine(rest);
  } finally {
    clearTimeout(timer);
    r.signal?.removeEventListener('abort', end);
    end();  // nothing of the guest outlives its run
  }
  return { written, cancelled: !!r.signal?.aborted };
}

/**
 * The counts of the runs so far, for the source directories `dirs` (relative to the tree), as
 * one lcov tracefile in the coverage build directory, read back per file.
 */
export async function collectCoverage(o: KunitOptions, route: CoverageRoute, dirs: string[], signal?: AbortSignal): Promise<CoverageResult> {
  const dir = coverageDir(o);
  const lcovFile = path.join(dir, 'coverage.info');
  if (route === 'profraw') {
    const raws = fs.readdirSync(dir).filter((f) => f.endsWith('.profraw')).map((f) => path.join(dir, f));
    if (!raws.length) throw new Error('The coverage kernel wrote no .profraw: it did not exit normally (a crash or a timeout writes none).');
    const data = path.join(dir, 'ukd.profdata');
    await tool('llvm-profdata', ['merge', '-sparse', ...raws, '-o', data], dir, signal);
    const top = fs.readdirSync(o.tree, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    const out = await tool('llvm-cov', ['export', '--format=lcov', path.join(dir, 'vmlinux'), `-instr-profile=${data}`, `-ignore-filename-regex=${ignoreRegexFor(top, dirs)}`], dir, signal);
    fs.writeFileSync(lcovFile, onlyWithin(absolutePaths(out, dir), o.tree, dirs));
  } else {
    const gcov = path.join(dir, 'ukd-llvm-gcov');
    fs.writeFileSync(gcov, '#!/bin/sh\nexec llvm-cov gcov "$@"\n', { mode: 0o755 });  // lcov runs its --gcov-tool with gcov's arguments
    const found = dirs.filter((d) => fs.existsSync(path.join(dir, d)));
    if (!found.length) throw new Error(`No coverage data for ${dirs.join(', ')}: the coverage build has no objects there.`);
    let counts = 0;
    for (const d of found) walkFilesSync(path.join(dir, d), (_p, name) => { if (name.endsWith('.gcda')) counts++; }, { stop: () => counts > 0 });
    if (!counts) throw new Error(`The coverage kernel wrote no .gcda files under ${found.join(', ')}: it did not exit normally (a crash or a timeout writes none).`);
    await tool('lcov', ['--capture', '--quiet', '--gcov-tool', gcov, '--base-directory', dir, ...found.flatMap((d) => ['--directory', path.join(dir, d)]), '--output-file', lcovFile], dir, signal);
  }
  return { files: parseLcov(fs.readFileSync(lcovFile, 'utf8'), dir), lcovFile };
}

/** The tracefile's records of files in `dirs` (llvm-cov's filter works by top-level directory). */
function onlyWithin(lcov: string, tree: string, dirs: string[]): string {
  return lcov.split(/(?<=^end_of_record\n)/m).filter((r) => { const f = /^SF:(.*)$/m.exec(r)?.[1]; return !f || within(tree, dirs, f); }).join('');
}

/** llvm-cov's paths are relative to the build directory ("../lib/list-test.c"): made absolute, for lcov's readers too. */
function absolutePaths(lcov: string, base: string): string {
  return lcov.replace(/^SF:(.*)$/gm, (_m, f: string) => `SF:${path.resolve(base, f)}`);
}

async function tool(cmd: string, args: string[], cwd: string, signal?: AbortSignal): Promise<string> {
  const r = await execa(cmd, args, { cwd, reject: false, all: true, cancelSignal: signal, maxBuffer: 1 << 30 });
  if (r.exitCode !== 0 && !signal?.aborted) throw new Error(`${cmd} failed (exit ${r.exitCode}): ${(r.all ?? '').trim().split('\n').slice(-5).join('\n')}`);
  return r.stdout;
}
