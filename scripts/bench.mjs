#!/usr/bin/env node
// Benchmarks the adapter (dist/debugAdapter.js over DAP) against raw gdb on the same test kernel.
//
//   1. F5 to breakpoint     DAP launch request -> `stopped` at cmdline_proc_show
//                           vs `gdb -batch -nx -x GDBINIT` (a hand-written, seed-style gdbinit,
//                           no index cache): spawn -> the "Breakpoint N, cmdline_proc_show" line.
//   2. next round trip      DAP `next` -> `stopped`, vs `-exec-next` -> `*stopped` in a raw
//                           `gdb --interpreter=mi3 -nx` stopped at the same breakpoint.
//   3. F5 to variables      DAP launch -> stopped -> stackTrace + scopes + variables(Arguments)
//                           vs raw gdb's bare breakpoint (the raw number of 1).
//   then symbol load, activation, the low-level stage (benchLowLevel.mjs: disassembly, memory,
//   stack, data breakpoints), kernel data (benchKernelData.mjs: a 1,000-entry list opened in
//   Variables against raw gdb's lx-ps), crash snapshots (benchSnapshot.mjs: save at a panic and
//   open again, against raw gdb's gcore and core-file), stack traces (benchTrace.mjs: a 50-frame trace decoded cold and warm
//   against addr2line -i), QEMU (benchQemu.mjs: launch -> stopped on the second target against
//   raw gdb on QEMU's gdbstub), KUnit, KUnit coverage (benchCoverage.mjs: against kunit.py run with coverage_uml.config), Kconfig (and
//   kconfigOracle.mjs: its .config warnings against olddefconfig on 16 randconfig trees per kernel), the loop stage (benchLoop.mjs: edit -> rebuild ->
//   stopped against raw make + raw gdb) and the UI stage (benchUi.mjs: F5 and the first stop in VS Code).
//
// Each over BENCH_RUNS runs (default 5); medians, ratios and targets are printed. Exit status is 0
// whether targets are met or missed; non-zero only if something failed to run.
// Every run uses its own umid; afterwards every process whose argv carries umid=<id> is killed and
// ~/.uml/<id> is removed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { RawMi } from './rawMi.mjs';
import { childrenOf, isAlive, killUmid, makeBusyboxRoot, median, pollUntil, sleep, umidProcesses } from '../test/support/shared.cjs';

const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const root = new URL('..', import.meta.url).pathname;
const ADAPTER = join(root, 'dist/debugAdapter.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TIMEOUT = 60000;
const FUNC = 'cmdline_proc_show';
const MEM = '128M';
const UML_DIR = join(homedir(), '.uml');
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'uml-kernel-debug');
const TARGETS = { f5: '0.75', next: '1.1', vars: '1.0' };

if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`BENCH_RUNS must be a positive integer, got "${process.env.BENCH_RUNS}"`);
  process.exit(2);
}

// ---------------------------------------------------------------- UML instance hygiene

const liveUmids = new Set();
let umidSeq = 0;
const newUmid = (tag) => {
  const id = `bench-${tag}-${process.pid}-${umidSeq++}`;
  liveUmids.add(id);
  return id;
};

/** Kills every process of the instance until none is left, removes ~/.uml/<umid>. Returns how many were killed. */
async function sweep(umid, ms = 5000) {
  const end = Date.now() + ms;
  const killed = new Set();
  for (;;) {
    const pids = umidProcesses(umid);
    if (!pids.length) break;
    for (const p of pids) { try { process.kill(p, 'SIGKILL'); killed.add(p); } catch { /* gone */ } }
    if (Date.now() > end) throw new Error(`umid=${umid}: processes ${pids.join(',')} survive SIGKILL`);
    await sleep(20);
  }
  rmSync(join(UML_DIR, umid), { recursive: true, force: true });
  liveUmids.delete(umid);
  return killed.size;
}

function sweepAllSync() {
  for (const umid of liveUmids) killUmid(umid, UML_DIR);
}
process.on('exit', sweepAllSync);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { sweepAllSync(); process.exit(130); });

// ---------------------------------------------------------------- setup

if (!existsSync(ADAPTER)) {
  console.log('dist/debugAdapter.js missing: npm run compile');
  execFileSync('npm', ['run', 'compile'], { cwd: root, stdio: 'inherit' });
}
const kernelDir = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
const kernel = join(kernelDir, 'linux');
const vmlinux = existsSync(join(kernelDir, 'vmlinux')) ? join(kernelDir, 'vmlinux') : kernel;

