import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { makeCommand, TARGETS } from '../../src/tasks/makeTask';
import { matchProblems, packageJsonMatchers } from '../../src/tasks/problemMatchers';
import { warmIndexArgs } from '../../src/gdb/gdbinit';

test('task definitions resolve to make argument lists, always ARCH=um', () => {
  assert.deepStrictEqual(makeCommand({ type: 'uml', target: 'linux' }, '/k', 2), { command: 'make', args: ['ARCH=um', 'SUBARCH=x86_64', '-j2', 'linux'], cwd: '/k', env: { ARCH: 'um' } });
  assert.deepStrictEqual(makeCommand({ type: 'uml', target: 'menuconfig' }, '/k', 8).args, ['ARCH=um', 'SUBARCH=x86_64', 'menuconfig']);
  assert.deepStrictEqual(makeCommand({ type: 'uml', target: 'defconfig', subarch: 'i386' }, '/k').args, ['ARCH=um', 'SUBARCH=i386', 'defconfig']);
  assert.deepStrictEqual(makeCommand({ type: 'uml', target: 'scripts_gdb', jobs: 3, buildDir: 'build', makeArgs: ['V=1', ' '] }, '/k').args,
    ['ARCH=um', 'SUBARCH=x86_64', '-j3', 'O=build', 'KBUILD_ABS_SRCTREE=1', 'V=1', 'scripts_gdb']);
  assert.deepStrictEqual(makeCommand({ type: 'uml', target: 'compile_commands.json' }, '/k', 4).args.slice(-1), ['compile_commands.json']);
  assert.throws(() => makeCommand({ type: 'uml', target: 'linux', makeArgs: ['ARCH=x86'] }, '/k'), /ARCH=um/);
  assert.throws(() => makeCommand({ type: 'uml', target: 'bzImage' as never }, '/k'), /Unknown uml task target/);
  assert.strictEqual(TARGETS.length, 9);
});

test('package.json declares exactly the problem matchers and task targets of the code', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  assert.deepStrictEqual(pkg.contributes.problemMatchers, packageJsonMatchers());
  assert.deepStrictEqual(pkg.contributes.taskDefinitions[0].properties.target.enum, [...TARGETS]);
});

test('matchers pick the file, line, severity and message', () => {
  const out = [
    '  CC      fs/proc/cmdline.o',
    "fs/proc/cmdline.c:10:17: error: 'nosuch' undeclared (first use in this function)",
    "/k/fs/proc/cmdline.c:8:13: warning: unused variable 'x' [-Wunused-variable]",
    "ld: fs/proc/cmdline.o: in function `cmdline_proc_show':",
    "fs/proc/cmdline.c:11: undefined reference to `nosuch_fn'",
    'arch/um/Kconfig:3: syntax error',
    'make[2]: *** [scripts/Makefile.build:250: fs/proc/cmdline.o] Error 1',
  ].join('\n');
  assert.deepStrictEqual(matchProblems(out).map((p) => [p.matcher, p.file, p.line, p.severity]), [
    ['uml-gcc', 'fs/proc/cmdline.c', 10, 'error'],
    ['uml-gcc', '/k/fs/proc/cmdline.c', 8, 'warning'],
    ['uml-ld', 'fs/proc/cmdline.c', 11, 'error'],
    ['uml-kconfig', 'arch/um/Kconfig', 3, 'error'],
  ]);
});

test('index warm-up loads the kernel once with the cache on', () => {
  assert.deepStrictEqual(warmIndexArgs('/k/vmlinux', '/c/idx'), ['-batch', '-nx', '-ex', 'set index-cache directory /c/idx', '-ex', 'set index-cache enabled on', '-ex', 'file /k/vmlinux']);
});
