// The stale-kernel check: a .config newer than the kernel, or sources saved after it was built.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SavedSources, kernelStaleness, staleness } from '../../src/launchConfig/staleness';

test('stale when the .config or saved sources are newer than the kernel, not otherwise', () => {
  const k = { file: '/t/linux', mtimeMs: 1000 };
  assert.strictEqual(staleness(k, { file: '/t/.config', mtimeMs: 900 }, [{ file: '/t/fs/a.c', mtimeMs: 999 }]), undefined);
  assert.strictEqual(staleness(k, { file: '/t/.config', mtimeMs: 1001 }, []), '.config changed after linux was built');
  assert.strictEqual(staleness(k, undefined, [{ file: '/t/fs/proc/cmdline.c', mtimeMs: 1500 }]), 'cmdline.c changed after linux was built');
  assert.strictEqual(staleness(k, undefined, ['a', 'b', 'c', 'd'].map((n) => ({ file: `/t/${n}.c`, mtimeMs: 2000 }))), '4 files (a.c, b.c, c.c, ...) changed after linux was built');
});

test('on real files: saving a source under the kernel\'s tree after the build makes it stale; other files do not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stale-'));
  try {
    const old = new Date(Date.now() - 60000);
    for (const f of ['linux', '.config']) { fs.writeFileSync(path.join(dir, f), ''); fs.utimesSync(path.join(dir, f), old, old); }
    const saved = new SavedSources();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    saved.note(path.join(dir, 'notes.txt'));
    saved.note('/elsewhere/x.c');
    assert.strictEqual(kernelStaleness(path.join(dir, 'linux'), saved), undefined);
    fs.mkdirSync(path.join(dir, 'fs'));
    fs.writeFileSync(path.join(dir, 'fs', 'cmdline.c'), 'int x;');
    saved.note(path.join(dir, 'fs', 'cmdline.c'));
    assert.strictEqual(kernelStaleness(path.join(dir, 'linux'), saved), 'cmdline.c changed after linux was built');
    // A build that succeeded without relinking (make found the file outside the kernel): settled,
    // so F5 does not build again; a save after that build started counts again.
    saved.settle(fs.realpathSync(path.join(dir, 'linux')), Date.now() + 1000);
    assert.strictEqual(kernelStaleness(path.join(dir, 'linux'), saved), undefined);
    saved.settle(fs.realpathSync(path.join(dir, 'linux')), Date.now() - 30000);
    assert.strictEqual(kernelStaleness(path.join(dir, 'linux'), saved), 'cmdline.c changed after linux was built');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
