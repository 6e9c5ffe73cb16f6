// QEMU's side, pure: its command line, the target address, KVM's availability, the gdbinit.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { qemuArgs, parseTarget, kvmProblem } from '../../src/targets/qemu/qemuArgs';
import { remoteGdbinit } from '../../src/gdb/gdbinit';
import { breakInsertCommand } from '../../src/gdb/commands';

test('QEMU arguments: stopped behind the gdbstub, nokaslr added once, the console on stdio or a tty', () => {
  const a = qemuArgs({ kernel: '/k/bzImage', initrd: '/k/i.cpio.gz', append: 'console=ttyS0' }, 4321, 'stdio');
  assert.deepStrictEqual(a, ['-m', '256M', '-kernel', '/k/bzImage', '-initrd', '/k/i.cpio.gz', '-append', 'console=ttyS0 nokaslr', '-accel', 'tcg',
    '-display', 'none', '-monitor', 'none', '-no-reboot', '-serial', 'stdio', '-gdb', 'tcp:127.0.0.1:4321', '-S']);
  const t = qemuArgs({ kernel: '/k/bzImage', append: 'nokaslr quiet', accel: 'kvm', memory: '1G' }, 1, { tty: '/dev/pts/7' });
  assert.ok(t.includes('nokaslr quiet') && !t.includes('-initrd'));
  assert.deepStrictEqual(t.slice(t.indexOf('-chardev'), t.indexOf('-chardev') + 4), ['-chardev', 'tty,id=con0,path=/dev/pts/7', '-serial', 'chardev:con0']);
  assert.deepStrictEqual(t.slice(t.indexOf('-accel'), t.indexOf('-accel') + 2), ['-accel', 'kvm']);
});

test('targets: host:port, :port and a bare port; anything else is refused by name', () => {
  assert.strictEqual(parseTarget('localhost:1234'), 'localhost:1234');
  assert.strictEqual(parseTarget(':1234'), 'localhost:1234');
  assert.strictEqual(parseTarget('1234'), 'localhost:1234');
  assert.strictEqual(parseTarget('10.0.0.2:9000'), '10.0.0.2:9000');
  assert.throws(() => parseTarget('localhost'), /"target": "localhost" is not host:port/);
  assert.throws(() => parseTarget('x:0'), /not host:port/);
});

test('KVM: a missing /dev/kvm and one we cannot open each name the way out', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvm-'));
  try {
    const vmx = 'processor\t: 0\nflags\t\t: fpu vme vmx sse\n';
    assert.match(kvmProblem(path.join(dir, 'kvm'), vmx)!, /KVM is not available: .*kvm does not exist .*Use "accel": "tcg"/);
    const f = path.join(dir, 'kvm-file');
    fs.writeFileSync(f, '');
    assert.strictEqual(kvmProblem(f, vmx), undefined, 'readable and writable, with vmx: usable');
    assert.match(kvmProblem(f, 'flags\t\t: fpu vme sse\n')!, /no hardware virtualization \(no vmx or svm flag in \/proc\/cpuinfo; in a VM, enable nested virtualization\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the remote gdbinit: the vmlinux, no UML signals, no command line; KVM breakpoints are hardware ones', () => {
  const g = remoteGdbinit({ kernel: '/k/vmlinux', buildDir: '/k', gdbScripts: '/k/vmlinux-gdb.py', indexCacheDir: '/c', address: 'localhost:1234', hardwareBreakpoints: true });
  assert.match(g, /^file \/k\/vmlinux$/m);
  assert.match(g, /target remote localhost:1234/);
  assert.doesNotMatch(g, /SIGSEGV|set args|startup-with-shell/);
  assert.doesNotMatch(g, /^source \/k\/vmlinux-gdb\.py$/m, 'auto-loaded next to a file named vmlinux');
  assert.match(g, /hardware ones/);
  assert.strictEqual(breakInsertCommand({ location: 'start_kernel', hardware: true }), '-break-insert -f -h "start_kernel"');
});
