// Finding a loaded module's .ko on the host without configuration: next to breakpoint sources,
// in an M= build's modules.order, in the hostfs root (bounded, cached walk), the kernel build
// directory; what the user is told when none has it.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ModuleLocator, findBesideSources, indexDir, installedModules, moduleKey, modulesOrder } from '../../src/debug/moduleFiles';

let tmp: string;
const put = (rel: string, text = '') => { const p = path.join(tmp, rel); fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); return p; };
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-modfiles-')); });
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('module names and file names compare with - and _ alike', () => {
  assert.strictEqual(moduleKey('snd-hda-intel.ko'), 'snd_hda_intel');
  assert.strictEqual(moduleKey('barmod'), 'barmod');
});

test('modules.order: 6.1 lists .ko, later kernels .o; relative or absolute; listed files that do not exist are not found', () => {
  put('order/sub/a-b.ko');
  put('order/c.ko');
  put('order/modules.order', `sub/a-b.o\n${path.join(tmp, 'order', 'c.ko')}\nmissing.o\n`);
  const m = modulesOrder(path.join(tmp, 'order'));
  assert.deepStrictEqual([...m], [['a_b', path.join(tmp, 'order/sub/a-b.ko')], ['c', path.join(tmp, 'order/c.ko')]]);
  assert.strictEqual(modulesOrder(path.join(tmp, 'nowhere')).size, 0);
});

test('next to breakpoint sources: the source\'s directory, or the modules.order of an M= build above it', () => {
  const src = put('oot/barmod.c');
  const ko = put('oot/barmod.ko');
  assert.strictEqual(findBesideSources('barmod', [src]), ko);
  const nested = put('mbuild/src/core/main.c');
  const built = put('mbuild/foo-drv.ko');
  put('mbuild/modules.order', 'foo-drv.o\n');
  assert.strictEqual(findBesideSources('foo_drv', [nested]), built);
  assert.strictEqual(findBesideSources('other', [src, nested]), undefined);
});

test('a directory walk is bounded, skips the guest\'s virtual file systems, and says when it was cut short', async () => {
  put('root/lib/modules/6.12/kernel/x/y/deep.ko');
  put('root/proc/hidden.ko');
  for (let i = 0; i < 5; i++) put(`root/etc/f${i}`);
  const full = await indexDir(path.join(tmp, 'root'), { maxEntries: 1000, maxDepth: 10, now: 0 });
  assert.deepStrictEqual([...full.files.keys()], ['deep']);
  assert.strictEqual(full.truncated, false);
  const cut = await indexDir(path.join(tmp, 'root'), { maxEntries: 2, maxDepth: 10, now: 0 });
  assert.strictEqual(cut.truncated, true);
});

test('installed modules from lib/modules/R/modules.dep (compressed ones are no use to gdb); a kernel build without modules.order is not walked', async () => {
  put('inst/lib/modules/6.12.0/modules.dep', 'kernel/drivers/net/e1000.ko: kernel/lib/crc.ko\nkernel/lib/crc.ko:\nkernel/fs/xz.ko.xz:\n');
  const m = installedModules(path.join(tmp, 'inst'));
  assert.deepStrictEqual([...m], [['e1000', path.join(tmp, 'inst/lib/modules/6.12.0/kernel/drivers/net/e1000.ko')], ['crc', path.join(tmp, 'inst/lib/modules/6.12.0/kernel/lib/crc.ko')]]);
  put('kbuild/.config');
  put('kbuild/vmlinux');
  put('kbuild/drivers/stray.ko');
  assert.strictEqual((await indexDir(path.join(tmp, 'kbuild'), { maxEntries: 1000, maxDepth: 10, now: 0 })).files.size, 0);
});

test('the locator: moduleSearchPath first, then beside sources, the root filesystem, the build directory', async () => {
  const build = path.join(tmp, 'build');
  put('build/modules.order', 'drivers/intree.o\n');
  const intree = put('build/drivers/intree.ko');
  const rootfs = path.join(tmp, 'hostfs');
  const guestCopy = put('hostfs/barmod.ko');
  const src = put('work/barmod.c');
  const beside = put('work/barmod.ko');
  const named = put('named/barmod.ko');
  let sources: string[] = [];
  const loc = (configured: string[]) => new ModuleLocator({ configured, buildDir: build, rootfs, sources: () => sources });
  assert.strictEqual((await loc([]).find('intree')).file, intree);
  assert.strictEqual((await loc([]).find('barmod')).file, guestCopy, 'no breakpoints: the hostfs root has it');
  sources = [src];
  assert.strictEqual((await loc([]).find('barmod')).file, beside);
  assert.strictEqual((await loc([path.join(tmp, 'named')]).find('barmod')).file, named);
});

test('a missing .ko: where it was looked for, in order; a .ko copied in later is found after the re-walk interval', async () => {
  const rootfs = path.join(tmp, 'later-root');
  fs.mkdirSync(rootfs);
  const build = path.join(tmp, 'later-build');
  fs.mkdirSync(build);
  let now = 0;
  const loc = new ModuleLocator({ configured: [], buildDir: build, rootfs, sources: () => [path.join(tmp, 'src-dir', 'x.c')], now: () => now, rewalkMs: 5000 });
  const miss = await loc.find('latemod');
  assert.strictEqual(miss.file, undefined);
  assert.strictEqual(miss.where, `next to the breakpoints' sources (${path.join(tmp, 'src-dir')}), the root filesystem (${rootfs}), the kernel build directory (${build})`);
  assert.deepStrictEqual(loc.searched(), [path.join(tmp, 'src-dir'), rootfs, build]);
  const ko = put('later-root/lib/latemod.ko');
  now = 1000;
  assert.strictEqual((await loc.find('latemod')).file, undefined, 'within the interval: the cached walk answers');
  now = 6000;
  assert.strictEqual((await loc.find('latemod')).file, ko);
  const none = new ModuleLocator({ configured: [], buildDir: build, sources: () => [] });
  assert.match((await none.find('x')).where, /^next to breakpoint sources \(none set\), the kernel build directory/);
});
