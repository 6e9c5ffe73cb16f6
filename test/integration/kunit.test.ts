// KUnit through kunit.py on the real kernel source: discovery finds list-kunit-test in
// lib/list-test.c, a real run reports its 39 cases passed, and a case made to fail (in the
// tests' own cached tree, restored and rebuilt afterwards) reports its message at its line.
import { test, before } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execa } from 'execa';
import { kunitTree, kunitTreeOptions, testKernelVersion } from '../support/testKernel';
import { discoverKunit, discoverTree } from '../../src/kunit/discover';
import { KtapParser, KtapResult } from '../../src/kunit/ktap';
import { buildArgs, execArgs, kunitKernel, runKunitPy } from '../../src/kunit/run';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, nextStop, topFrame, withSession } from '../support/dap';
import { umidProcesses } from '../../src/uml/host';

// lib/list-test.c's suites as each kernel has them (6.12 adds klist).
const LIST_SUITES: Record<string, string[]> = { '6.1': ['list-kunit-test', 'hlist'], '6.12': ['list-kunit-test', 'hlist', 'klist'] };
let tree: string;
let OPTIONS: ReturnType<typeof kunitTreeOptions>;
/** The line of list_test_list_init's definition in this tree's lib/list-test.c. */
let initLine: number;
before(() => {
  tree = kunitTree();
  OPTIONS = kunitTreeOptions(tree);
  initLine = fs.readFileSync(path.join(tree, 'lib', 'list-test.c'), 'utf8').split('\n').findIndex((l) => l.startsWith('static void list_test_list_init(')) + 1;
});

async function exec(glob: string): Promise<{ results: KtapResult[]; umid: string; output: string }> {
  const parser = new KtapParser();
  const results: KtapResult[] = [];
  const umid = `t-kunit-${process.pid}-${Date.now()}`;
  const r = await runKunitPy(tree, execArgs({ tree, ...OPTIONS }, glob, umid), { umid, onLine: (l) => { for (const e of parser.push(l)) if (e.kind === 'result') results.push(e.result); } });
  return { results, umid, output: r.output };
}

test('discovery: list-kunit-test in lib/list-test.c with its 39 cases, at their functions', () => {
  const suites = discoverKunit(fs.readFileSync(path.join(tree, 'lib', 'list-test.c'), 'utf8'));
  const list = suites.find((s) => s.name === 'list-kunit-test')!;
  assert.strictEqual(list.cases.length, 39);
  assert.deepStrictEqual(list.cases[0], { name: 'list_test_list_init', param: false, line: initLine });
  assert.ok(suites.some((s) => s.name === 'hlist'));
});

test('discovery over the whole tree: every file with KUnit suites, list-test.c among them', async () => {
  const found = await discoverTree(tree);
  assert.deepStrictEqual(found.get('lib/list-test.c')?.map((s) => s.name), LIST_SUITES[testKernelVersion()]);
  const suites = [...found.values()].flat();
  assert.ok(found.size >= 60 && suites.length >= 80, `${found.size} files, ${suites.length} suites`);
  assert.ok(suites.some((s) => s.name === 'example' && s.cases.some((c) => c.name === 'example_simple_test')), 'lib/kunit/kunit-example-test.c');
});

test('a real run of list-kunit-test: 39 cases passed, the suite passed, nothing left running', async () => {
  const { results, umid, output } = await exec('list-kunit-test');
  const cases = results.filter((r) => r.path.length === 2 && r.path[0] === 'list-kunit-test');
  assert.strictEqual(cases.length, 39, output.slice(-2000));
  assert.ok(cases.every((r) => r.status === 'passed'));
  assert.ok(results.some((r) => r.path.join('.') === 'list-kunit-test' && r.status === 'passed'));
  assert.deepStrictEqual(umidProcesses(umid), []);
  assert.strictEqual(fs.existsSync(path.join(os.homedir(), '.uml', umid)), false);
});

