// Payloads in the guest on the real kernel: the launch's "payload" runs after boot with its output
// in the console, the root filesystem is as it was afterwards, and "UML: Debug Reproducer..."'s
// path (gcc -static, then the payload with the crash filters on): a sysrq crash stops in panic
// with the reproducer's write on the stack; a clean exit reports its status and output.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, rootfsPool, qemuKernelDir, makeInitramfs } from '../support/testKernel';
import { launch, nextStop, waitForOutput, withSession, startClient, stopClient, collectOutput } from '../support/dap';
import { processesWhere, pollUntil } from '../support/shared';
import { buildReproducer, reproducerPayload } from '../../src/reproducer/build';

const pool = rootfsPool('');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-repro-'));
before(() => testKernelDir());
after(() => { pool.removeAll(); fs.rmSync(work, { recursive: true, force: true }); });

/**
 * Every file and directory under `dir`, relative, with its size: what "the root is unchanged"
 * compares. Symlinks are left out: the test roots' own /init installs BusyBox's applet links.
 */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isSymbolicLink()) continue;
      const p = path.join(d, e.name);
      out.push(`${path.relative(dir, p)}${e.isFile() ? `:${fs.statSync(p).size}` : ''}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

// The guest's own init says it ran, then waits: the payload ends the test, not the init.
const WAITING_INIT = 'echo REAL-INIT-RAN\nsleep 600';

async function buildC(name: string, source: string): Promise<string> {
  const file = path.join(work, name);
  fs.writeFileSync(file, source);
  const r = await buildReproducer(file, path.join(work, 'out'));
  assert.ok(r.ok, `gcc failed: ${r.stderr}`);
  return r.binary;
}

test('a payload runs after boot, its output in the console and its end reported; the root is as it was afterwards', async () => {
  const root = pool.make(WAITING_INIT);
  const file = path.join(work, 'data.txt');
  fs.writeFileSync(file, 'hello from the host\n');
  const before = tree(root);
  await withSession('payload', async (dc, umid, out) => {
    await launch(dc, testKernel(), { rootfs: root, umid, payload: { commands: ['echo PAYLOAD-RAN in $(/bin/busybox pwd)', '/bin/busybox cat data.txt', 'exit 3'], files: [file] } },
      () => dc.setExceptionBreakpointsRequest({ filters: ['panic'] }));
    await waitForOutput(dc, /^payload exited with status 3$/m, out);
    await waitForOutput(dc, /payload output:\n/, out);
    // The payload starts before the real init does (in the background) and may end before it prints.
    await waitForOutput(dc, /REAL-INIT-RAN/, out);
    const text = out.text();
    assert.match(text, new RegExp(`PAYLOAD-RAN in /\\.uml-kernel-debug/${umid}`), 'the payload ran in its directory, output on the console');
    assert.match(text, /hello from the host/, 'the file was put in the guest');
    assert.match(text, /REAL-INIT-RAN/, 'the guest\'s own init ran too');
    assert.match(text, /payload output:\nPAYLOAD-RAN/, 'the report carries the output');
    assert.ok(fs.existsSync(path.join(root, '.uml-kernel-debug', umid, 'init')), 'the wrapper is in the root while the session runs');
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
  assert.deepStrictEqual(tree(root), before, 'nothing is left in the root filesystem');
});

test('a payload on an image root is refused, naming the fix', () => withSession('payload-img', async (dc, umid) => {
  const img = path.join(work, 'root.img');
  fs.writeFileSync(img, Buffer.alloc(4096));
  await dc.initializeRequest();
  await assert.rejects(dc.launchRequest({ kernel: testKernel(), rootfs: img, umid, console: 'internalConsole', payload: { commands: ['true'] } } as never),
    /"payload" needs a directory as "rootfs".*Unpack it into a directory/);
}));

test('a reproducer writing c to /proc/sysrq-trigger stops in panic with sysrq_handle_crash on its stack', async () => {
  const bin = await buildC('crash.c', `#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  int fd = open("/proc/sysrq-trigger", O_WRONLY);
  if (fd < 0) { perror("open"); return 1; }
  write(fd, "c", 1);
  return 0;
}
`);
  const root = pool.make(WAITING_INIT);
  const before = tree(root);
  await withSession('repro-crash', async (dc, umid) => {
    const stopped = nextStop(dc, 90000);
    // The client's own choice leaves WARN off: the payload's stopOn turns the crash filters on.
    await launch(dc, testKernel(), { rootfs: root, umid, payload: reproducerPayload(bin) }, () => dc.setExceptionBreakpointsRequest({ filters: [] }));
    const s = await stopped;
    assert.strictEqual(s.body.reason, 'exception');
    assert.match(s.body.text ?? '', /^Kernel panic: sysrq triggered crash/);
    const st = await dc.stackTraceRequest({ threadId: s.body.threadId!, startFrame: 0, levels: 20 });
    const names = st.body.stackFrames.map((f) => f.name);
    assert.strictEqual(names[0], 'panic');
    assert.ok(names.includes('sysrq_handle_crash'), `sysrq_handle_crash on the stack: ${names.join(' <- ')}`);
    assert.ok(names.includes('write_sysrq_trigger'), `the reproducer's write on the stack: ${names.join(' <- ')}`);
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
  assert.deepStrictEqual(tree(root), before, 'nothing is left in the root filesystem');
});

