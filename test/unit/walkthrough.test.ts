// The walkthrough's checks: host tools with the packages that have them, and where a tree stands
// (kernel tree, .config for debugging, a kernel built after it, a root filesystem).
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hostTools, installCommand, kernelSourceTarballs, treeState } from '../../src/walkthrough/checks';
import { REQUIREMENTS } from '../../src/kconfig/doctor';

test('host tools: each missing one names its Debian package; the install line has each package once', () => {
  const have = new Set(['gdb', 'gcc', 'make', 'python3']);
  const tools = hostTools((p) => p === '/bin/busybox', (n) => (have.has(n) ? `/usr/bin/${n}` : undefined));
  const missing = tools.filter((t) => !t.found);
  assert.deepStrictEqual(missing.map((t) => `${t.what}:${t.pkg}`), ['flex:flex', 'bison:bison', 'bc:bc', 'libelf headers:libelf-dev']);
  assert.deepStrictEqual(installCommand(missing, false), ['sudo', 'apt-get', 'install', '-y', 'flex', 'bison', 'bc', 'libelf-dev']);
  assert.deepStrictEqual(installCommand(tools.filter((t) => t.pkg === 'build-essential'), true), ['apt-get', 'install', '-y', 'build-essential']);
});

test('a tree, step by step: not a kernel tree, then no .config, then configured, built, with a root filesystem', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-wt-'));
  const other = path.join(root, 'notes');
  const tree = path.join(root, 'linux');
  try {
    fs.mkdirSync(other);
    assert.deepStrictEqual(treeState([other]), { configured: false, configMissing: [], built: false, rootfs: false });
    fs.mkdirSync(path.join(tree, 'arch', 'um'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'arch', 'um', 'Kconfig'), '');
    assert.strictEqual(treeState([other, tree]).kernelTree, tree);
    assert.strictEqual(treeState([tree]).configured, false);

    fs.writeFileSync(path.join(tree, '.config'), 'CONFIG_HOSTFS=y\n');
    assert.strictEqual(treeState([tree]).configured, false);
    assert.ok(treeState([tree]).configMissing.includes('CONFIG_MCONSOLE'));
    fs.writeFileSync(path.join(tree, '.config'), REQUIREMENTS.filter((r) => r.want === 'y').map((r) => `CONFIG_${r.option}=y`).join('\n') + '\n');
    assert.strictEqual(treeState([tree]).configured, true);

    const old = new Date(Date.now() - 60000);
    fs.writeFileSync(path.join(tree, 'linux'), '');
    fs.utimesSync(path.join(tree, 'linux'), old, old);
    assert.strictEqual(treeState([tree]).built, false, 'a kernel older than its .config is not built yet');
    fs.utimesSync(path.join(tree, 'linux'), new Date(), new Date());
    assert.strictEqual(treeState([tree]).built, true);

    fs.mkdirSync(path.join(tree, 'rootfs', 'sbin'), { recursive: true });
    assert.strictEqual(treeState([tree]).rootfs, false);
    fs.writeFileSync(path.join(tree, 'rootfs', 'sbin', 'init'), '');
    assert.strictEqual(treeState([tree]).rootfs, true);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('kernel source packages in /usr/src, newest first; other files ignored', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-src-'));
  try {
    for (const n of ['linux-source-6.1.tar.xz', 'linux-source-6.12.tar.xz', 'linux-config-6.12', 'linux-source-5.10.tar.bz2', 'python3.11']) fs.writeFileSync(path.join(dir, n), '');
    assert.deepStrictEqual(kernelSourceTarballs(dir).map((p) => path.basename(p)), ['linux-source-6.12.tar.xz', 'linux-source-6.1.tar.xz', 'linux-source-5.10.tar.bz2']);
    assert.deepStrictEqual(kernelSourceTarballs(path.join(dir, 'none')), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
