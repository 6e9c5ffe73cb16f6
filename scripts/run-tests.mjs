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
function capture(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
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
if (nodeDirs.length) {
  if (!files.length) { console.error('no test files found'); process.exit(1); }
  // fileEnd fails a file that leaves a process behind (and kills it); force-exit keeps a handle
  // left open in the test process from holding the run until the timeout.
  const fileEnd = join(root, 'out', 'test', 'support', 'fileEnd.js');
  const r = await capture(process.execPath, ['--require', fileEnd, '--test', '--test-force-exit', '--test-reporter=tap', '--test-concurrency=1', '--test-timeout=600000', ...files]);
  passed += Number(/^# pass (\d+)/m.exec(r.out)?.[1] ?? 0);
  failed += Number(/^# fail (\d+)/m.exec(r.out)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(r.out)?.[1] ?? 0);
  ok &&= r.code === 0;
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
