// The pure parts of payloads and reproducers: the wrapper init and payload script texts, the exit
// line, the newc archive (read back), the initramfs plan's command line, gcc's diagnostics.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { exitLine, parseExitLine, payloadScript, shQuote, wrapperInit } from '../../src/targets/payload/guestScripts';
import { initramfsNames, newcArchive } from '../../src/targets/payload/cpio';
import { planInitramfsPayload, payloadEntries } from '../../src/targets/payload/initramfsPayload';
import { checkPayload } from '../../src/targets/payload/hostfsPayload';
import { ConfigError } from '../../src/uml/cmdline';
import { gccArgs, parseGccDiagnostics, reproducerPayload } from '../../src/reproducer/build';

test('the wrapper starts the payload in the background, then execs the real init with its arguments', () => {
  const t = wrapperInit({ guestDir: '/.uml-kernel-debug/u1', shell: ['/bin/sh'], realInit: '/sbin/my init', name: 'reproducer' });
  assert.match(t, /^#!\/bin\/sh\n/);
  assert.match(t, /\[ -e \/proc\/self \] \|\| mount -t proc proc \/proc\n/);
  assert.match(t, /cd \/\.uml-kernel-debug\/u1 \|\| exit 1/);
  assert.match(t, /\{ \/bin\/sh \.\/payload\.sh; echo \$\? > rc; \} 2>&1 \| while IFS= read -r l/);
  assert.match(t, /echo "uml-kernel-debug: reproducer exited with status \$rc"/);
  assert.ok(t.indexOf(') &\n') < t.indexOf("exec '/sbin/my init' \"$@\""), 'the payload starts before the exec');
  assert.ok(t.indexOf('echo "$rc" > status') > t.indexOf('>> output'), 'status is written after the output');
});

test('a root whose applets are not installed: BusyBox runs the wrapper and mounts; no init: the kernel\'s own search', () => {
  const t = wrapperInit({ guestDir: '/d', shell: ['/bin/busybox', 'sh'], name: 'payload' });
  assert.match(t, /^#!\/bin\/busybox sh\n/);
  assert.match(t, /\/bin\/busybox mount -t proc proc \/proc/);
  assert.match(t, /\/bin\/busybox mount -t devtmpfs devtmpfs \/dev/);
  assert.match(t, /for i in \/sbin\/init \/etc\/init \/bin\/init \/bin\/sh; do \[ -x "\$i" \] && exec "\$i" "\$@"; done/);
});

test('shell quoting, the payload script, the exit line both ways', () => {
  assert.strictEqual(shQuote('/bin/x'), '/bin/x');
  assert.strictEqual(shQuote("it's"), `'it'\\''s'`);
  assert.strictEqual(payloadScript({ commands: ['a', 'b c'] }), '# The launch\'s "payload" (UML Kernel Debug)\na\nb c\n');
  assert.deepStrictEqual(parseExitLine(`noise\r\n${exitLine('reproducer', 137)}\r\n`), { name: 'reproducer', status: 137 });
  assert.strictEqual(parseExitLine('reproducer exited'), undefined);
});

test('a newc archive reads back (plain and gzip), entries 4-byte aligned', () => {
  const a = newcArchive([{ name: 'd', mode: 0o040755 }, { name: 'd/f', mode: 0o100644, data: Buffer.from('abcde') }]);
  assert.strictEqual(a.length % 4, 0);
  assert.strictEqual(a.toString('latin1', 0, 6), '070701');
  assert.deepStrictEqual(initramfsNames(a), ['d', 'd/f']);
  assert.deepStrictEqual(initramfsNames(zlib.gzipSync(Buffer.concat([a, Buffer.alloc(8), a]))), ['d', 'd/f', 'd', 'd/f']);
  assert.strictEqual(initramfsNames(Buffer.from('\xfd7zXZ\0 not ours, long enough to hold a header'.repeat(4))), undefined);
});

test('QEMU: rdinit= goes to the wrapper, the user\'s rdinit= becomes the real init; the shell is read from the archive', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-unit-'));
  try {
    const initrd = path.join(dir, 'i.cpio.gz');
    fs.writeFileSync(initrd, zlib.gzipSync(newcArchive([{ name: 'bin', mode: 0o040755 }, { name: 'bin/busybox', mode: 0o100755, data: Buffer.from('x') }])));
    const block = { commands: ['./r'], files: [], name: 'reproducer', stopOn: [] };
    const r = planInitramfsPayload(block, initrd, 'console=ttyS0 rdinit=/linuxrc quiet', 'q1', dir);
    assert.strictEqual(r.append, 'console=ttyS0 quiet rdinit=/.uml-kernel-debug/q1/init');
    assert.strictEqual(r.plan.realInit, '/linuxrc');
    assert.deepStrictEqual(r.plan.shell, ['/bin/busybox', 'sh']);
    const names = payloadEntries(r.plan, () => ({ data: Buffer.alloc(0), mode: 0 })).map((e) => e.name);
    assert.deepStrictEqual(names, ['.uml-kernel-debug', '.uml-kernel-debug/q1', '.uml-kernel-debug/q1/init', '.uml-kernel-debug/q1/payload.sh']);
    assert.throws(() => planInitramfsPayload(block, undefined, '', 'q1', dir), /needs "qemu.initrd"/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('payload checks: commands required, files must exist, names must not clash', () => {
  assert.throws(() => checkPayload({ commands: [] }, (f) => f), ConfigError);
  assert.throws(() => checkPayload({ commands: ['x'], files: ['/nonexistent/file'] }, (f) => f), /not found/);
  assert.throws(() => checkPayload({ commands: ['x'], name: 'a;b' }, (f) => f), /payload.name/);
  assert.throws(() => checkPayload({ commands: ['x'], stopOn: ['boom'] }, (f) => f), /payload.stopOn/);
  assert.deepStrictEqual(checkPayload({ commands: ['x'] }, (f) => f), { commands: ['x'], files: [], name: 'payload', stopOn: [] });
});

test('gcc: static, -O1, -lpthread after the source; its file:line:col diagnostics parsed', () => {
  assert.deepStrictEqual(gccArgs('/w/r.c', '/o/r'), ['-static', '-O1', '-o', '/o/r', '/w/r.c', '-lpthread']);
  const text = [
    "r.c: In function 'main':",
    "r.c:2:10: error: 'nope' undeclared (first use in this function)",
    'r.c:5:3: warning: implicit declaration of function \'foo\' [-Wimplicit-function-declaration]',
    '/abs/x.h:1:10: fatal error: y.h: No such file or directory',
    '/usr/bin/ld: cannot find -lfoo: No such file or directory',
  ].join('\n');
  assert.deepStrictEqual(parseGccDiagnostics(text, '/w'), [
    { file: '/w/r.c', line: 2, column: 10, severity: 'error', message: "'nope' undeclared (first use in this function)" },
    { file: '/w/r.c', line: 5, column: 3, severity: 'warning', message: "implicit declaration of function 'foo' [-Wimplicit-function-declaration]" },
    { file: '/abs/x.h', line: 1, column: 10, severity: 'error', message: 'y.h: No such file or directory' },
  ]);
  assert.deepStrictEqual(reproducerPayload('/o/r'), { commands: ['./r'], files: ['/o/r'], name: 'reproducer', stopOn: ['panic', 'oops', 'warn'] });
});
