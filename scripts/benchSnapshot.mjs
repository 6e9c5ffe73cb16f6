#!/usr/bin/env node
// The benchmark's crash snapshot stage, on the test kernel (mem=128M) panicked through sysrq:
//
//   save     "UML: Save Crash Snapshot" at the panic stop (DAP umlSaveSnapshot: gcore with the
//            kernel's memory, the JSON, the renames) vs raw gdb's `gcore` at the same stop
//   size     the snapshot's bytes
//   open     DAP launch {"snapshot"} -> the stop shown, plus its stack, vs raw `gdb -batch
//            linux CORE -ex bt` (the kernel's symbols from gdb's index cache on both sides)
// Exported for bench.mjs; runs alone with `node scripts/benchSnapshot.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { withRawUml } from './rawMi.mjs';
import { InlineClient } from './inlineClient.mjs';
import { killUmid, makeBusyboxRoot, median } from '../test/support/shared.cjs';

const root = new URL('..', import.meta.url).pathname;
const MEM = '128M';

/** One session to the panic stop; `runs` saves there; the snapshot files. */
async function adapterSave(kernel, rootfs, work, runs) {
  const umid = `bench-snap-${process.pid}`;
  const dc = new InlineClient();
  try {
    const ev = await dc.launchToStop({ kernel, rootfs, init: '/init', mem: MEM, umid });
    if (ev.body.reason !== 'exception') throw new Error(`adapter: stopped for ${ev.body.reason}, not the panic`);
    const ms = []; const files = [];
    for (let i = 0; i < runs; i++) {
      const file = join(work, `ours-${i}.core`);
      const t = performance.now();
      await dc.request('umlSaveSnapshot', { file });
      ms.push(performance.now() - t);
      files.push(file);
    }
    return { ms, files };
  } finally {
    await dc.close();
    killUmid(umid);
  }
}

function rawSave(kernel, rootfs, work, runs) {
  const extra = ['set use-coredump-filter off', 'set dump-excluded-mappings on'];
  return withRawUml({ kernel, rootfs, umid: `bench-snapraw-${process.pid}`, mem: MEM, func: 'panic', extra, gdbinitFile: join(work, 'raw.gdbinit') }, async (mi) => {
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await mi.send(`-interpreter-exec console "gcore ${join(work, `raw-${i}.core`)}"`);
      ms.push(performance.now() - t);
    }
    return { ms };
  });
}

async function adapterOpen(core) {
  const dc = new InlineClient();
  try {
    const t = performance.now();
    const ev = await dc.launchToStop({ snapshot: core }, [], 60000);
    const frames = (await dc.request('stackTrace', { threadId: ev.body.threadId, startFrame: 0, levels: 20 })).body.stackFrames;
    if (!frames.some((f) => f.name === 'sysrq_handle_crash')) throw new Error(`adapter: the snapshot's stack lacks sysrq_handle_crash: ${frames.map((f) => f.name)}`);
    return performance.now() - t;
  } finally {
    await dc.close();
  }
}

function rawOpen(kernel, core) {
  const t = performance.now();
  const out = execFileSync('gdb', ['-batch', '-nx', '-ex', `set index-cache directory ${join(process.env.XDG_CACHE_HOME || join(process.env.HOME, '.cache'), 'uml-kernel-debug', 'gdb-index')}`, '-ex', 'set index-cache enabled on', '-ex', `file ${kernel}`, '-ex', `core-file ${core}`, '-ex', 'bt 20'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (!/sysrq_handle_crash/.test(out)) throw new Error(`raw gdb: no sysrq_handle_crash in bt:\n${out.slice(-1000)}`);
  return performance.now() - t;
}

export async function benchSnapshot({ runs = 3, log = console.log } = {}) {
  const kernelDir = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const kernel = join(kernelDir, 'linux');
  const work = mkdtempSync(join(tmpdir(), 'uml-bench-snap-'));
  try {
    const rootfs = makeBusyboxRoot('sh -c "echo c > /proc/sysrq-trigger"\nsleep 100000', { dir: join(work, 'rootfs') });
    const ours = await adapterSave(kernel, rootfs, work, runs);
    const raw = await rawSave(kernel, rootfs, work, runs);
    const openOurs = []; const openRaw = [];
    for (let i = 0; i < runs; i++) { openOurs.push(await adapterOpen(ours.files[0])); openRaw.push(rawOpen(kernel, ours.files[0])); }
    const size = statSync(ours.files[0]).size;
    const f = (x) => `${Math.round(x)} ms`;
    log(`crash snapshots (mem=${MEM}, panic through sysrq; medians of ${runs}, same kernel, same run):`);
    log(`  save at the panic stop: ours ${f(median(ours.ms))}, raw gdb gcore ${f(median(raw.ms))}, ratio ${(median(ours.ms) / median(raw.ms)).toFixed(2)}; size ${(size / 1048576).toFixed(1)} MB (+ its JSON)`);
    log(`  open -> the panic stop and its stack: ours ${f(median(openOurs))}, raw gdb -batch (file, core-file, bt) ${f(median(openRaw))}, ratio ${(median(openOurs) / median(openRaw)).toFixed(2)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchSnapshot({ runs: Number(process.env.BENCH_RUNS ?? 3) }).then(() => process.exit(0), (e) => { console.error(`bench snapshot: failed: ${e.stack ?? e}`); process.exit(1); });
}
