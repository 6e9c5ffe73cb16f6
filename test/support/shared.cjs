// What the TypeScript tests and the .mjs tools (scripts/ bench and demo, test/ui) each wrote
// again before: the processes of a UML instance (or of anything whose command line carries a
// word), a busybox root filesystem with an /init, waiting for a state, a median.
// CommonJS and plain JavaScript, so that both load this one file as it is: the .mjs files import
// it, the compiled tests require it through shared.ts (tsc does not copy it to out/). Types:
// shared.d.cts.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

// ---------------------------------------------------------------------------------------------
// Processes, from /proc.

/** Every process but this one. */
function pids() {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => p !== process.pid);
}

/** /proc/<pid>/<file>, or '' when the process is gone. */
function readProc(pid, file) {
  try { return fs.readFileSync(`/proc/${pid}/${file}`, 'latin1'); } catch { return ''; }
}

/** A process's argv; [] when it is gone or a zombie. */
function argvOf(pid) {
  return readProc(pid, 'cmdline').split('\0').filter((s) => s.length);
}

/** The state letter and parent pid from /proc/<pid>/stat (after the comm, which may hold ')'). */
function statOf(pid) {
  const s = readProc(pid, 'stat');
  if (!s) return undefined;
  const [state, ppid] = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}

function parentOf(pid) { return statOf(pid)?.ppid; }

function isAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** Live processes (no zombies, not this one) whose argv passes `test`. */
function processesWhere(test) {
  return pids().filter((p) => test(argvOf(p), p) && statOf(p)?.state !== 'Z');
}

/**
 * Every host process of a UML instance: the kernel, its helpers and the guest's processes all
 * run the kernel binary with the same argv, which carries umid=<umid> after argv[0].
 */
function umidProcesses(umid) {
  const want = `umid=${umid}`;
  return processesWhere((argv) => argv.slice(1).includes(want));
}

function childrenOf(pid) {
  return pids().filter((p) => parentOf(p) === pid);
}

function killPids(list, signal = 'SIGKILL') {
  for (const p of list) { try { process.kill(p, signal); } catch { /* gone */ } }
}

/**
 * Kills every process of the instance, again while a pass finds one (a guest process forked
 * during a pass escapes it), and removes <umlDir>/<umid>. Returns the pids killed.
 */
function killUmid(umid, umlDir = path.join(os.homedir(), '.uml')) {
  const killed = new Set();
  for (let round = 0; round < 10; round++) {
    const found = umidProcesses(umid);
    if (!found.length) break;
    killPids(found);
    for (const p of found) killed.add(p);
  }
  fs.rmSync(path.join(umlDir, umid), { recursive: true, force: true });
  return [...killed];
}

// ---------------------------------------------------------------------------------------------
// Root filesystems.

function busybox() {
  const found = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  if (!found) throw new Error('busybox not found: apt-get install busybox-static');
  return found;
}

/**
 * A hostfs root with busybox whose /init installs the applets as links in /bin (not with
 * `install: false`, which saves a boot some 25 ms: the script then calls /bin/busybox <applet>),
 * mounts /proc (and /sys with `sysfs`), then runs `script`. In `dir` (made if missing), else in a
 * new temp dir named `prefix`...; returns the root's path.
 */
function makeBusyboxRoot(script, { dir, sysfs = false, install = true, prefix = 'uml-rootfs-' } = {}) {
  const root = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const d of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.copyFileSync(busybox(), path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  const bb = install ? '' : '/bin/busybox ';
  const setup = `${install ? '/bin/busybox --install -s /bin\n' : ''}${bb}mount -t proc proc /proc\n${sysfs ? `${bb}mount -t sysfs sys /sys\n` : ''}`;
  fs.writeFileSync(path.join(root, 'init'), `#!/bin/busybox sh\n${setup}${script}\n`, { mode: 0o755 });
  return root;
}

/** A BusyBox initramfs (newc cpio, gzip) whose /init runs `script`: a file in a temp dir of its own (remove its directory). */
function makeInitramfs(script) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qemu-initramfs-'));
  const root = makeBusyboxRoot(script, { dir: path.join(dir, 'root') });
  const list = ['.', 'bin', 'bin/busybox', 'proc', 'sys', 'dev', 'init'].join('\n') + '\n';
  const cpio = require('child_process').execFileSync('cpio', ['-o', '-H', 'newc', '--quiet', '-R', '0:0'], { cwd: root, input: list, maxBuffer: 64 << 20 });
  const file = path.join(dir, 'initramfs.cpio.gz');
  fs.writeFileSync(file, require('zlib').gzipSync(cpio));
  fs.rmSync(root, { recursive: true, force: true });
  return file;
}

// ---------------------------------------------------------------------------------------------
// Waiting for a state, not for a moment.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn every `every` ms until it returns a truthy value (resolved to) or `ms` pass (then its last, falsy, value). */
async function pollUntil(fn, ms, every = 500) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await sleep(every);
  }
}

/** pollUntil, but fn may throw meanwhile, and running out of time throws `what` (with fn's last error). */
async function waitUntil(what, fn, ms, every = 500) {
  let last;
  const v = await pollUntil(async () => { try { return await fn(); } catch (e) { last = e; return undefined; } }, ms, every);
  if (v) return v;
  throw new Error(`${what}: not after ${(ms / 1000).toFixed(0)} s${last ? ` (last error: ${String(last.message ?? last).split('\n')[0]})` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// Numbers.

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

module.exports = {
  pids, readProc, argvOf, parentOf, isAlive, processesWhere, umidProcesses, childrenOf, killPids, killUmid,
  busybox, makeBusyboxRoot, makeInitramfs,
  sleep, pollUntil, waitUntil,
  median,
};
