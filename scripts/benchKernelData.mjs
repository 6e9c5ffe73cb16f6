#!/usr/bin/env node
// The benchmark's kernel data stage: a list of about 1,000 entries opened in Variables, through
// the adapter (DAP, in this process as VS Code runs it) against raw gdb on the same guest.
//
//   open a 1,000-entry list   DAP variables on init_task.tasks (the walk, checked, and its groups
//                             of 100) + variables on the first group (each entry's pid and comm)
//                             vs raw gdb's lx-ps (the kernel's own scripts walking the same list
//                             and printing every task), the guest running 1,000 sleeps.
//                             Target: <= 100 ms.
// Exported for bench.mjs; runs alone with `node scripts/benchKernelData.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { withRawUml } from './rawMi.mjs';
import { InlineClient } from './inlineClient.mjs';
import { killUmid, makeBusyboxRoot, median } from '../test/support/shared.cjs';

const root = new URL('..', import.meta.url).pathname;
const FUNC = 'cmdline_proc_show';
const SLEEPS = 1000;
const TARGET_MS = 100;
const MEM = '512M';

async function adapterSide(kernel, rootfs, runs) {
  const umid = `bench-kd-${process.pid}`;
  const dc = new InlineClient();
  try {
    const t = (await dc.launchToStop({ kernel, rootfs, init: '/init', mem: MEM, umid }, [FUNC])).body.threadId;
    const top = (await dc.request('stackTrace', { threadId: t, startFrame: 0, levels: 1 })).body.stackFrames[0];
    const open = async () => {
      // A fresh list each time (evaluate, untimed): its walk is not cached yet.
      const head = (await dc.request('evaluate', { expression: 'init_task.tasks', frameId: top.id, context: 'watch' })).body;
      const t0 = performance.now();
      const groups = (await dc.request('variables', { variablesReference: head.variablesReference })).body.variables;
      const first = groups.find((g) => g.name === '[0..99]');
      if (!first) throw new Error(`adapter: init_task.tasks did not come in groups of 100: ${JSON.stringify(groups.slice(0, 3))}`);
      const entries = (await dc.request('variables', { variablesReference: first.variablesReference })).body.variables;
      const ms = performance.now() - t0;
      if (entries.length !== 100 || !entries.every((e) => /\{pid = \d+, comm = "/.test(e.value))) throw new Error(`adapter: the first group is not 100 named tasks: ${JSON.stringify(entries.slice(0, 3))}`);
      return { ms, count: groups.filter((g) => /^\[\d+\.\.\d+\]$/.test(g.name)).reduce((n, g) => n + Number(/(\d+)\]$/.exec(g.name)[1]) - Number(/^\[(\d+)/.exec(g.name)[1]) + 1, 0) };
    };
    let count = 0;
    await open();  // untimed: the first call warms caches (gdb's types, the Python walker)
    const ms = [];
    for (let i = 0; i < runs; i++) { const r = await open(); ms.push(r.ms); count = r.count; }
    return { ms, count };
  } finally {
    await dc.close();
    killUmid(umid);
  }
}

function rawSide(kernel, rootfs, work, runs) {
  return withRawUml({ kernel, rootfs, umid: `bench-kdraw-${process.pid}`, mem: MEM, func: FUNC, gdbinitFile: join(work, 'raw.gdbinit') }, async (mi) => {
    await mi.send('-interpreter-exec console lx-ps');  // untimed, as on our side
    const ms = [];
    for (let i = 0; i < runs; i++) { const t = performance.now(); await mi.send('-interpreter-exec console lx-ps'); ms.push(performance.now() - t); }
    return { ms };
  });
}

export async function benchKernelData({ runs = 5, log = console.log } = {}) {
  const kernelDir = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const kernel = join(kernelDir, 'linux');
  const work = mkdtempSync(join(tmpdir(), 'uml-bench-kd-'));
  try {
    const rootfs = makeBusyboxRoot(`i=0; while [ $i -lt ${SLEEPS} ]; do sleep 100000 & i=$((i+1)); done\ncat /proc/cmdline >/dev/null\nsleep 100000`, { dir: join(work, 'rootfs') });
    const ours = await adapterSide(kernel, rootfs, runs);
    const raw = await rawSide(kernel, rootfs, work, runs);
    const o = median(ours.ms); const r = median(raw.ms);
    log(`kernel data (medians of ${runs}; the adapter in-process as VS Code runs it vs raw gdb/MI, same kernel, same guest of ${SLEEPS} sleeps):`);
    log(`  open init_task.tasks (${ours.count} entries: walk, groups, the first 100 named): ours ${o.toFixed(1)} ms, raw gdb lx-ps (every task printed) ${r.toFixed(1)} ms, ratio ${(o / r).toFixed(2)}; target <= ${TARGET_MS} ms ${o <= TARGET_MS ? 'OK' : 'MISS'}`);
    if (ours.count < SLEEPS) throw new Error(`the list has ${ours.count} entries, fewer than the ${SLEEPS} sleeps started`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchKernelData({ runs: Number(process.env.BENCH_RUNS ?? 5) }).then(() => process.exit(0), (e) => { console.error(`bench kernel data: failed: ${e.stack ?? e}`); process.exit(1); });
}
