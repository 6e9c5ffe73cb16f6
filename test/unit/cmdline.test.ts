import { test } from 'node:test';
import * as assert from 'assert';
import { kernelCmdline, checkMem, ConfigError, freshUmid, umlDirFromArgs, checkUmid } from '../../src/uml/cmdline';

const base = { mem: '256M', umid: 'u1', console: { kind: 'fds', inFd: 3, outFd: 4 } as const };

test('hostfs root directory', () => {
  assert.deepStrictEqual(kernelCmdline({ ...base, rootfs: '/srv/root', rootfsKind: 'hostfs', init: '/init' }), [
    'mem=256M', 'umid=u1', 'root=/dev/root', 'rootfstype=hostfs', 'hostfs=/srv/root', 'rw', 'init=/init',
    'con=null', 'ssl=null', 'con0=fd:3,fd:4',
  ]);
});

test('image file root through ubd0, console on stdio, extra args last', () => {
  assert.deepStrictEqual(kernelCmdline({ mem: '1G', umid: 'x', rootfs: '/d.img', rootfsKind: 'image', console: { kind: 'stdio' }, kernelArgs: ['quiet', 'loglevel=3'] }), [
    'mem=1G', 'umid=x', 'ubd0=/d.img', 'root=/dev/ubda', 'rw', 'con=null', 'ssl=null', 'con0=fd:0,fd:1', 'quiet', 'loglevel=3',
  ]);
});

test('integratedTerminal under gdb: the kernel opens the terminal\'s tty as its console', () => {
  assert.deepStrictEqual(kernelCmdline({ mem: '1G', umid: 'x', rootfsKind: 'none', console: { kind: 'tty', path: '/dev/pts/7' } }).slice(-3),
    ['con=null', 'ssl=null', 'con0=tty:/dev/pts/7']);
});

test('mem is checked with the fix named', () => {
  for (const ok of ['256M', '1G', '65536K', '134217728']) checkMem(ok);
  for (const bad of ['256MB', '-1M', '', '0', '12 M', 'lots']) {
    assert.throws(() => checkMem(bad), (e: Error) => e instanceof ConfigError && /"mem"/.test(e.message) && /256M/.test(e.message));
  }
});

test('arguments with whitespace are refused, never quoted into a shell', () => {
  assert.throws(() => kernelCmdline({ ...base, rootfsKind: 'hostfs', rootfs: '/my root' }), /whitespace/);
  assert.throws(() => kernelCmdline({ ...base, rootfsKind: 'none', kernelArgs: ['a b'] }), /kernelArgs/);
  // Shell metacharacters are nothing special: gdb starts the kernel without a shell.
  assert.ok(kernelCmdline({ ...base, rootfsKind: 'none', kernelArgs: ['x;$(id)'] }).includes('x;$(id)'));
});

test('umid validity and fresh ids', () => {
  checkUmid(freshUmid());
  assert.notStrictEqual(freshUmid(1, 0.1), freshUmid(1, 0.2));
  assert.throws(() => checkUmid('../x'), /umid/);
  assert.throws(() => checkUmid(''), /umid/);
});

test('uml_dir= moves the instance directory', () => {
  assert.strictEqual(umlDirFromArgs(['mem=1M'], '/home/u'), '/home/u/.uml');
  assert.strictEqual(umlDirFromArgs(['uml_dir=/run/uml/'], '/home/u'), '/run/uml');
});

test('time travel: basic and inf-cpu as UML\'s switches, off adds nothing, anything else is refused', () => {
  const args = (t?: string) => kernelCmdline({ ...base, rootfsKind: 'none', timeTravel: t as never });
  assert.deepStrictEqual(args('basic').slice(-1), ['time-travel']);
  assert.deepStrictEqual(args('inf-cpu').slice(-1), ['time-travel=inf-cpu']);
  assert.deepStrictEqual(args('off'), args(undefined));
  assert.throws(() => args('fast'), /"timeTravel": "fast" is not one of off, basic, inf-cpu/);
});
