// The second target's figures: a kernel in QEMU (software emulation, the x86_64 test kernel of
// scripts/qemu-kernel.sh), launch -> stopped at cmdline_proc_show when the guest reads
// /proc/cmdline. Ours: the adapter's launch with a "qemu" block (it starts QEMU, connects, sets
// the breakpoint, continues). Raw: QEMU started by hand (-S, gdbstub) and `gdb -batch -nx` with
// `target remote`, `break`, `continue` (the guest booted with nokaslr, as by hand and as the
// adapter does: the vmlinux's addresses are the running ones), timed from the two spawns to
// gdb's "Breakpoint N" line.
// Same initramfs, same kernel, same run; medians of `runs`.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeInitramfs, median, processesWhere, killPids } from '../test/support/shared.cjs';
import { adapterLaunchToStop } from './adapterStop.mjs';

const root = new URL('..', import.meta.url).pathname;
const FUNC = 'cmdline_proc_show';
const TARGET = 1.2;  // ours against raw gdb on the same gdbstub

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** QEMU processes of this run (their command line carries the initramfs). */
const qemuOf = (initrd) => processesWhere((argv) => argv.includes(initrd));

const ours = (tree, initrd) => adapterLaunchToStop({ kernel: join(tree, 'vmlinux'), console: 'internalConsole', qemu: { kernel: join(tree, 'arch/x86/boot/bzImage'), initrd, append: 'console=ttyS0' } },
  FUNC, () => killPids(qemuOf(initrd), 'SIGKILL'));

async function raw(tree, initrd) {
  const port = await freePort();
  const t0 = performance.now();
  // The arguments the adapter gives QEMU (src/targets/qemu/qemuArgs.ts), written out by hand.
  const qemu = spawn('qemu-system-x86_64', ['-kernel', join(tree, 'arch/x86/boot/bzImage'), '-initrd', initrd, '-append', 'console=ttyS0 nokaslr', '-m', '256M',
    '-accel', 'tcg', '-display', 'none', '-monitor', 'none', '-no-reboot', '-serial', 'stdio', '-gdb', `tcp:127.0.0.1:${port}`, '-S'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const gdb = spawn('gdb', ['-batch', '-nx', '-ex', `file ${join(tree, 'vmlinux')}`, '-ex', `target remote 127.0.0.1:${port}`, '-ex', `break ${FUNC}`, '-ex', 'continue'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw gdb: no breakpoint within 120 s:\n${out.slice(-2000)}`)), 120000);
      const seen = (d) => { out += d; if (new RegExp(`Breakpoint \\d+, ${FUNC}`).test(out)) { clearTimeout(timer); resolve(performance.now() - t0); } };
      gdb.stdout.on('data', seen);
      gdb.stderr.on('data', (d) => { out += d; });
      gdb.on('exit', () => { clearTimeout(timer); reject(new Error(`raw gdb exited before the breakpoint:\n${out.slice(-2000)}`)); });
    });
  } finally {
    gdb.kill('SIGKILL');
    qemu.kill('SIGKILL');
    killPids(qemuOf(initrd), 'SIGKILL');
  }
}

export async function benchQemu({ runs = 3, log = console.log } = {}) {
  const tree = execFileSync('bash', [join(root, 'scripts/qemu-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const initrd = makeInitramfs('cat /proc/cmdline\nreboot -f');
  try {
    await ours(tree, initrd);  // untimed: gdb's index cache learns this vmlinux
    await raw(tree, initrd);   // untimed: the page cache for the raw side
    const o = [];
    const r = [];
    for (let i = 1; i <= runs; i++) {
      o.push(await ours(tree, initrd));
      r.push(await raw(tree, initrd));
      log(`qemu run ${i}/${runs}: ours launch->stopped ${Math.round(o[i - 1])} ms | raw gdb ${Math.round(r[i - 1])} ms`);
    }
    const ratio = median(o) / median(r);
    log(`QEMU (tcg), launch -> stopped at ${FUNC}: ours ${Math.round(median(o))} ms, raw gdb on the gdbstub ${Math.round(median(r))} ms, ratio ${ratio.toFixed(2)} (target <= ${TARGET}) ${ratio <= TARGET ? 'OK' : 'MISS'}`);
    return { ours: median(o), raw: median(r) };
  } finally {
    rmSync(dirname(initrd), { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchQemu();
