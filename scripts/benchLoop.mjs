#!/usr/bin/env node
// The benchmark's loop stage: save -> stopped at the same breakpoint after a rebuild, on a scratch
// copy of the test kernel's tree. Raw: `make ARCH=um linux`, then gdb (a hand-written gdbinit)
// from spawn to the breakpoint. Ours: the "uml: linux (if changed)" task's process (the change
// check, then the same make), then the adapter from its launch request to `stopped` (it fills
// gdb's index cache for the new build-id first). Target: ours within make's own time + 1.0 s.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { killUmid, makeBusyboxRoot, median } from '../test/support/shared.cjs';
import { adapterLaunchToStop } from './adapterStop.mjs';

const root = new URL('..', import.meta.url).pathname;
const FUNC = 'cmdline_proc_show';


function timeMs(cmd, args, cwd, said = {}) {
  const t = performance.now();
  said.out = execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, encoding: 'utf8' });
  return performance.now() - t;
}

function rawGdb(tree, rootfs, umid) {
  const file = join(tmpdir(), `bench-loop-gdbinit-${umid}`);
  writeFileSync(file, [`file ${join(tree, 'linux')}`, ...['SIGSEGV', 'SIGUSR1', 'SIGIO', 'SIGALRM', 'SIGWINCH'].map((s) => `handle ${s} nostop noprint pass`),
    `set args mem=128M umid=${umid} root=/dev/root rootfstype=hostfs hostfs=${rootfs} rw init=/init con=null ssl=null con0=null,fd:1`,
    `break ${FUNC}`, 'run', 'kill', ''].join('\n'));
  const t0 = performance.now();
  const gdb = spawn('gdb', ['-batch', '-nx', '-x', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`raw gdb: no breakpoint within 60 s:\n${out.slice(-2000)}`)), 60000);
    gdb.stdout.on('data', (d) => { out += d; if (new RegExp(`Breakpoint \\d+, ${FUNC}`).test(out)) { clearTimeout(timer); resolve(performance.now() - t0); } });
    gdb.on('exit', () => { clearTimeout(timer); reject(new Error(`raw gdb exited before the breakpoint:\n${out.slice(-2000)}`)); });
  }).finally(() => { killUmid(umid); gdb.kill('SIGKILL'); killUmid(umid); rmSync(file, { force: true }); });
}

const adapterToStop = (tree, rootfs, umid) => adapterLaunchToStop({ kernel: join(tree, 'linux'), rootfs, init: '/init', console: 'internalConsole', mem: '128M', umid }, FUNC, () => killUmid(umid));

export async function benchLoop({ runs = 2, log = console.log } = {}) {
  const source = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const work = mkdtempSync(join(tmpdir(), 'bench-loop-'));
  const tree = join(work, 'linux');
  try {
    execFileSync('cp', ['-a', source, tree]);
    const rootfs = makeBusyboxRoot('/bin/busybox cat /proc/cmdline\n/bin/busybox sleep 600', { dir: join(work, 'rootfs'), install: false });
    const file = join(tree, 'fs/proc/cmdline.c');
    const original = readFileSync(file, 'utf8');
    const make = ['ARCH=um', 'SUBARCH=x86_64', `-j${cpus().length}`, 'linux'];
    let n = 0;
    const save = () => writeFileSync(file, `${original}/* bench edit ${n++} */\n`);
    const rows = [];
    for (let i = 0; i < runs * 2; i++) {
      // Raw and ours take turns going first: the first build after a pause tends to be slower.
      const row = rows[Math.floor(i / 2)] ?? (rows[Math.floor(i / 2)] = {});
      save();
      if ((i + Math.floor(i / 2)) % 2 === 0) {
        row.m = timeMs('make', make, tree);
        row.g = await rawGdb(tree, rootfs, `bench-loop-raw-${process.pid}-${i}`);
      } else {
        const said = {};
        row.b = timeMs(process.execPath, [join(root, 'dist/buildIfChanged.js'), tree, join(tree, 'linux'), '--', 'make', ...make], tree, said);
        row.w = Number(/\((\d+) ms\)/.exec(said.out)?.[1] ?? NaN);  // the change check's own walk
        row.a = await adapterToStop(tree, rootfs, `bench-loop-ours-${process.pid}-${i}`);
        // The same kernel again, its index now cached: what a stop costs on an unchanged kernel.
        row.u = await adapterToStop(tree, rootfs, `bench-loop-same-${process.pid}-${i}`);
      }
    }
    const med = (k) => median(rows.map((r) => r[k]));
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    const over = med('a');  // what F5 adds to make: the adapter's launch to the stop on the new kernel
    log(`loop (edit fs/proc/cmdline.c, rebuild, stop at ${FUNC}; medians of ${runs}, ${cpus().length} CPUs):`);
    log(`  raw:  make ${s(med('m'))} + gdb to the breakpoint ${s(med('g'))} = ${s(med('m') + med('g'))}`);
    log(`  F5 with "rebuild" (the window knows the saved file, no walk): make + the adapter's launch to stopped ${s(over)} (the new build-id's index is filled first; ${s(med('u'))} on the unchanged kernel)`);
    log(`  save -> stopped: make's own time + ${s(over)} (target + 1.00 s: ${over <= 1000 ? 'met' : 'missed'}); against raw make + raw gdb: ${over <= med('g') ? '' : '+'}${s(over - med('g'))}`);
    log(`  the "uml: linux (if changed)" task: its walk of the tree ${med('w').toFixed(0)} ms before make (make alone took ${s(med('b') - med('w'))} in that run)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLoop();