test('a reproducer that exits 0 reports its exit status and output', async () => {
  const bin = await buildC('clean.c', '#include <stdio.h>\nint main(void) { printf("REPRO-SAYS-HI %d\\n", 42); return 0; }\n');
  const root = pool.make(WAITING_INIT);
  await withSession('repro-clean', async (dc, umid, out) => {
    let stops = 0;
    dc.on('stopped', () => { stops++; });
    await launch(dc, testKernel(), { rootfs: root, umid, payload: reproducerPayload(bin) });
    await waitForOutput(dc, /^reproducer exited with status 0$/m, out, 90000);
    await waitForOutput(dc, /reproducer output:\nREPRO-SAYS-HI 42/, out);
    assert.strictEqual(stops, 0, 'no stop');
    await dc.disconnectRequest({ terminateDebuggee: true });
  });
});

test('gcc errors come back as file:line:col diagnostics and nothing is built', async () => {
  const file = path.join(work, 'broken.c');
  fs.writeFileSync(file, 'int main(void) {\n  return nope;\n}\n');
  const r = await buildReproducer(file, path.join(work, 'out'));
  assert.strictEqual(r.ok, false);
  const e = r.diagnostics.find((d) => d.severity === 'error');
  assert.ok(e, r.stderr);
  assert.deepStrictEqual([e.file, e.line, e.column], [file, 2, 10]);
  assert.match(e.message, /nope/);
});

// The x86_64 QEMU kernel is the same whichever UML kernel the run is for (a few seconds, run in both passes: no skips).
test('QEMU with an initramfs: a reproducer that exits 0 runs from an archive of its own; its output and status in the console; the initramfs unchanged', async () => {
  const tree = qemuKernelDir();
  const initrd = makeInitramfs('echo QEMU-REAL-INIT\nsleep 600');
  const before = fs.readFileSync(initrd);
  const bin = await buildC('qemu-clean.c', '#include <stdio.h>\nint main(void) { printf("QEMU-REPRO-HI\\n"); return 0; }\n');
  const dc = await startClient();
  const out = collectOutput(dc);
  try {
    await Promise.all([
      dc.waitForEvent('initialized', 60000).then(() => dc.configurationDoneRequest()),
      dc.initializeRequest().then(() => dc.launchRequest({
        kernel: path.join(tree, 'vmlinux'), console: 'internalConsole', payload: reproducerPayload(bin),
        qemu: { kernel: path.join(tree, 'arch/x86/boot/bzImage'), initrd, append: 'console=ttyS0' },
      } as DebugProtocol.LaunchRequestArguments)),
    ]);
    await waitForOutput(dc, /^reproducer exited with status 0$/m, out, 120000);
    assert.match(out.text(), /QEMU-REPRO-HI/);
    assert.match(out.text(), /QEMU-REAL-INIT/);
    await dc.disconnectRequest({ terminateDebuggee: true });
  } finally {
    await stopClient(dc);
    assert.ok(await pollUntil(() => !processesWhere((argv) => argv.some((a) => a.includes('initrd-with-payload'))).length, 10000, 100), 'QEMU ended');
    const after = fs.readFileSync(initrd);
    fs.rmSync(path.dirname(initrd), { recursive: true, force: true });
    assert.ok(after.equals(before), 'the user\'s initramfs is read, never written');
  }
});
