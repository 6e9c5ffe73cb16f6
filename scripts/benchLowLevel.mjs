#!/usr/bin/env node
// The benchmark's low-level stage: disassembly, memory, stack and data breakpoints through the
// adapter (DAP, in this process as VS Code runs it: an inline adapter) against raw gdb/MI doing
// the same on the same kernel in the same run. Both sides talk to gdb over one pipe.
//
//   disassemble 200      DAP disassemble (100 before the pc, 100 from it, with source lines)
//                        vs -data-disassemble of the same address range in mode 5
//   readMemory 4 KiB     DAP readMemory vs -data-read-memory-bytes
//   stackTrace 20        DAP stackTrace of 20 frames vs -stack-list-frames 0 19 (+ target 30 ms)
//   data breakpoint hit  DAP continue -> stopped (data breakpoint) vs -exec-continue ->
//                        *stopped (watchpoint-trigger), the guest writing a sysctl in a loop
//   threads (tasks)      DAP threads with ~300 kernel tasks vs lx-ps (target 150 ms)
//   module symbols       the adapter's do_init_module hook for the test module (no raw
//                        equivalent: lx-symbols cannot load them with UML's linux binary)
//   watchpoint probe     whether this host delivers hardware watchpoint traps (gdb on
//                        /bin/true): cold (what the first data breakpoint after a host boot
//                        pays) and cached (the boot-keyed file every later session reads). On a
//                        host without the traps the data breakpoint hit is not measured: the
//                        adapter refuses it, and raw gdb would wait forever.
// Exported for bench.mjs; runs alone with `node scripts/benchLowLevel.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { withRawUml } from './rawMi.mjs';
import { InlineClient } from './inlineClient.mjs';
import { killUmid, makeBusyboxRoot, median } from '../test/support/shared.cjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const FUNC = 'cmdline_proc_show';
const TARGET_RATIO = 1.2;
const TARGET_STACK_MS = 30;
const TARGET_THREADS_MS = 150;

async function timed(n, fn) {
  await fn();  // untimed: the first call warms caches on both sides alike
  const out = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); out.push(performance.now() - t); }
  return out;
}

/** The host probe, uncached (each run a fresh gdb on /bin/true) and from this boot's cache file. */
async function hwWatchProbe(runs) {
  const { probeHwWatch, hwWatch, cachedHwWatch, hwWatchRefusal } = require(join(root, 'out/src/hostcompat/hwWatch.js'));
  const cold = [];
  let verdict;
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const t = performance.now();
    verdict = await probeHwWatch('gdb');
    cold.push(performance.now() - t);
  }
  await hwWatch('gdb');  // writes the cache file when this boot has none yet
  const cached = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    if (!cachedHwWatch()) throw new Error(`hardware watchpoint probe: no verdict cached for this boot (the probe said: ${verdict.traps}, ${verdict.detail})`);
    cached.push(performance.now() - t);
  }
  return { cold, cached, verdict, refusal: hwWatchRefusal(verdict) };
}

