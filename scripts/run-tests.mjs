#!/usr/bin/env node
// npm test: builds dist/ and the tests, then runs them with node's test runner, one file at a
// time (each integration test boots real UML kernels; 2 cores do not want two at once).
// `npm test -- unit` runs the unit tests only.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const which = process.argv[2];
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run('npx', ['tsc', '-p', 'tsconfig.json']);
if (which !== 'unit') run('npx', ['webpack', '--mode', 'production', '--stats', 'errors-warnings']);

const dirs = which ? [which] : ['unit', 'integration'];
const files = dirs.flatMap((d) => {
  const dir = join(root, 'out', 'test', d);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dir, f)) : [];
});
if (!files.length) { console.error('no test files found'); process.exit(1); }
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=600000', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
