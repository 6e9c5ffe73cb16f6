// Root filesystem recipes, each booted with the test kernel and proven with a command in the guest.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { execa } from 'execa';
import { testKernel, testKernelDir } from '../support/testKernel';
import { uniqueUmid, waitGone } from '../support/dap';
import { createRootfs, RootfsResult } from '../../src/rootfs/create';
import { RecipeContext, checkSpace, need } from '../../src/rootfs/common';
import { hostAptDefaults } from '../../src/rootfs/distro';
import { umidProcesses } from '../../src/uml/host';
import { pollUntil, sleep } from '../support/shared';

let work: string;
before(() => {
  testKernelDir();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'uml-rootfs-test-'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

function ctx(signal?: AbortSignal): RecipeContext & { steps: string[]; logText: () => string } {
  const steps: string[] = [];
  let log = '';
  return { steps, logText: () => log, log: (t) => { log += t; }, step: (s) => steps.push(s), signal };
}

/**
 * Boots a root filesystem on the console (stdin/stdout), waits for `ready`, types `input`
 * (line by line, each after its prompt regexp if given), and returns all output once the
 * guest has halted.
 */
async function boot(r: RootfsResult, ready: RegExp, input: Array<[RegExp, string]>, extra: string[] = [], ms = 120000): Promise<string> {
  const umid = uniqueUmid('rootfs');
  const root = r.kind === 'hostfs' ? ['root=/dev/root', 'rootfstype=hostfs', `hostfs=${r.rootfs}`, 'rw'] : [`ubd0=${r.rootfs}`, 'root=/dev/ubda', 'rw'];
  const p = spawn(testKernel(), ['mem=256M', `umid=${umid}`, ...root, ...(r.init ? [`init=${r.init}`] : []), 'con=null', 'ssl=null', 'con0=fd:0,fd:1', ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((res) => p.on('exit', () => res()));
  const until = async (re: RegExp, from: number) => {
    let seen = false;
    await pollUntil(() => (seen = re.test(out.slice(from))) || p.exitCode !== null, ms, 100);
    if (!seen) throw new Error(`guest never printed ${re}:\n${out.slice(-3000)}`);
  };
  try {
    await until(ready, 0);
    for (const [prompt, line] of input) {
      await until(prompt, 0);
      await sleep(300);
      p.stdin!.write(`${line}\n`);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`guest did not halt:\n${out.slice(-2000)}`)), ms); })]);
    clearTimeout(timer);
  } finally {
    for (const pid of umidProcesses(umid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(path.join(os.homedir(), '.uml', umid), { recursive: true, force: true });
  }
  assert.deepStrictEqual(await waitGone(umid), []);
  return out;
}

const PROVE = 'echo HOST=$(hostname); grep -c "^proc /proc" /proc/mounts; sleep 1 & jobs; poweroff -f';

test('BusyBox recipe, directory: boots to a shell with /proc mounted and job control', async () => {
  const c = ctx();
  const r = await createRootfs({ recipe: 'busybox', target: path.join(work, 'bb'), output: 'dir', hostname: 'bbdir' }, c);
  assert.deepStrictEqual(r, { rootfs: path.join(work, 'bb'), kind: 'hostfs', init: '/init' });
  assert.ok(c.steps.length >= 3);
  const out = await boot(r, /root filesystem is up/, [[/bbdir:\/\S*[#$] /, PROVE]]);
  assert.match(out, /HOST=bbdir/);
  assert.match(out, /^1\r?$/m);
  assert.match(out, /\[1\]\+\s+Running\s+sleep 1/);
});

test('BusyBox recipe, ext4 image made without root: boots from ubd0', async () => {
  const r = await createRootfs({ recipe: 'busybox', target: path.join(work, 'bb.img'), output: 'image', hostname: 'bbimg' }, ctx());
  assert.strictEqual(r.kind, 'image');
  assert.ok(fs.statSync(r.rootfs).size >= 64 << 20);
  assert.deepStrictEqual(fs.readdirSync(work).filter((n) => n.startsWith('.uml-rootfs-')), [], 'the staging tree is gone');
  const out = await boot(r, /root filesystem is up/, [[/bbimg:\/\S*[#$] /, `${PROVE.replace('poweroff -f', '')} grep -c "^/dev/root / ext4" /proc/mounts; poweroff -f`]]);
  assert.match(out, /HOST=bbimg/);
  assert.match(out, /EXT4-fs \(ubda\): mounted/);
});

test('tarball recipe: unpacks a tarball, applies the UML fix-ups, boots', async () => {
  const src = path.join(work, 'src');
  await createRootfs({ recipe: 'busybox', target: src, output: 'dir' }, ctx());
  // A distribution-like tree: an inittab and a shadow file for the fix-ups to adjust.
  fs.writeFileSync(path.join(src, 'etc', 'shadow'), 'root:*:19000:0:99999:7:::\n');
  fs.writeFileSync(path.join(src, 'etc', 'inittab'), '::sysinit:/bin/true\n');
  const tarball = path.join(work, 'rootfs.tar.gz');
  await execa('tar', ['-czf', tarball, '-C', src, '.']);
  const r = await createRootfs({ recipe: 'tarball', source: tarball, target: path.join(work, 'from-tar'), output: 'dir', hostname: 'fromtar' }, ctx());
  const etc = (f: string) => fs.readFileSync(path.join(r.rootfs, 'etc', f), 'utf8');
  assert.match(etc('fstab'), /^\/dev\/root \/ auto/m);
  assert.strictEqual(etc('hostname'), 'fromtar\n');
  assert.match(etc('shadow'), /^root::19000/m);
  assert.match(etc('inittab'), /^tty0::respawn:\/sbin\/getty 38400 tty0$/m);
  const out = await boot({ ...r, init: '/init' }, /root filesystem is up/, [[/fromtar:\/\S*[#$] /, PROVE]]);
  assert.match(out, /HOST=fromtar/);
});

test('bad inputs give clear errors and touch nothing', async () => {
  const full = path.join(work, 'full');
  fs.mkdirSync(full);
  fs.writeFileSync(path.join(full, 'precious.txt'), 'keep me');
  await assert.rejects(createRootfs({ recipe: 'busybox', target: full, output: 'dir' }, ctx()), /exists and is not empty: choose a new or empty folder/);
  assert.strictEqual(fs.readFileSync(path.join(full, 'precious.txt'), 'utf8'), 'keep me');
  await assert.rejects(createRootfs({ recipe: 'busybox', target: path.join(full, 'precious.txt'), output: 'image' }, ctx()), /exists: choose a new image file name/);
  await assert.rejects(createRootfs({ recipe: 'tarball', source: path.join(work, 'nope.tar'), target: path.join(work, 't2'), output: 'dir' }, ctx()), /Tarball not found/);
  assert.ok(!fs.existsSync(path.join(work, 't2')), 'a failed recipe removes the folder it created');
  await assert.rejects(createRootfs({ recipe: 'busybox', target: path.join(work, 'x.img'), output: 'image', imageSize: 'huge' }, ctx()), /not a size like 512M/);
  assert.throws(() => need('uml-no-such-tool', 'some-package'), /uml-no-such-tool not found: install it with apt-get install some-package/);
  assert.throws(() => checkSpace(work, 2 ** 60), /Not enough space on the disk of .*: need about \d+ MB, \d+ MB free/);
});

test('cancelling a running recipe leaves nothing behind', async () => {
  const target = path.join(work, 'cancelled');
  const ac = new AbortController();
  const c = ctx(ac.signal);
  const { mirror, suite } = hostAptDefaults();
  const running = createRootfs({ recipe: 'debian', target, output: 'dir', suite, mirror }, c);
  // Cancel once debootstrap is under way (it has started writing the target).
  await pollUntil(() => fs.existsSync(target) && fs.readdirSync(target).length, 60000, 100);
  ac.abort();
  await assert.rejects(running, /Cancelled/);
  assert.ok(!fs.existsSync(target), 'the partial root filesystem is removed');
  const left = (await execa('pgrep', ['-f', `debootstrap.*${target}`], { reject: false })).stdout.trim();
  assert.strictEqual(left, '', 'no debootstrap left running');
});

test('Debian recipe: a real debootstrap minbase boots to a login and a shell', async () => {
  const { mirror, suite } = hostAptDefaults();
  const c = ctx();
  const r = await createRootfs({ recipe: 'debian', target: path.join(work, 'debian'), output: 'dir', suite, mirror, hostname: 'debuml' }, c);
  assert.strictEqual(r.kind, 'hostfs');
  assert.match(c.logText(), /Base system installed successfully/);
  const out = await boot(r, /debuml login:/, [
    [/debuml login:/, 'root'],
    [/root@debuml:~# /, 'echo INIT=$(cat /proc/1/comm) OS=$(. /etc/os-release; echo $ID); poweroff -f'],
  ], [], 240000);
  assert.match(out, /INIT=init OS=debian/);
});
