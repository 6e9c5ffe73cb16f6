import { test } from 'node:test';
import * as assert from 'assert';
import { gdbinit } from '../../src/gdb/gdbinit';

const input = {
  kernel: '/k/linux', buildDir: '/k', gdbScripts: '/k/vmlinux-gdb.py', indexCacheDir: '/c/gdb-index',
  args: ['mem=256M', 'umid=u1', 'con0=fd:3,fd:4'], setupCommands: ['set print pretty on'],
};
const commands = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

test('every line the debugger needs, in order, setupCommands last', () => {
  const cmds = commands(gdbinit(input));
  assert.deepStrictEqual(cmds, [
    'set pagination off', 'set confirm off', 'set breakpoint pending on', 'set startup-with-shell off',
    'add-auto-load-safe-path /k', 'set index-cache directory /c/gdb-index', 'set index-cache enabled on',
    'file /k/linux', 'source /k/vmlinux-gdb.py',
    'handle SIGSEGV nostop noprint pass', 'handle SIGUSR1 nostop noprint pass', 'handle SIGIO nostop noprint pass',
    'handle SIGALRM nostop noprint pass', 'handle SIGWINCH nostop noprint pass', 'handle SIGCONT nostop noprint pass', 'handle SIGTERM nostop noprint pass',
    'set follow-fork-mode parent', 'set detach-on-fork on',
    'set args mem=256M umid=u1 con0=fd:3,fd:4',
    'set print pretty on',
  ]);
});

test('each command is preceded by a comment giving its reason', () => {
  const lines = gdbinit(input).split('\n');
  lines.forEach((l, i) => {
    if (l && !l.startsWith('#') && !lines[i - 1].startsWith('#')) {
      // consecutive commands of one group share the comment above the group
      let j = i - 1;
      while (j >= 0 && lines[j] && !lines[j].startsWith('#')) j--;
      assert.ok(j >= 0 && lines[j].startsWith('#'), `no reason for: ${l}`);
    }
  });
});

test('vmlinux auto-loads its scripts; missing scripts name make scripts_gdb', () => {
  assert.ok(!commands(gdbinit({ ...input, kernel: '/k/vmlinux' })).some((c) => c.startsWith('source')));
  const none = gdbinit({ ...input, gdbScripts: undefined });
  assert.match(none, /make ARCH=um scripts_gdb/);
  assert.ok(!commands(none).some((c) => c.startsWith('source')));
});

test('refuses arguments gdb would split', () => {
  assert.throws(() => gdbinit({ ...input, args: ['hostfs=/a b'] }), /whitespace/);
});
