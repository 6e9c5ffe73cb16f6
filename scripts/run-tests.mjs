#!/usr/bin/env node
// npm test: builds dist/ and the tests, runs the unit and adapter integration tests with node's
// test runner (one file at a time: each integration test boots real UML kernels, and 2 cores do
// not want two at once), then the UI tests in a real VS Code (test/ui). The last line sums
// them all up: `N passed, N failed`.
//   npm test -- unit | integration | ui     one stage only
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv[2];
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

/** Runs a command, echoing its output, and returns it. */
function capture(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    p.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    p.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

run('npx', ['tsc', '-p', 'tsconfig.json']);
if (only !== 'unit') run('npx', ['webpack', '--mode', 'production', '--stats', 'errors-warnings']);

let passed = 0;
let failed = 0;
let ok = true;
const stages = only ? [only] : ['unit', 'integration', 'ui'];
const nodeDirs = stages.filter((s) => s === 'unit' || s === 'integration');
const files = nodeDirs.flatMap((d) => {
  const dir = join(root, 'out', 'test', d);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dir, f)) : [];
});
// The specs that read kernel internals (F5, tasks and their stacks, modules, the kernel log,
// exception filters, time-travel, KUnit, restart, the XSAVE fix, one stop per call and step) run
// again on the second Debian kernel: 6.12 has other layouts (modules since 6.4, tasks, printk,
// inlined code where a step starts) than 6.1.
const SECOND_KERNEL = '6.12';
const BOTH_KERNELS = ['cmdline', 'tasks', 'modules', 'exceptions', 'exceptionTable', 'timeTravel', 'restart', 'kunit', 'kunitCoverage', 'kconfigOracle', 'xsave', 'oneStop', 'kernelData', 'snapshot', 'stackTrace', 'payloads'];
// The target-neutral specs (test/support/target.ts) run again on the other target: the x86_64
// test kernel in QEMU, behind its gdbstub.
const BOTH_TARGETS = ['cmdline', 'memory'];

/** One run of node's test runner over `list`; adds its counts. */
async function nodeTests(list, env = {}) {
  // fileEnd fails a file that leaves a process behind (and kills it); force-exit keeps a handle
  // left open in the test process from holding the run until the timeout.
  const fileEnd = join(root, 'out', 'test', 'support', 'fileEnd.js');
  const r = await capture(process.execPath, ['--require', fileEnd, '--test', '--test-force-exit', '--test-reporter=tap', '--test-concurrency=1', '--test-timeout=600000', ...list], env);
  passed += Number(/^# pass (\d+)/m.exec(r.out)?.[1] ?? 0);
  failed += Number(/^# fail (\d+)/m.exec(r.out)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(r.out)?.[1] ?? 0);
  ok &&= r.code === 0;
}

if (nodeDirs.length) {
  if (!files.length) { console.error('no test files found'); process.exit(1); }
  await nodeTests(files);
  const again = files.filter((f) => f.includes(join('out', 'test', 'integration')) && BOTH_KERNELS.some((n) => f.endsWith(`/${n}.test.js`)));
  if (again.length) {
    console.log(`# integration specs on the linux-source-${SECOND_KERNEL} test kernel: ${again.map((f) => f.split('/').pop()).join(' ')}`);
    await nodeTests(again, { UML_TEST_KERNEL_VERSION: SECOND_KERNEL });
  }
  const onQemu = files.filter((f) => f.includes(join('out', 'test', 'integration')) && BOTH_TARGETS.some((n) => f.endsWith(`/${n}.test.js`)));
  if (onQemu.length) {
    console.log(`# integration specs on the other target, a kernel in QEMU: ${onQemu.map((f) => f.split('/').pop()).join(' ')}`);
    await nodeTests(onQemu, { UML_TEST_TARGET: 'qemu' });
  }
}
if (stages.includes('ui')) {
  const r = await capture(process.execPath, [join(root, 'test', 'ui', 'run.mjs')]);
  const m = /^(\d+) passed, (\d+) failed\s*$/m.exec(r.out.trim().split('\n').pop() ?? '');
  passed += Number(m?.[1] ?? 0);
  failed += m ? Number(m[2]) : 1;
  ok &&= r.code === 0;
}
if (!ok && failed === 0) failed = 1;  // a stage died without saying what failed
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
