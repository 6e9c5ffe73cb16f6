// The XSAVE host fix on real parts: the patch on both Debian kernel sources (as the extension
// previews it), the host's real XSAVE size through ptrace, and the patched test kernel.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execa } from 'execa';
import { ROOT, testKernel, testKernelDir, testKernelVersion, makeRootfs, removeRootfs } from '../support/testKernel';
import { withSession, launch } from '../support/dap';
import { PATCH_FILE, PATCHED_SOURCE, UML_FP_BUFFER, classifySource, hostTooLarge, previewPatchArgs } from '../../src/hostcompat/xsave';
import { hostXsave, kernelFpCode, xsaveCheck } from '../../src/hostcompat/hostXsave';

for (const version of ['6.1', '6.12']) {
  test(`the patch applies without fuzz to Debian's linux-source-${version} and yields the patched code`, async () => {
    const tarball = `/usr/src/linux-source-${version}.tar.xz`;
    assert.ok(fs.existsSync(tarball), `${tarball} missing: apt-get install linux-source-${version}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsave-src-'));
    try {
      const member = `linux-source-${version}/${PATCHED_SOURCE}`;
      await execa('tar', ['-xJf', tarball, '-C', dir, member]);
      const source = path.join(dir, member);
      const before = fs.readFileSync(source, 'utf8');
      assert.strictEqual(classifySource(before), 'fixed-size');
      const out = path.join(dir, 'registers.c');
      const r = await execa('patch', previewPatchArgs(source, path.join(ROOT, PATCH_FILE), out), { reject: false, all: true });
      assert.strictEqual(r.exitCode, 0, r.all);
      assert.strictEqual(fs.readFileSync(source, 'utf8'), before, 'the source is left as it was');
      assert.strictEqual(classifySource(fs.readFileSync(out, 'utf8')), 'patched');
      const again = await execa('patch', previewPatchArgs(out, path.join(ROOT, PATCH_FILE), path.join(dir, 'twice.c')), { reject: false });
      assert.notStrictEqual(again.exitCode, 0, 'a patched file is refused, not patched twice');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the host\'s XSAVE size comes from the same ptrace call UML makes', async () => {
  const host = await hostXsave();
  assert.strictEqual(host.source, 'ptrace');
  assert.ok(host.size! >= 576 && host.size! <= 65536 && host.size! % 8 === 0, `size ${host.size}`);
  const flags = fs.readFileSync('/proc/cpuinfo', 'utf8');
  assert.strictEqual(host.size! > UML_FP_BUFFER, /\bamx_tile\b/.test(flags), 'larger than UML\'s buffer exactly when the CPU has AMX');
});

test('the test kernel carries the patch: the tree and the binary say so, and it runs on this host', async () => {
  assert.strictEqual(classifySource(fs.readFileSync(path.join(testKernelDir(), PATCHED_SOURCE), 'utf8')), 'patched');
  const code = kernelFpCode(testKernel());
  assert.strictEqual(code.kind, 'patched');
  assert.ok((code.kind === 'patched' ? code.version ?? '' : '').startsWith(`${testKernelVersion()}.`), JSON.stringify(code));
  assert.strictEqual(await xsaveCheck(testKernel()), undefined);
});

test('the console line "ptrace set fp regs failed, errno = 14" is explained: at once, after the line, and in the end message', async () => {
  // The guest prints the kernel's line itself: the same console path (con0 -> the adapter's
  // pipe) that the kernel's own message takes. What is said depends on this host's XSAVE size.
  const rootfs = makeRootfs('echo "userspace - ptrace set fp regs failed, errno = 14"\npoweroff -f');
  const explained = hostTooLarge(await hostXsave())
    ? /The guest process died because UML could not restore its FPU registers.*6\.13 or later.*Apply XSAVE Host Fix.*0001-um-x86-host-sized-xstate-transfers\.patch/
    : /UML could not restore a guest process's FPU registers .*does not apply: this host's XSAVE area is \d+ bytes, which fits\./;
  try {
    await withSession('xsave', async (dc, umid, out) => {
      const terminated = dc.waitForEvent('terminated', 60000);
      await launch(dc, testKernel(), { rootfs, umid });
      await terminated;
      const text = out.text();
      assert.match(text, /^userspace - ptrace set fp regs failed, errno = 14\r?\n/m, 'the kernel\'s line stays whole');
      assert.match(text, new RegExp(`^${explained.source}`, 'm'), 'explained when it is seen');
      // The end line is the kernel's own word for poweroff -f (a kernel without a power-off handler halts).
      const end = /^reboot: Power down\r?$/m.test(text) ? 'The guest powered off\\. UML ended\\.' : 'The guest halted\\. UML ended\\.';
      assert.match(text, new RegExp(`^${end} ${explained.source}`, 'm'), text.slice(-2000));
    });
  } finally {
    removeRootfs(rootfs);
  }
});
