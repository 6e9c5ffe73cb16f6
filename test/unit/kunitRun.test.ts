// kunit.py command lines (argument arrays) and the filter globs for a selection.
import { test } from 'node:test';
import * as assert from 'assert';
import { buildArgs, execArgs, globsFor, kunitKernel, kunitPyOf, listArgs, parseTestList } from '../../src/kunit/run';

const o = { tree: '/src/linux', buildDir: '.kunit', kconfigAdd: ['CONFIG_DEBUG_INFO_DWARF5=y'], kunitconfig: ['lib/kunit'], jobs: 2, timeoutSec: 60 };

test('build and exec arguments: UML, the build directory, config additions, raw output, our umid', () => {
  assert.deepStrictEqual(buildArgs(o), ['tools/testing/kunit/kunit.py', 'build', '--arch=um', '--build_dir=.kunit', '--jobs=2', '--kunitconfig=lib/kunit', '--kconfig_add=CONFIG_DEBUG_INFO_DWARF5=y']);
  assert.deepStrictEqual(execArgs(o, 'list-kunit-test.list_test_list_add', 'kunit-1'), ['tools/testing/kunit/kunit.py', 'exec', '--arch=um', '--build_dir=.kunit', '--raw_output=all', '--timeout=60', '--kernel_args=umid=kunit-1', 'list-kunit-test.list_test_list_add']);
  assert.deepStrictEqual(execArgs({ tree: '/t' }, undefined, 'k').slice(-2), ['--timeout=300', '--kernel_args=umid=k']);
  assert.strictEqual(kunitKernel(o), '/src/linux/.kunit/linux');
});

test('globs: a whole suite once, single cases of other suites each, everything when nothing is selected', () => {
  assert.deepStrictEqual(globsFor([]), [undefined]);
  assert.deepStrictEqual(globsFor([{ suite: 'list-kunit-test' }, { suite: 'list-kunit-test', test: 'list_test_list_add' }, { suite: 'hlist', test: 'hlist_test_init' }, { suite: 'hlist', test: 'hlist_test_add' }]),
    ['list-kunit-test', 'hlist.hlist_test_init', 'hlist.hlist_test_add']);
});

test('a folder that is not a kernel tree: the error names the missing kunit.py', () => {
  assert.throws(() => kunitPyOf('/nonexistent/tree'), /Not a kernel tree with KUnit: \/nonexistent\/tree\/tools\/testing\/kunit\/kunit\.py not found/);
});

test('the built kernel\'s test list: suite.case lines, the rest of kunit.py\'s output ignored', () => {
  assert.deepStrictEqual(listArgs(o, 'k').slice(1, 5), ['exec', '--arch=um', '--build_dir=.kunit', '--list_tests']);
  assert.deepStrictEqual(parseTestList(['[18:43:32] Starting KUnit Kernel (1/1)...', 'list-kunit-test.list_test_list_init', 'time_test_cases.time64_to_tm_test_date_range', 'reboot: System halted', '']),
    [{ suite: 'list-kunit-test', test: 'list_test_list_init' }, { suite: 'time_test_cases', test: 'time64_to_tm_test_date_range' }]);
});