test('a case made to fail reports its expectation message at its file and line', async () => {
  const file = path.join(tree, 'lib', 'list-test.c');
  const original = fs.readFileSync(file, 'utf8');
  const marker = 'KUNIT_EXPECT_EQ(test, 1 + 1, 3);  /* UKD test: made to fail */';
  const edited = original.replace(/(static void list_test_list_init\(struct kunit \*test\)\n\{\n)/, `$1\t${marker}\n`);
  assert.notStrictEqual(edited, original, 'the test function was found');
  const line = edited.split('\n').findIndex((l) => l.includes(marker)) + 1;
  const rebuild = () => execa('python3', buildArgs({ tree, ...OPTIONS, jobs: os.cpus().length }), { cwd: tree, all: true, reject: false });
  try {
    fs.writeFileSync(file, edited);
    const b = await rebuild();
    assert.strictEqual(b.exitCode, 0, b.all?.slice(-3000));
    const { results } = await exec('list-kunit-test.list_test_list_init');
    const r = results.find((x) => x.path.join('.') === 'list-kunit-test.list_test_list_init')!;
    assert.strictEqual(r.status, 'failed');
    assert.deepStrictEqual(r.location, { file: 'lib/list-test.c', line });
    assert.match(r.diagnostics.join('\n'), /EXPECTATION FAILED at lib\/list-test\.c:\d+[\s\S]*Expected 1 \+ 1 == 3, but[\s\S]*1 \+ 1 == 2/);
  } finally {
    fs.writeFileSync(file, original);
    await rebuild();
  }
});

test('Debug Test\'s launch: kunit.py\'s kernel under the adapter with its arguments stops in the test case, then reports it', () => withSession('kunit-debug', async (dc, umid, out) => {
  const source = path.join(tree, 'lib', 'list-test.c');
  const stopped = nextStop(dc);
  let bp: DebugProtocol.Breakpoint | undefined;
  await launch(dc, kunitKernel({ tree }), {
    umid, rootfs: '', init: undefined, mem: '1G',
    kernelArgs: ['kunit.filter_glob=list-kunit-test.list_test_list_init', 'kunit.enable=1', 'kunit_shutdown=halt', 'console=tty'],
  }, async () => { bp = (await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: initLine + 2 }] })).body.breakpoints[0]; });
  assert.strictEqual(bp?.verified, true);
  const ev = await stopped;
  assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'list_test_list_init');
  const ended = dc.waitForEvent('terminated', 120000);
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await ended;
  const parser = new KtapParser();
  const results = out.text().split('\n').flatMap((l) => parser.push(l)).flatMap((e) => (e.kind === 'result' ? [e.result] : []));
  assert.deepStrictEqual(results.map((r) => `${r.path.join('.')}=${r.status}`), ['list-kunit-test.list_test_list_init=passed', 'list-kunit-test=passed']);
}));

test('a cancelled run ends kunit.py and the guest: nothing left running, no instance directory', async () => {
  const ac = new AbortController();
  const umid = `t-kunit-cancel-${process.pid}`;
  let lines = 0;
  const started = Date.now();
  // Every test of the build: long enough to be cancelled midway.
  const run = runKunitPy(tree, execArgs({ tree, ...OPTIONS }, undefined, umid), { umid, signal: ac.signal, onLine: () => { lines++; if (lines === 50) ac.abort(); } });
  const r = await run;
  assert.strictEqual(r.cancelled, true);
  assert.ok(Date.now() - started < 60000);
  await new Promise((res) => setTimeout(res, 500));
  assert.deepStrictEqual(umidProcesses(umid), [], 'no process of the guest');
  assert.strictEqual(fs.existsSync(path.join(os.homedir(), '.uml', umid)), false);
  const { stdout } = await execa('ps', ['-eo', 'args'], { reject: false });
  assert.ok(!stdout.split('\n').some((l) => l.includes(`umid=${umid}`)), 'no kunit.py for it either');
});
