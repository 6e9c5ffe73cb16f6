// Sources that are not where the kernel was built: a kernel reached through a symlinked tree, a
// kernel with its sources beside it in another directory, and an explicit sourceFileMap. In each
// case a breakpoint on the user's path binds, and the stop names the user's path.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launch, nextStop, topFrame, withSession } from '../support/dap';

let rootfs: string;
let tmp: string;
before(() => {
  testKernelDir();
  rootfs = makeRootfs('cat /proc/cmdline >/dev/null\npoweroff -f');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'srcmap-'));
});
after(() => { removeRootfs(rootfs); fs.rmSync(tmp, { recursive: true, force: true }); });

/** A directory with copies of the two source files the test needs (the tree itself is not copied). */
function sourcesIn(dir: string): string {
  for (const f of ['init/main.c', 'fs/proc/cmdline.c']) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    fs.copyFileSync(path.join(testKernelDir(), f), path.join(dir, f));
  }
  return dir;
}

async function stopsAt(tag: string, kernel: string, cmdlineC: string, extra: Record<string, unknown> = {}): Promise<string> {
  let said = '';
  await withSession(tag, async (dc, umid, out) => {
    const stopped = nextStop(dc);
    let verified: boolean | undefined;
    await launch(dc, kernel, { rootfs, umid, ...extra }, async () => {
      const r = await dc.setBreakpointsRequest({ source: { path: cmdlineC }, breakpoints: [{ line: 9 }] });
      verified = r.body.breakpoints[0].verified;
    });
    assert.strictEqual(verified, true, `the breakpoint on ${cmdlineC}:9 binds`);
    const ev = await stopped;
    const top = await topFrame(dc, ev.body.threadId!);
    assert.strictEqual(top.name, 'cmdline_proc_show');
    assert.strictEqual(top.source?.path, cmdlineC, 'the stop names the user\'s file');
    said = out.text();
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
  return said;
}

test('a kernel tree opened through a symlink: breakpoints and frames use the symlinked path', async () => {
  const link = path.join(tmp, 'linux-link');
  fs.symlinkSync(testKernelDir(), link);
  const said = await stopsAt('srcmap-link', path.join(link, 'linux'), path.join(link, 'fs', 'proc', 'cmdline.c'));
  assert.match(said, new RegExp(`Sources: ${testKernelDir()} is read from ${link} \\(kernel directory\\)`));
});

test('a kernel whose sources sit beside it in another directory (a moved tree) is mapped there', async () => {
  const moved = sourcesIn(path.join(tmp, 'moved'));
  fs.symlinkSync(testKernel(), path.join(moved, 'linux'));
  const said = await stopsAt('srcmap-moved', path.join(moved, 'linux'), path.join(moved, 'fs', 'proc', 'cmdline.c'));
  assert.match(said, /Sources: .* is read from .*moved \(kernel directory\)/);
});

test('sourceFileMap maps the compiled-in directory to the given one', async () => {
  const elsewhere = sourcesIn(path.join(tmp, 'elsewhere'));
  const said = await stopsAt('srcmap-map', testKernel(), path.join(elsewhere, 'fs', 'proc', 'cmdline.c'), { sourceFileMap: { [testKernelDir()]: elsewhere } });
  assert.match(said, /Sources: .* is read from .*elsewhere \(sourceFileMap\)/);
});