const work = mkdtempSync(join(tmpdir(), 'uml-bench-'));
const rootfs = makeBusyboxRoot('cat /proc/cmdline\npoweroff -f', { dir: join(work, 'rootfs') });

/**
 * The gdbinit a user writes by hand today (see the seed documents): no index cache, no
 * startup-with-shell tweaks. Same kernel command line as the adapter's, with the console on
 * null input and one output descriptor so no terminal is needed.
 */
function rawGdbinit(umid, conOut, runAndKill) {
  const args = [`mem=${MEM}`, `umid=${umid}`, 'root=/dev/root', 'rootfstype=hostfs', `hostfs=${rootfs}`, 'rw', 'init=/init',
    'con=null', 'ssl=null', `con0=null,fd:${conOut}`];
  const lines = [
    `add-auto-load-safe-path ${kernelDir}`,
    `file ${vmlinux}`,
    'handle SIGSEGV nostop noprint pass',
    'handle SIGUSR1 nostop noprint pass',
    'handle SIGIO nostop noprint pass',
    'handle SIGALRM nostop noprint pass',
    'handle SIGWINCH nostop noprint pass',
    `set args ${args.join(' ')}`,
    `break ${FUNC}`,
  ];
  if (runAndKill) lines.push('run', 'kill');
  const file = join(work, `gdbinit-${umid}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

// ---------------------------------------------------------------- the adapter

const notes = [];  // things worth reporting (leftovers, retries)

/**
 * A stop other than the expected one (e.g. gdb reporting the breakpoint again while stepping off
 * it, see the shared notes on phantom stops): the run is repeated, not the benchmark failed.
 */
class UnexpectedStop extends Error {}

async function withRetry(what, fn, attempts = 3) {
  for (let i = 1; ; i++) {
    try {
      return await fn(i > 1 ? `-retry${i - 1}` : '');
    } catch (e) {
      if (!(e instanceof UnexpectedStop) || i >= attempts) throw e;
      notes.push(`${what}: repeated after an unexpected stop (${e.message.split('\n')[0]})`);
    }
  }
}

/** One adapter session: launch -> stop -> stack/scopes/variables -> next; returns the three timings. */
async function adapterRun(tag) {
  const umid = newUmid(tag);
  const dc = new DebugClient('node', ADAPTER, 'uml');
  dc.defaultTimeout = TIMEOUT;
  await dc.start();
  let output = '';
  dc.on('output', (e) => { output = (output + e.body.output).slice(-4000); });
  const adapterPid = dc._adapterProcess?.pid;
  let gdbPids = [];
  try {
    const stopped = dc.waitForEvent('stopped', TIMEOUT);
    stopped.catch(() => undefined);
    const configured = dc.waitForEvent('initialized', TIMEOUT)
      .then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: FUNC }] }))
      .then((r) => {
        if (!r.body.breakpoints[0]?.verified) throw new Error(`function breakpoint ${FUNC} not verified: ${JSON.stringify(r.body.breakpoints[0])}`);
        return dc.configurationDoneRequest();
      });
    configured.catch(() => undefined);
    await dc.initializeRequest();

    const t0 = performance.now();
    const launched = dc.launchRequest({ kernel, rootfs, init: '/init', console: 'internalConsole', mem: MEM, umid });
    launched.catch(() => undefined);
    const ev = await Promise.race([stopped, launched.then(() => stopped), configured.then(() => stopped)]);
    const tStop = performance.now();
    if (ev.body.reason !== 'breakpoint') throw new UnexpectedStop(`first stop is "${ev.body.reason}", not a breakpoint`);
    const threadId = ev.body.threadId;

    // What VS Code does on a stop: the stack, the top frame's scopes, the Arguments.
    const st = await dc.stackTraceRequest({ threadId, startFrame: 0, levels: 20 });
    const top = st.body.stackFrames[0];
    const scopes = await dc.scopesRequest({ frameId: top.id });
    const argsScope = scopes.body.scopes.find((s) => s.presentationHint === 'arguments' || s.name === 'Arguments') ?? scopes.body.scopes[0];
    const vars = await dc.variablesRequest({ variablesReference: argsScope.variablesReference });
    const tVars = performance.now();
    if (top.name !== FUNC) throw new Error(`stopped in ${top.name}, not ${FUNC}`);
    if (!vars.body.variables.some((v) => v.name === 'm')) throw new Error(`Arguments of ${FUNC} lack m: ${JSON.stringify(vars.body.variables)}`);
    await launched;
    await configured;

    if (adapterPid) gdbPids = childrenOf(adapterPid);

    const stepped = dc.waitForEvent('stopped', TIMEOUT);
    stepped.catch(() => undefined);
    const tNext = performance.now();
    await dc.nextRequest({ threadId });
    const sev = await stepped;
    const tStepped = performance.now();
    if (sev.body.reason !== 'step') throw new UnexpectedStop(`next ended with a "${sev.body.reason}" stop, not "step"`);

    return { f5: tStop - t0, vars: tVars - t0, next: tStepped - tNext };
  } catch (e) {
    e.message += `\n--- adapter output (tail) ---\n${output}`;
    throw e;
  } finally {
    await Promise.race([dc.disconnectRequest({ terminateDebuggee: true }).catch(() => undefined), sleep(10000)]);
    dc.stopAdapter();
    // The adapter promises that nothing is left running: check it, then make sure.
    await pollUntil(() => !umidProcesses(umid).length, 5000, 50);
    const leftPids = umidProcesses(umid);
    const leftDir = existsSync(join(UML_DIR, umid));
    const leftGdb = gdbPids.filter(isAlive);
    if (leftPids.length) notes.push(`adapter run ${tag}: ${leftPids.length} UML process(es) of umid=${umid} still alive 5 s after disconnect (killed by the bench)`);
    if (leftDir) notes.push(`adapter run ${tag}: ~/.uml/${umid} left behind after disconnect (removed by the bench)`);
    for (const p of leftGdb) {
      notes.push(`adapter run ${tag}: adapter child ${p} (gdb) alive after disconnect (killed by the bench)`);
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    await sweep(umid);
    rmSync(join(CACHE, 'sessions', umid), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- raw gdb, batch (F5 to breakpoint)

/** `gdb -batch -nx -x FILE`: wall time from spawn to the breakpoint-hit line on gdb's stdout. */
async function rawBatchRun(tag) {
  const umid = newUmid(tag);
  const file = rawGdbinit(umid, 1, true);
  let out = '';
  let err = '';
  const t0 = performance.now();
  const gdb = spawn('gdb', ['-batch', '-nx', '-x', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const hitRe = new RegExp(`Breakpoint \\d+, ${FUNC} \\(.*\\n`);
    const ms = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw gdb: no breakpoint hit within ${TIMEOUT} ms`)), TIMEOUT);
      gdb.stdout.setEncoding('latin1');
      gdb.stdout.on('data', (d) => {
        out += d;
        if (hitRe.test(out)) { clearTimeout(timer); resolve(performance.now() - t0); }
        if (out.length > 200000) out = out.slice(-100000);
      });
      gdb.stderr.setEncoding('latin1');
      gdb.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
      gdb.on('error', (e) => { clearTimeout(timer); reject(e); });
      gdb.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`raw gdb exited (${code ?? sig}) before the breakpoint`)); });
    });
    return ms;
  } catch (e) {
    e.message += `\n--- raw gdb stdout (tail) ---\n${out.slice(-3000)}\n--- stderr ---\n${err}`;
    throw e;
  } finally {
    // The kernel first (gdb dying would release it to run on), then gdb, then anything forked meanwhile.
    await sweep(umid);
    gdb.kill('SIGKILL');
    await sweep(umid);
    rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------- raw gdb, MI (next round trip)

/** Raw MI gdb at the same breakpoint: time from writing -exec-next to its *stopped. */
async function rawMiRun(tag) {
  const umid = newUmid(tag);
  const file = rawGdbinit(umid, 3, false);
  const mi = new RawMi(file);
  try {
    await mi.wait(/^\(gdb\)/);  // the -x file has been read
    const hit = mi.wait(/^\*stopped/);
    await mi.send('-exec-run');
    const stop = await hit;
    if (!/reason="breakpoint-hit"/.test(stop) || !stop.includes(`func="${FUNC}"`)) throw new UnexpectedStop(`raw MI gdb: first stop is not ${FUNC}: ${stop}`);
    // Untimed, to leave gdb in the state the adapter's gdb is in: the stack and arguments were read.
    await mi.send('-stack-list-frames 0 19');
    await mi.send('-stack-info-depth 1000');
    await mi.send('-stack-list-variables --thread 1 --frame 0 --simple-values');

    const stepped = mi.wait(/^\*stopped/);
    const t0 = performance.now();
    mi.proc.stdin.write(`${mi.token++}-exec-next\n`);
    const s = await stepped;
    const ms = performance.now() - t0;
    if (!/reason="end-stepping-range"/.test(s)) throw new UnexpectedStop(`raw MI gdb: next ended with ${s}`);
    return ms;
  } catch (e) {
    e.message += `\n--- raw MI gdb (tail) ---\n${mi.log}`;
    throw e;
  } finally {
    await sweep(umid);
    mi.proc.kill('SIGKILL');
    await mi.exited;
    await sweep(umid);
    rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------- main

const fmt = (ms) => (ms < 100 ? ms.toFixed(1) : `${Math.round(ms)}`);  // next is a few ms: keep a decimal

let failed = false;
try {
  console.log(`UML Kernel Debug benchmark: ${RUNS} run(s) each; kernel ${kernel}; gdb ${execFileSync('gdb', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);

  process.stdout.write('warm-up: one untimed adapter launch (fills gdb\'s index cache) ... ');
  await withRetry('warm-up', (sfx) => adapterRun(`warm${sfx}`));
  const idx = join(CACHE, 'gdb-index');
  const nIdx = existsSync(idx) ? readdirSync(idx).length : 0;
  console.log(`done; index cache ${idx} holds ${nIdx} file(s)`);
  process.stdout.write('warm-up: one untimed raw gdb launch (page cache for the raw side) ... ');
  await rawBatchRun('warmraw');
  console.log('done');

  const ours = [];
  const raw = [];
  const rawNext = [];
  for (let i = 1; i <= RUNS; i++) {
    // Interleaved, so drift on the machine hits both sides alike.
    const a = await withRetry(`adapter run ${i}`, (sfx) => adapterRun(`a${i}${sfx}`));
    const r = await rawBatchRun(`r${i}`);
    const m = await withRetry(`raw MI run ${i}`, (sfx) => rawMiRun(`m${i}${sfx}`));
    ours.push(a); raw.push(r); rawNext.push(m);
    console.log(`run ${i}/${RUNS}: ours F5->bp ${fmt(a.f5)} ms, F5->vars ${fmt(a.vars)} ms, next ${fmt(a.next)} ms | raw gdb F5->bp ${fmt(r)} ms, next ${fmt(m)} ms`);
  }

  const rows = [
    ['F5 to breakpoint', 'ours (adapter, warm index cache)', ours.map((x) => x.f5)],
    ['F5 to breakpoint', 'raw gdb -batch (no index cache)', raw],
    ['next round trip', 'ours (DAP next -> stopped)', ours.map((x) => x.next)],
    ['next round trip', 'raw gdb MI (-exec-next -> *stopped)', rawNext],
    ['F5 to variables listed', 'ours (stop+stackTrace+scopes+variables)', ours.map((x) => x.vars)],
    ['F5 to variables listed', 'raw gdb -batch, bare breakpoint', raw],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const runCols = Array.from({ length: RUNS }, (_, i) => `run${i + 1}`);
  const colW = 7;
  console.log('');
  console.log(`${'metric'.padEnd(w0)}  ${'side'.padEnd(w1)}  ${runCols.map((c) => c.padStart(colW)).join('')}${'median'.padStart(colW + 1)}  (ms)`);
  console.log('-'.repeat(w0 + w1 + 4 + colW * (RUNS + 1) + 7));
  for (const [metric, side, xs] of rows) {
    console.log(`${metric.padEnd(w0)}  ${side.padEnd(w1)}  ${xs.map((x) => fmt(x).padStart(colW)).join('')}${fmt(median(xs)).padStart(colW + 1)}`);
  }
  console.log('');
  console.log('Note: ours is timed from the DAP launch request (adapter process already up, after initialize);');
  console.log('raw gdb from its spawn. The adapter ran one untimed warm-up launch first, so its gdb index cache was warm.');
  for (const n of notes) console.log(`Note: ${n}`);
  console.log('');

  const line = (name, o, r, target) => {
    const ratio = o / r;
    const ok = ratio <= Number(target);
    console.log(`${name}: ours ${fmt(o)} ms, raw gdb ${fmt(r)} ms, ratio ${ratio.toFixed(2)} (target <= ${target}) ${ok ? 'OK' : 'MISS'}`);
  };
  line('F5 to breakpoint', median(ours.map((x) => x.f5)), median(raw), TARGETS.f5);
  line('next round trip', median(ours.map((x) => x.next)), median(rawNext), TARGETS.next);
  line('F5 to variables listed', median(ours.map((x) => x.vars)), median(raw), TARGETS.vars);

  // Symbol load of the kernel (what the index warm-up after a build saves on the first F5).
  console.log('');
  const loadOnce = (cacheDir) => {
    const args = ['-batch', '-nx'];
    if (cacheDir) args.push('-ex', `set index-cache directory ${cacheDir}`, '-ex', 'set index-cache enabled on');
    args.push('-ex', `file ${kernel}`, '-ex', 'info line cmdline_proc_show');
    const t0 = performance.now();
    execFileSync('gdb', args, { stdio: 'ignore' });
    return performance.now() - t0;
  };
  const idxDir = join(work, 'symload-index');
  const plain = []; const cold = []; const warm = [];
  for (let i = 0; i < RUNS; i++) {
    rmSync(idxDir, { recursive: true, force: true });
    plain.push(loadOnce(undefined));
    cold.push(loadOnce(idxDir));   // writes the cache, as the warm-up after a build does
    warm.push(loadOnce(idxDir));   // what F5 then pays
  }
  console.log(`symbol load (gdb -batch: file + info line): no cache ${fmt(median(plain))} ms, first load writing the cache ${fmt(median(cold))} ms, cache warm ${fmt(median(warm))} ms (${(median(warm) / median(plain)).toFixed(2)}x of no cache)`);

  // Activation, measured inside a real extension host (code-server) by the extension-host suite.
  const ui = spawnSync(process.execPath, [join(root, 'test/ui/run.mjs'), 'exthost'], { cwd: root, encoding: 'utf8' });
  const act = join(root, 'test-results/ui/exthost/activation-ms.txt');
  if (ui.status === 0 && existsSync(act)) console.log(`extension activation (module load to activate() done, code-server ${'1.100'} extension host): ${fmt(Number(readFileSync(act, 'utf8')))} ms`);
  else console.log(`activation not measured: the extension-host run failed:\n${(ui.stdout ?? '').slice(-800)}`);

  // Disassembly, memory, stack, data breakpoints against raw gdb/MI.
  console.log('');
  const { benchLowLevel } = await import('./benchLowLevel.mjs');
  await benchLowLevel({ runs: Math.max(RUNS, 5) });

  // Kernel data: a 1,000-entry list opened in Variables, against raw gdb's lx-ps.
  console.log('');
  const { benchKernelData } = await import('./benchKernelData.mjs');
  await benchKernelData({ runs: Math.max(RUNS, 5) });

  // Crash snapshots: save at a panic stop and open again, against raw gdb's gcore and core-file.
  console.log('');
  const { benchSnapshot } = await import('./benchSnapshot.mjs');
  await benchSnapshot({ runs: Math.min(RUNS, 3) });

  // Kernel traces: a 50-frame trace decoded with no session, cold and warm, against addr2line -i.
  console.log('');
  const { benchTrace } = await import('./benchTrace.mjs');
  await benchTrace({ runs: Math.min(RUNS, 3) });

  // The second target: a kernel in QEMU, launch -> stopped against raw gdb on QEMU's gdbstub.
  console.log('');
  const { benchQemu } = await import('./benchQemu.mjs');
  await benchQemu({ runs: Math.min(RUNS, 3) });

  // KUnit: discovery over the whole tree, edit -> result against kunit.py run.
  console.log('');
  const { benchKunit } = await import('./benchKunit.mjs');
  await benchKunit();

  // KUnit coverage: the coverage build, a run and its counts, against kunit.py run with coverage_uml.config.
  console.log('');
  const { benchCoverage } = await import('./benchCoverage.mjs');
  await benchCoverage();

  // The Kconfig language server: index time, memory, edit -> diagnostics, hover.
  console.log('');
  const { benchKconfig } = await import('./benchKconfig.mjs');
  await benchKconfig();

  // The Kconfig server against olddefconfig itself: 16 randconfig trees per kernel, seeds new each day.
  console.log('');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'ignore' });  // the oracle reads out/
  const { kconfigOracle } = await import('./kconfigOracle.mjs');
  const first = (Math.floor(Date.now() / 86400000) % 5000) * 16 + 1000;
  for (const version of ['6.1', '6.12']) {
    const tree = execFileSync('bash', [join(root, 'scripts', 'kunit-tree.sh'), version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
    const { wrong } = await kconfigOracle({ tree, version, seeds: 16, first, log: (l) => { if (/^kconfig oracle \d/.test(l.trim())) console.log(l.trim()); } });
    for (const w of wrong) console.log(`  ${w}`);
  }

  // The inner loop: edit, rebuild, stopped again, against raw make + raw gdb.
  console.log('');
  const { benchLoop } = await import('./benchLoop.mjs');
  await benchLoop({ runs: Math.min(RUNS, 3) });

  // What the user waits for in VS Code itself: F5 -> shell, cat -> stopped -> Variables.
  console.log('');
  const { benchUi } = await import('./benchUi.mjs');
  await benchUi({ runs: Math.min(RUNS, 3) });
} catch (e) {
  failed = true;
  console.error(`\nbench: failed to run: ${e.stack ?? e}`);
} finally {
  sweepAllSync();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
