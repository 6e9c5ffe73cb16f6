// KUnit coverage's pure part: the route a tree takes, the coverage build's options, gdb's
// arguments for the gcda route, and lcov tracefiles read per file.
import { test } from 'node:test';
import * as assert from 'assert';
import { buildArgs } from '../../src/kunit/run';
import { coverageDirs, coverageOptions, coverageRouteOf, gcdaGdbArgs, ignoreRegexFor, kunitKernelArgs, parseLcov, summary, within } from '../../src/kunit/coverage';

test('the route follows arch/um/Makefile-skas: 6.12 gives clang source-based coverage, 6.1 gcc-style', () => {
  assert.strictEqual(coverageRouteOf('ifdef CONFIG_CC_IS_CLANG\nGCOV_OPT += -fprofile-instr-generate -fcoverage-mapping\nelse\nGCOV_OPT += -fprofile-arcs -ftest-coverage\nendif'), 'profraw');
  assert.strictEqual(coverageRouteOf('GCOV_OPT += -fprofile-arcs -ftest-coverage\nCFLAGS-$(CONFIG_GCOV) += $(GCOV_OPT)'), 'gcda');
});

test('the coverage build: its own directory, the kernel\'s coverage_uml.config added, clang', () => {
  const o = { tree: '/src/linux', buildDir: '.kunit', kunitconfig: ['lib/kunit'], jobs: 2 };
  const c = coverageOptions(o);
  assert.strictEqual(c.buildDir, '.kunit-coverage');
  assert.deepStrictEqual(buildArgs(c), ['tools/testing/kunit/kunit.py', 'build', '--arch=um', '--build_dir=.kunit-coverage', '--jobs=2',
    '--kunitconfig=lib/kunit', '--kunitconfig=tools/testing/kunit/configs/coverage_uml.config', '--make_options=LLVM=1']);
  assert.deepStrictEqual(coverageOptions({ tree: '/t' }).kunitconfig, ['tools/testing/kunit/configs/default.config', 'tools/testing/kunit/configs/coverage_uml.config'], 'kunit.py\'s default, said');
  assert.deepStrictEqual(coverageOptions({ ...o, coverageKunitconfig: ['cov.kunitconfig'] }).kunitconfig?.[0], 'cov.kunitconfig');
  assert.strictEqual(o.buildDir, '.kunit', 'the normal options are untouched');
});

test('gdb runs the kernel as kunit.py does and has the counts written at exit', () => {
  const args = gcdaGdbArgs('/b/linux', kunitKernelArgs('list-kunit-test', 'u1'), ['handle SIGSEGV nostop noprint pass']);
  const ex = args.filter((_a, i) => args[i - 1] === '-ex');
  assert.deepStrictEqual(ex.slice(ex.indexOf('break exit')), ['break exit', 'run', 'call (void)llvm_writeout_files()', 'echo UKD-COVERAGE-WRITTEN\\n', 'continue']);
  assert.ok(ex.includes('handle SIGSEGV nostop noprint pass'));
  assert.deepStrictEqual(args.slice(args.indexOf('--args')), ['--args', '/b/linux', 'mem=1G', 'console=tty', 'kunit_shutdown=halt', 'kunit.enable=1', 'umid=u1', 'kunit.filter_glob=list-kunit-test']);
});

test('lcov tracefiles: lines and functions per file, relative paths made absolute, repeated files added up', () => {
  const text = [
    'TN:', 'SF:../lib/list-test.c', 'FN:20,list-test.c:list_test_list_init', 'FNDA:1,list-test.c:list_test_list_init', 'FN:90,unused',
    'DA:20,1', 'DA:21,1', 'DA:90,0', 'LF:3', 'LH:2', 'end_of_record',
    'SF:/src/linux/include/linux/list.h', 'DA:37,4', 'end_of_record',
    'SF:/src/linux/include/linux/list.h', 'DA:37,2', 'DA:38,0', 'end_of_record',
  ].join('\n');
  const files = parseLcov(text, '/src/linux/.kunit-coverage');
  assert.deepStrictEqual(files.map((f) => f.file), ['/src/linux/lib/list-test.c', '/src/linux/include/linux/list.h']);
  assert.deepStrictEqual(files[0].functions, [{ name: 'list_test_list_init', line: 20, count: 1 }, { name: 'unused', line: 90, count: 0 }]);
  assert.deepStrictEqual(summary(files[0]), { covered: 2, total: 3 });
  assert.deepStrictEqual(files[1].lines, [{ line: 37, count: 6 }, { line: 38, count: 0 }]);
  assert.deepStrictEqual(coverageDirs(['lib/list-test.c', 'lib/kunit/kunit-test.c', 'lib/x.c']), ['lib', 'lib/kunit']);
});

test('llvm-cov export is limited by top-level directory, then to the directories asked for', () => {
  const re = new RegExp(ignoreRegexFor(['arch', 'include', 'lib', 'net'], ['lib', 'lib/kunit']));
  assert.ok(re.test('/t/.kunit-coverage/../arch/um/kernel/time.c') && re.test('/t/.kunit-coverage/../include/linux/list.h'));
  assert.ok(!re.test('/t/.kunit-coverage/../lib/list-test.c'));
  assert.ok(within('/t', ['lib'], '/t/lib/kunit/test.c') && !within('/t', ['lib'], '/t/libfoo/x.c') && !within('/t', ['lib'], '/t/.kunit-coverage/lib/crc32table.h'));
});
