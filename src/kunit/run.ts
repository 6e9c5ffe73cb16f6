// kunit.py, driven for the Testing view: argument lists (never a shell string), one build, then
// one exec per filter glob with the kernel's raw output streamed line by line (the KTAP parser
// reads it as it comes). The UML kernel gets a umid of ours, so a cancel can end all of it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execa } from 'execa';
import { killInstance } from '../uml/host';

export const KUNIT_PY = path.join('tools', 'testing', 'kunit', 'kunit.py');

export interface KunitOptions {
  tree: string;
  /** kunit.py's --build_dir, relative to the tree or absolute (default .kunit). */
  buildDir?: string;
  kunitconfig?: string[];
  kconfigAdd?: string[];
  jobs?: number;
  /** The coverage build's kunitconfig files (default: kunitconfig's). */
  coverageKunitconfig?: string[];
  /** make's own options for the build (--make_options: LLVM=1 for the coverage build). */
  makeOptions?: string[];
  /** Seconds kunit.py allows the kernel (its --timeout). */
  timeoutSec?: number;
}

/** The tree's kunit.py, or a clear error naming what is missing. */
export function kunitPyOf(tree: string): string {
  const p = path.join(tree, KUNIT_PY);
  if (!fs.existsSync(p)) throw new Error(`Not a kernel tree with KUnit: ${p} not found. Open the kernel source tree (the one with tools/testing/kunit).`);
  return p;
}

const common = (o: KunitOptions) => ['--arch=um', `--build_dir=${o.buildDir ?? '.kunit'}`];
const configArgs = (o: KunitOptions) => [...(o.kunitconfig ?? []).map((k) => `--kunitconfig=${k}`), ...(o.kconfigAdd ?? []).map((k) => `--kconfig_add=${k}`)];

export function buildArgs(o: KunitOptions): string[] {
  return [KUNIT_PY, 'build', ...common(o), `--jobs=${o.jobs ?? os.cpus().length}`, ...configArgs(o), ...(o.makeOptions ?? []).map((m) => `--make_options=${m}`)];
}

export function execArgs(o: KunitOptions, glob: string | undefined, umid: string): string[] {
  return [KUNIT_PY, 'exec', ...common(o), '--raw_output=all', `--timeout=${o.timeoutSec ?? 300}`, `--kernel_args=umid=${umid}`, ...(glob ? [glob] : [])];
}

/** What the built kernel holds: `kunit.py exec --list_tests` prints one suite.case a line. */
export function listArgs(o: KunitOptions, umid: string): string[] {
  return [KUNIT_PY, 'exec', ...common(o), '--list_tests', `--timeout=${o.timeoutSec ?? 300}`, `--kernel_args=umid=${umid}`];
}

export function parseTestList(lines: string[]): Array<{ suite: string; test: string }> {
  return lines.map((l) => /^([\w-]+)\.([\w-]+)$/.exec(l.trim())).filter((m): m is RegExpExecArray => !!m).map((m) => ({ suite: m[1], test: m[2] }));
}

/** kunit.py's kernel (for Debug Test): <build dir>/linux. */
export function kunitKernel(o: KunitOptions): string {
  return path.resolve(o.tree, o.buildDir ?? '.kunit', 'linux');
}

/**
 * Filter globs for a selection: a whole suite as `suite`, single cases as `suite.case`; no
 * selection runs everything. kunit.py (6.1) takes one glob per run.
 */
export function globsFor(selection: Array<{ suite: string; test?: string }>): Array<string | undefined> {
  if (!selection.length) return [undefined];
  const whole = new Set(selection.filter((s) => !s.test).map((s) => s.suite));
  const out: string[] = [...whole];
  for (const s of selection) if (s.test && !whole.has(s.suite)) out.push(`${s.suite}.${s.test}`);
  return [...new Set(out)];
}

export interface RunResult { exitCode?: number; cancelled: boolean; output: string }

/**
 * Runs kunit.py (python3) in the tree, in a process group of its own; each output line goes to
 * onLine as it arrives. A cancel ends the group and the guest's processes (by umid) and removes
 * its instance directory.
 */
export async function runKunitPy(tree: string, args: string[], o: { onLine: (line: string) => void; signal?: AbortSignal; umid?: string; umlDir?: string; env?: Record<string, string> }): Promise<RunResult> {
  kunitPyOf(tree);
  const proc = execa('python3', args, { cwd: tree, detached: true, reject: false, buffer: false, stdin: 'ignore', all: true, env: { PYTHONUNBUFFERED: '1', ...o.env } });
  let output = '';
  let rest = '';
  proc.all?.setEncoding('utf8');
  proc.all?.on('data', (d: string) => {
    output = (output + d).slice(-200000);
    const lines = (rest + d).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) o.onLine(l);
  });
  const end = () => {
    if (proc.pid) { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }
    if (o.umid) killInstance(o.umlDir ?? path.join(os.homedir(), '.uml'), o.umid);
  };
  const onAbort = () => end();
  o.signal?.addEventListener('abort', onAbort);
  try {
    const r = await proc;
    if (rest) o.onLine(rest);
    return { exitCode: r.exitCode, cancelled: !!o.signal?.aborted, output };
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (o.signal?.aborted || o.umid) end();  // nothing of the guest outlives its run
  }
}