async function adapterSide(kernel, rootfs, runs, moduleSearchPath) {
  const umid = `bench-ll-${process.pid}`;
  const dc = new InlineClient();  // builds out/ when stale
  const hw = await hwWatchProbe(runs);
  try {
    const stopped = dc.next('stopped');
    const tLaunch = performance.now();
    await dc.request('initialize', { adapterID: 'uml', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = dc.next('initialized');
    const launched = dc.request('launch', { kernel, rootfs, init: '/init', console: 'internalConsole', mem: '256M', umid, moduleSearchPath });
    await initialized;
    await dc.request('setFunctionBreakpoints', { breakpoints: [{ name: FUNC }] });
    await dc.request('configurationDone');
    await launched;
    const t = (await stopped).body.threadId;
    const launchMs = performance.now() - tLaunch;
    let tasks = 0;
    const top = (await dc.request('stackTrace', { threadId: t, startFrame: 0, levels: 20 })).body.stackFrames[0];
    const pc = top.instructionPointerReference;
    const cmdline = (await dc.request('evaluate', { expression: 'saved_command_line', frameId: top.id, context: 'watch' })).body.memoryReference;
    const r = {
      threads: await timed(runs, async () => { tasks = (await dc.request('threads')).body.threads.length; }),
      disasm: await timed(runs, () => dc.request('disassemble', { memoryReference: pc, instructionOffset: -100, instructionCount: 200, resolveSymbols: true })),
      memory: await timed(runs, () => dc.request('readMemory', { memoryReference: cmdline, count: 4096 })),
      stack: await timed(runs, () => dc.request('stackTrace', { threadId: t, startFrame: 0, levels: 20 })),
    };
    const range = (await dc.request('disassemble', { memoryReference: pc, instructionOffset: -100, instructionCount: 200 })).body.instructions;
    const info = (await dc.request('dataBreakpointInfo', { name: 'panic_timeout', frameId: top.id })).body;
    await dc.request('setFunctionBreakpoints', { breakpoints: [] });
    const set = (await dc.request('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] })).body.breakpoints[0];
    if (hw.refusal) {
      if (set.verified || !set.message.includes(hw.refusal)) throw new Error(`adapter: the host probe says no traps, yet: ${JSON.stringify(set)}`);
    } else {
      r.watch = await timed(runs, async () => {
        const hit = dc.next('stopped');
        await dc.request('continue', { threadId: t });
        const ev = await hit;
        if (ev.body.reason !== 'data breakpoint') throw new Error(`adapter: stopped for ${ev.body.reason}, not the data breakpoint`);
      });
    }
    r.range = [range[0].address, range[range.length - 1].address];
    // Restart: the guest reboots under the same gdb, to the same breakpoint.
    await dc.request('setDataBreakpoints', { breakpoints: [] });
    await dc.request('setFunctionBreakpoints', { breakpoints: [{ name: FUNC }] });
    const again = dc.next('stopped');
    const tRestart = performance.now();
    await dc.request('restart', {});
    await again;
    r.restartMs = performance.now() - tRestart;
    r.launchMs = launchMs;
    r.tasks = tasks;
    r.moduleMs = Number(/Module ukd_hello loaded at \S+: symbols from \S+ \((\d+) ms\)/.exec(dc.output)?.[1] ?? NaN);
    r.hw = hw;
    return r;
  } finally {
    await dc.close();
    killUmid(umid);
  }
}

function rawSide(kernel, rootfs, work, range, runs, watch) {
  return withRawUml({ kernel, rootfs, umid: `bench-llraw-${process.pid}`, mem: '256M', func: FUNC, gdbinitFile: join(work, 'raw.gdbinit') }, async (mi) => {
    const cmdline = /value="(0x[0-9a-f]+)/.exec(await mi.send('-data-evaluate-expression saved_command_line'))[1];
    const r = {
      threads: await timed(runs, () => mi.send('-interpreter-exec console lx-ps')),
      disasm: await timed(runs, () => mi.send(`-data-disassemble -s ${range[0]} -e ${range[1]} -- 5`)),
      memory: await timed(runs, () => mi.send(`-data-read-memory-bytes ${cmdline} 4096`)),
      stack: await timed(runs, () => mi.send('-stack-list-frames 0 19')),
    };
    if (!watch) return r;
    await mi.send('-break-delete 1');
    await mi.send('-break-watch panic_timeout');
    r.watch = await timed(runs, async () => {
      const stop = mi.wait(/^\*stopped/);
      await mi.send('-exec-continue');
      const s = await stop;
      if (!/watchpoint-trigger/.test(s)) throw new Error(`raw gdb: stopped for ${s}`);
    });
    return r;
  });
}

export async function benchLowLevel({ runs = 5, log = console.log } = {}) {
  const kernelDir = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const kernel = join(kernelDir, 'linux');
  const work = mkdtempSync(join(tmpdir(), 'uml-bench-ll-'));
  try {
    // The test module (built here for this kernel), 280 sleeping processes (about 300 tasks in
    // all), one read of /proc/cmdline (the stop), then kernel.panic (panic_timeout) written
    // with a new value, forever.
    const moduleDir = join(work, 'module');
    mkdirSync(moduleDir);
    for (const f of ['ukd_hello.c', 'Kbuild']) copyFileSync(join(root, 'test/fixtures/module', f), join(moduleDir, f));
    execFileSync('make', ['-C', kernelDir, 'ARCH=um', 'SUBARCH=x86_64', `M=${moduleDir}`, 'modules'], { stdio: 'ignore' });
    const rootfs = makeBusyboxRoot('insmod /ukd_hello.ko\nfor i in $(seq 280); do sleep 100000 & done\ncat /proc/cmdline >/dev/null\ni=0\nwhile true; do i=$((i+1)); echo $i > /proc/sys/kernel/panic; done', { dir: join(work, 'rootfs') });
    copyFileSync(join(moduleDir, 'ukd_hello.ko'), join(rootfs, 'ukd_hello.ko'));
    const ours = await adapterSide(kernel, rootfs, runs, [moduleDir]);
    const raw = await rawSide(kernel, rootfs, work, ours.range, runs, !ours.hw.refusal);
    const fmt = (ms) => (ms < 100 ? ms.toFixed(1) : `${Math.round(ms)}`);
    log(`low-level requests (medians of ${runs}; the adapter in-process as VS Code runs it vs raw gdb/MI, same kernel, same run):`);
    log('  (raw gdb disassembles the very range the adapter returned; the adapter first finds an instruction boundary before the pc)');
    for (const [k, name] of [[`threads`, `threads: ${ours.tasks} kernel tasks (raw: lx-ps)`], ['disasm', 'disassemble 200 instructions around the pc'], ['memory', 'readMemory 4 KiB'], ['stack', 'stackTrace 20 frames'], ['watch', 'data breakpoint hit (continue -> stop)']]) {
      if (!ours[k]) { log(`  ${name}: not measurable here: ${ours.hw.refusal}`); continue; }
      const o = median(ours[k]); const r = median(raw[k]); const ratio = o / r;
      const extra = k === 'stack' ? `; target < ${TARGET_STACK_MS} ms ${o < TARGET_STACK_MS ? 'OK' : 'MISS'}`
        : k === 'threads' ? `; target < ${TARGET_THREADS_MS} ms ${o < TARGET_THREADS_MS ? 'OK' : 'MISS'}` : '';
      // The threads list has an absolute target (it also reads each task's state, tgid and flags).
      const ratioTarget = k === 'threads' ? '' : ` (target <= ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'OK' : 'MISS'}`;
      log(`  ${name}: ours ${fmt(o)} ms, raw gdb ${fmt(r)} ms (${o >= r ? '+' : ''}${(o - r).toFixed(2)} ms), ratio ${ratio.toFixed(2)}${ratioTarget}${extra}`);
    }
    const { hw } = ours;
    log(`  hardware watchpoint probe (gdb on /bin/true; once per host boot, at the first data breakpoint, not on F5's path): cold ${fmt(median(hw.cold))} ms (median of ${hw.cold.length}), cached ${median(hw.cached).toFixed(2)} ms; this host: traps ${hw.verdict.traps} (${hw.verdict.detail})`);
    log(`  module symbols (ukd_hello: do_init_module stop -> .ko found -> add-symbol-file -> continue): ${ours.moduleMs} ms`);
    log(`  restart -> stopped at ${FUNC} again: ${fmt(ours.restartMs)} ms, against the session's own launch -> first stop ${fmt(ours.launchMs)} ms (warm index cache)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchLowLevel({ runs: Number(process.env.BENCH_RUNS ?? 5) }).then(() => process.exit(0), (e) => { console.error(`bench low-level: failed: ${e.stack ?? e}`); process.exit(1); });
}
