// The module lines of the adapter's gdb Python (uml-modules, uml-module-info): a module, its
// sections' load addresses, and why they could not be read (said to the user, not dropped).
import { test } from 'node:test';
import * as assert from 'assert';
import { parseModules } from '../../src/gdb/kernelPython';

test('modules with their sections; a module whose sections could not be read carries the reason', () => {
  const mods = parseModules([
    'M|6880c000|ukd_hello|6880d000|4096',
    'S|.text|6880d000',
    'S|.init.text|68812000',
    'S|.bss|68810100',
    'M|68900000|other|68901000|8192',
    'E|mod->sect_attrs is not set yet',
    'junk line',
  ].join('\n'));
  assert.deepStrictEqual(mods, [
    { addr: 0x6880c000n, name: 'ukd_hello', base: 0x6880d000n, size: 4096, sections: { '.text': 0x6880d000n, '.init.text': 0x68812000n, '.bss': 0x68810100n } },
    { addr: 0x68900000n, name: 'other', base: 0x68901000n, size: 8192, sections: {}, sectionsError: 'mod->sect_attrs is not set yet' },
  ]);
});
