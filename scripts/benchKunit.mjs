#!/usr/bin/env node
// The benchmark's KUnit stage: discovery over the whole tree (cold when the page cache can be
// dropped, as root), and edit one test file -> its result through the Testing view's pipeline
// (kunit.py build, then exec with our KTAP parser) against raw `kunit.py run` doing the same
// in the same run. On the tests' own cached KUnit tree (scripts/kunit-tree.sh); the edited file
// is restored and the tree rebuilt afterwards.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const OPTIONS = { kconfigAdd: ['CONFIG_DEBUG_KERNEL=y', 'CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y', 'CONFIG_GDB_SCRIPTS=y', 'CONFIG_FRAME_POINTER=y'] };

function dropCaches() {
  try { execFileSync('sync'); writeFileSync('/proc/sys/vm/drop_caches', '3'); return true; } catch { return false; }
}

export async function benchKunit({ log = console.log } = {}) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'ignore' });
  const { discoverTree } = require(join(root, 'out/src/kunit/discover.js'));
  const { KtapParser } = require(join(root, 'out/src/kunit/ktap.js'));
  const { buildArgs, execArgs, runKunitPy } = require(join(root, 'out/src/kunit/run.js'));
  const tree = execFileSync('bash', [join(root, 'scripts/kunit-tree.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const o = { tree, ...OPTIONS, jobs: cpus().length };

  const cold = dropCaches();
  let t = performance.now();
  const found = await discoverTree(tree);
  const first = performance.now() - t;
  t = performance.now();
  await discoverTree(tree);
  const warm = performance.now() - t;
  const suites = [...found.values()].flat();
  log(`KUnit discovery over the whole tree: ${found.size} files, ${suites.length} suites, ${suites.reduce((n, s) => n + s.cases.length, 0)} cases: ${cold ? 'cold' : 'first (page cache not droppable)'} ${Math.round(first)} ms (target < 1000 ms ${first < 1000 ? 'OK' : 'MISS'}), warm ${Math.round(warm)} ms`);

  // Edit -> result: one comment line more in lib/list-test.c each time, so make rebuilds it.
  const file = join(tree, 'lib', 'list-test.c');
  const original = readFileSync(file, 'utf8');
  const edit = (n) => writeFileSync(file, `${original}/* benchmark edit ${n} */\n`);
  const oursOnce = async (n) => {
    edit(n);
    const t0 = performance.now();
    const b = await runKunitPy(tree, buildArgs(o), { onLine: () => undefined });
    const parser = new KtapParser();
    let passed = 0;
    const umid = `bench-kunit-${process.pid}-${n}`;
    await runKunitPy(tree, execArgs(o, 'list-kunit-test', umid), { umid, onLine: (l) => { for (const e of parser.push(l)) if (e.kind === 'result' && e.result.status === 'passed') passed++; } });
    if (b.exitCode || passed < 40) throw new Error(`our run: build exit ${b.exitCode}, ${passed} passed`);
    return performance.now() - t0;
  };
  const rawOnce = (n) => {
    edit(n);
    const t0 = performance.now();
    execFileSync('python3', ['tools/testing/kunit/kunit.py', 'run', '--arch=um', '--build_dir=.kunit', `--jobs=${o.jobs}`, ...OPTIONS.kconfigAdd.map((k) => `--kconfig_add=${k}`), 'list-kunit-test'], { cwd: tree, stdio: 'ignore' });
    return performance.now() - t0;
  };
  try {
    // Alternating, so the page cache and the machine's drift favour neither side.
    const ours = [];
    const raw = [];
    for (let i = 0; i < 2; i++) { ours.push(await oursOnce(10 + i * 2)); raw.push(rawOnce(11 + i * 2)); }
    const min = (xs) => Math.min(...xs);
    log(`edit lib/list-test.c -> list-kunit-test results (best of 2): ours ${Math.round(min(ours))} ms (kunit.py build, then exec with our KTAP parser), raw kunit.py run ${Math.round(min(raw))} ms (target: kunit.py + 1000 ms ${min(ours) <= min(raw) + 1000 ? 'OK' : 'MISS'})`);
  } finally {
    writeFileSync(file, original);
    await runKunitPy(tree, buildArgs(o), { onLine: () => undefined });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchKunit().then(() => process.exit(0), (e) => { console.error(`bench kunit: failed: ${e.stack ?? e}`); process.exit(1); });
}
