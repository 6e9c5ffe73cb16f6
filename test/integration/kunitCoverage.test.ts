// KUnit coverage on the real kernel source, by the route this tree takes on this host (6.1:
// clang gcc-style counts written by gdb at exit; 6.12: clang's .profraw): a coverage kernel
// built beside the tests' KUnit build, list-kunit-test run on it, and the counts read back:
// lib/list-test.c covered but for the hlist suite's cases (not run), list_sort() (no list test
// calls it) not at all, each file's totals the
// same as lcov's own summary of the tracefile we leave.
import { test, before } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { kunitTree, kunitTreeOptions, testKernelVersion } from '../support/testKernel';
import { processesWhere } from '../support/shared';
import { KtapParser, KtapResult } from '../../src/kunit/ktap';
import { buildArgs, runKunitPy, KunitOptions } from '../../src/kunit/run';
import { FileCoverage, coverageOptions, summary } from '../../src/kunit/coverage';
import { collectCoverage, coverageDir, coverageHost, resetCounts, runCovered } from '../../src/kunit/coverageRun';

/** The coverage kernel's own small kunitconfig (written into the tests' cached tree). */
const KUNITCONFIG = 'ukd-coverage.kunitconfig';
let tree: string;
let o: KunitOptions;
before(() => {
  tree = kunitTree();
  fs.writeFileSync(path.join(tree, KUNITCONFIG), 'CONFIG_KUNIT=y\nCONFIG_LIST_KUNIT_TEST=y\n');
  o = { tree, ...kunitTreeOptions(tree), coverageKunitconfig: [KUNITCONFIG] };
});

/** lcov's own line count for one file of the tracefile: [hit, found]. */
async function lcovSummary(lcovFile: string, file: string): Promise<[number, number]> {
  const one = `${lcovFile}.${path.basename(file)}`;
  try {
    await execa('lcov', ['--quiet', '--extract', lcovFile, file, '--output-file', one]);
    const r = await execa('lcov', ['--summary', one], { all: true });
    const m = /lines\.+:\s*[\d.]+%\s*\((\d+) of (\d+) lines\)/.exec(r.all ?? '');
    assert.ok(m, r.all);
    return [Number(m[1]), Number(m[2])];
  } finally {
    fs.rmSync(one, { force: true });
  }
}

test('Run with Coverage of list-kunit-test: list-test.c covered, list_sort() not, as lcov counts them; nothing left running', { timeout: 40 * 60000 }, async () => {
  const host = await coverageHost(tree);
  assert.strictEqual(host.route, testKernelVersion() === '6.1' ? 'gcda' : 'profraw', host.reason);
  const built = await runKunitPy(tree, buildArgs(coverageOptions(o)), { onLine: () => undefined });
  assert.strictEqual(built.exitCode, 0, built.output.slice(-3000));
  assert.ok(fs.existsSync(path.join(tree, '.kunit', 'linux')), 'the normal KUnit build is still there');

  resetCounts(o);
  const parser = new KtapParser();
  const results: KtapResult[] = [];
  const output: string[] = [];
  const run = await runCovered(o, host.route, 'list-kunit-test', { onLine: (l) => { output.push(l); for (const e of parser.push(l)) if (e.kind === 'result') results.push(e.result); } });
  const cases = results.filter((r) => r.path.length === 2 && r.path[0] === 'list-kunit-test');
  assert.ok(cases.length >= 39 && cases.every((r) => r.status === 'passed'), output.slice(-40).join('\n'));
  assert.ok(run.written, `the counts were written at exit: ${output.slice(-20).join('\n')}`);
  assert.deepStrictEqual(processesWhere((argv) => argv.some((a) => a.includes('kunit-cov-'))), [], 'no guest or gdb left');

  const { files, lcovFile } = await collectCoverage(o, host.route, ['lib']);
  assert.strictEqual(path.dirname(lcovFile), coverageDir(o));
  const of = (rel: string): FileCoverage => {
    const f = files.find((x) => x.file === path.join(tree, rel));
    assert.ok(f, `${rel} in ${files.length} files: ${files.slice(0, 10).map((x) => x.file).join(', ')}`);
    return f;
  };
  const listTest = of('lib/list-test.c');
  const covered = summary(listTest);
  assert.ok(covered.total > 500 && covered.covered > covered.total / 2, JSON.stringify(covered));
  assert.ok(listTest.functions.find((f) => f.name === 'list_test_list_init')!.count > 0);
  // Only list-kunit-test ran: the hlist suite's cases in the same file did not.
  const hlist = listTest.functions.find((f) => f.name === 'hlist_test_init');
  assert.ok(hlist && hlist.count === 0, `hlist_test_init: ${JSON.stringify(hlist)}`);
  const hlistBody = listTest.lines.filter((l) => l.line >= hlist.line && l.line < hlist.line + 10);
  assert.ok(hlistBody.length > 2 && hlistBody.every((l) => l.count === 0), `its body uncovered: ${JSON.stringify(hlistBody)}`);
  const listSort = of('lib/list_sort.c');
  const fn = listSort.functions.find((f) => f.name === 'list_sort');
  assert.ok(fn && fn.count === 0, `list_sort: ${JSON.stringify(fn)}`);
  const body = listSort.lines.filter((l) => l.line >= fn.line && l.line < fn.line + 20);
  assert.ok(body.length > 3 && body.every((l) => l.count === 0), `list_sort's lines uncovered: ${JSON.stringify(body)}`);
  for (const rel of ['lib/list-test.c', 'lib/list_sort.c']) {
    const s = summary(of(rel));
    assert.deepStrictEqual(await lcovSummary(lcovFile, path.join(tree, rel)), [s.covered, s.total], `${rel}: lcov's own count`);
  }
});

test('the route\'s check fails with the fix named when its tools are missing', async () => {
  const saved = process.env.PATH;
  const fresh = `${tree}-nonexistent`;
  fs.mkdirSync(path.join(fresh, 'arch', 'um'), { recursive: true });
  fs.copyFileSync(path.join(tree, 'arch', 'um', 'Makefile-skas'), path.join(fresh, 'arch', 'um', 'Makefile-skas'));
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(coverageHost(fresh), /KUnit coverage needs clang, ld\.lld, llvm-ar.*apt-get install clang lld llvm/);
  } finally {
    process.env.PATH = saved;
    fs.rmSync(fresh, { recursive: true, force: true });
  }
});
