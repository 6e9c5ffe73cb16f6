import { test } from 'node:test';
import * as assert from 'assert';
import { checkConfig, fixArgs, parseConfig } from '../../src/kconfig/doctor';

const good = ['CONFIG_DEBUG_INFO=y', 'CONFIG_GDB_SCRIPTS=y', 'CONFIG_FRAME_POINTER=y', 'CONFIG_HOSTFS=y', 'CONFIG_MCONSOLE=y', 'CONFIG_MAGIC_SYSRQ=y', 'CONFIG_PROC_FS=y', '# CONFIG_DEBUG_INFO_REDUCED is not set'].join('\n');

test('a debug-ready config has no findings', () => {
  assert.deepStrictEqual(checkConfig(good), []);
});

test('missing, unset and wrong options are found with their lines', () => {
  const text = good.replace('CONFIG_GDB_SCRIPTS=y', '# CONFIG_GDB_SCRIPTS is not set').replace('CONFIG_HOSTFS=y\n', '') + '\nCONFIG_DEBUG_INFO_REDUCED=y';
  const f = checkConfig(text);
  assert.deepStrictEqual(f.map((x) => [x.option, x.have, x.line]), [['DEBUG_INFO_REDUCED', 'y', 7], ['GDB_SCRIPTS', 'n', 1], ['HOSTFS', 'n', undefined]]);
  assert.match(f[1].message, /CONFIG_GDB_SCRIPTS should be y \(builds vmlinux-gdb.py/);
  assert.strictEqual(parseConfig(text).get('GDB_SCRIPTS')!.line, 1);
});

test('fixes go through scripts/config; debug info through the DWARF choice', () => {
  const f = checkConfig('CONFIG_DEBUG_INFO_NONE=y\nCONFIG_PROC_FS=y');
  assert.deepStrictEqual(fixArgs('/k/.config', f), [
    '--file', '/k/.config',
    '--enable', 'DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT', '--disable', 'DEBUG_INFO_NONE',
    '--disable', 'DEBUG_INFO_NONE', '--enable', 'DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT',
    '--enable', 'GDB_SCRIPTS', '--enable', 'FRAME_POINTER', '--enable', 'HOSTFS', '--enable', 'MCONSOLE', '--enable', 'MAGIC_SYSRQ',
  ]);
});
