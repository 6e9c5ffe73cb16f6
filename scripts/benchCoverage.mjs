#!/usr/bin/env node
// The benchmark's KUnit coverage stage, on the tests' cached 6.1 KUnit tree and the same small
// kunitconfig the coverage spec uses (KUnit and the list tests): Run with Coverage's pipeline
// (the coverage kernel's build, list-kunit-test run, the counts of lib/ read as lcov) against
// raw `kunit.py run` with the kernel's coverage_uml.config on the same selection, as the
// kernel's documentation says (gcc), and with clang (--make_options LLVM=1), each in a build
// directory of its own. Builds are incremental after the first bench run.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const KCONFIG_ADD = ['CONFIG_DEBUG_KERNEL=y', 'CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y', 'CONFIG_GDB_SCRIPTS=y', 'CONFIG_FRAME_POINTER=y'];
const KUNITCONFIG = 'ukd-coverage.kunitconfig';

// find, not a recursive readdir: a build directory's `source` link leads back into the tree.
const countFiles = (dir, ext, depth = 50) => (existsSync(dir) ? spawnSync('find', [dir, '-maxdepth', String(depth), '-name', `*${ext}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length : 0);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

export async function benchCoverage({ log = console.log } = {}) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'ignore' });
  const { buildArgs, runKunitPy } = require(join(root, 'out/src/kunit/run.js'));
  const { coverageOptions, summary } = require(join(root, 'out/src/kunit/coverage.js'));
  const { coverageHost, resetCounts, runCovered, collectCoverage } = require(join(root, 'out/src/kunit/coverageRun.js'));
  const tree = execFileSync('bash', [join(root, 'scripts/kunit-tree.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  writeFileSync(join(tree, KUNITCONFIG), 'CONFIG_KUNIT=y\nCONFIG_LIST_KUNIT_TEST=y\n');
  const o = { tree, kconfigAdd: KCONFIG_ADD, coverageKunitconfig: [KUNITCONFIG], jobs: cpus().length };

  // Ours: the route's check, the build, the run, the counts.
  let t = performance.now();
  const host = await coverageHost(tree);
  const check = performance.now() - t;
  const cold = !existsSync(join(tree, '.kunit-coverage', 'linux'));
  t = performance.now();
  const b = await runKunitPy(tree, buildArgs(coverageOptions(o)), { onLine: () => undefined });
  if (b.exitCode !== 0) throw new Error(`coverage build failed: ${b.output.slice(-2000)}`);
  const build = performance.now() - t;
  t = performance.now();
  resetCounts(o);
  let passed = 0;
  const r = await runCovered(o, host.route, 'list-kunit-test', { onLine: (l) => { if (/^\s+ok \d+ /.test(l)) passed++; } });
  const run = performance.now() - t;
  t = performance.now();
  const { files } = await collectCoverage(o, host.route, ['lib']);
  const collect = performance.now() - t;
  const lt = files.find((f) => f.file.endsWith('/lib/list-test.c'));
  if (!r.written || !lt) throw new Error(`our coverage run wrote nothing (written ${r.written}, ${files.length} files)`);
  const s = summary(lt);
  log(`KUnit coverage (route ${host.route}; host check ${Math.round(check)} ms): coverage build ${cold ? 'from nothing' : 'incremental'} ${secs(build)}, list-kunit-test run (${passed} ok) ${secs(run)}, lib/ counts read ${secs(collect)}; lib/list-test.c ${s.covered}/${s.total} lines`);

  // Raw kunit.py run with coverage_uml.config, as documented (gcc), then with clang.
  // Their output (a build's, with every warning: hundreds of MB with clang) goes to a file, read by grep.
  const logFile = join(tmpdir(), `ukd-bench-coverage-${process.pid}.log`);
  const raw = (dir, extra) => {
    const fd = openSync(logFile, 'w');
    const t0 = performance.now();
    const p = spawnSync('python3', ['tools/testing/kunit/kunit.py', 'run', '--arch=um', `--build_dir=${dir}`, `--jobs=${o.jobs}`, `--kunitconfig=${KUNITCONFIG}`,
      '--kunitconfig=tools/testing/kunit/configs/coverage_uml.config', ...KCONFIG_ADD.map((k) => `--kconfig_add=${k}`), ...extra, 'list-kunit-test'], { cwd: tree, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const says = (text) => spawnSync('grep', ['-qF', text, logFile]).status === 0;
    return { ms: performance.now() - t0, ok: p.status === 0, says };
  };
  const gcc = raw('.kunit-coverage-gcc', []);
  const clash = gcc.says("multiple definition of `mangle_path'");
  log(`raw kunit.py run with coverage_uml.config (gcc, as documented): ${gcc.ok ? `passed in ${secs(gcc.ms)}, ${countFiles(join(tree, '.kunit-coverage-gcc'), '.gcda')} .gcda files` : `failed after ${secs(gcc.ms)}${clash ? ' (the link: libgcov\'s mangle_path clashes with the kernel\'s)' : ''}`}`);
  const clang = raw('.kunit-coverage-clang', ['--make_options=LLVM=1']);
  const written = countFiles(join(tree, '.kunit-coverage-clang'), '.gcda') + countFiles(tree, '.profraw', 1);
  log(`raw kunit.py run with coverage_uml.config and LLVM=1: ${clang.ok ? 'passed' : 'failed'} in ${secs(clang.ms)}, ${written} count files written${written ? '' : ' (no counts: UML drops clang\'s writer)'}; ours build + run + read ${secs(build + run + collect)}, ratio ${((build + run + collect) / clang.ms).toFixed(2)}`);
  rmSync(logFile, { force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchCoverage().then(() => process.exit(0), (e) => { console.error(`bench coverage: failed: ${e.stack ?? e}`); process.exit(1); });
}
