// Source path mapping: what gdb's `info source` says, which mappings follow, the gdb commands.
import { test } from 'node:test';
import * as assert from 'assert';
import { parseInfoSource, sourceMappings, substitutePathCommands } from '../../src/debug/sourceMap';

const INFO = 'Current source file is init/main.c\nCompilation directory is /build/linux-6.1\nLocated in /build/linux-6.1/init/main.c\nContains 1500 lines.\nSource language is c.\n';

test('info source: the compilation directory and the file', () => {
  assert.deepStrictEqual(parseInfoSource(INFO), { compDir: '/build/linux-6.1', file: 'init/main.c' });
  assert.deepStrictEqual(parseInfoSource('No current source file.\n'), { compDir: undefined, file: undefined });
});

test('a kernel whose directory holds its sources maps the compiled-in directory there; otherwise nothing', () => {
  const has = (...files: string[]) => (p: string) => files.includes(p);
  const info = parseInfoSource(INFO);
  assert.deepStrictEqual(sourceMappings({ ...info, kernelDir: '/home/me/linux', exists: has('/home/me/linux/init/main.c') }),
    [{ from: '/build/linux-6.1', to: '/home/me/linux', why: 'kernel directory' }]);
  assert.deepStrictEqual(sourceMappings({ ...info, kernelDir: '/build/linux-6.1/', exists: has('/build/linux-6.1/init/main.c') }), [], 'built where it is');
  assert.deepStrictEqual(sourceMappings({ ...info, kernelDir: '/opt/kernels', exists: has() }), [], 'a binary without its sources beside it');
});

test('sourceFileMap comes first and, covering the compiled-in directory, replaces the automatic mapping', () => {
  const info = parseInfoSource(INFO);
  const maps = sourceMappings({ ...info, kernelDir: '/home/me/linux', sourceFileMap: { '/build/': '/src/linux' }, exists: () => true });
  assert.deepStrictEqual(maps, [{ from: '/build', to: '/src/linux', why: 'sourceFileMap' }]);
  assert.deepStrictEqual(substitutePathCommands(maps), ['set substitute-path "/build" "/src/linux"']);
  assert.deepStrictEqual(substitutePathCommands([{ from: '/a b', to: '/c d', why: 'sourceFileMap' }]), ['set substitute-path "/a b" "/c d"']);
  assert.throws(() => substitutePathCommands([{ from: '/a"b', to: '/c', why: 'sourceFileMap' }]), /cannot be given to gdb/);
});
