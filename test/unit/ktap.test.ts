// KTAP as KUnit prints it (6.1: KTAP version 1, nested headers, spaces; older: TAP version 14,
// tabs), with timestamps, unrelated kernel lines, failures with their messages, skips,
// parameterised cases, and output cut off by a crash.
import { test } from 'node:test';
import * as assert from 'assert';
import { KtapEvent, KtapParser, KtapResult } from '../../src/kunit/ktap';

function parse(text: string): { results: KtapResult[]; events: KtapEvent[] } {
  const p = new KtapParser();
  const events = text.split('\n').flatMap((l) => p.push(l));
  return { events, results: events.flatMap((e) => (e.kind === 'result' ? [e.result] : [])) };
}
const brief = (r: KtapResult) => `${r.path.join('.')}=${r.status}${r.directive ? `#${r.directive}` : ''}`;

const V1 = `[    0.360000] Linux version 6.1 booting
[    0.370000] KTAP version 1
[    0.370000] 1..2
[    0.370000]     KTAP version 1
[    0.370000]     # Subtest: list-kunit-test
[    0.370000]     1..3
[    0.380000]     ok 1 - list_test_list_init
[    0.380000]     # list_test_list_add: EXPECTATION FAILED at lib/list-test.c:77
[    0.380000]     Expected list.next == &b, but
[    0.380000]         list.next == 0000000012345678
[    0.380000]         &b == 00000000deadbeef
[    0.380000]     not ok 2 - list_test_list_add
[    0.390000] random driver message
[    0.390000]     ok 3 - list_test_list_del # SKIP not on this arch
[    0.390000] # list-kunit-test: pass:1 fail:1 skip:1 total:3
[    0.390000] not ok 1 - list-kunit-test
[    0.400000]     KTAP version 1
[    0.400000]     # Subtest: param-suite
[    0.400000]     1..1
[    0.400000]         KTAP version 1
[    0.400000]         # Subtest: param_case
[    0.400000]         ok 1 - one
[    0.400000]         not ok 2 - two
[    0.400000]     # param_case: pass:1 fail:1 skip:0 total:2
[    0.400000]     not ok 1 - param_case
[    0.400000] not ok 2 - param-suite`;

test('KTAP v1 from the console: suites, cases, parameters, timestamps and unrelated lines', () => {
  const { results, events } = parse(V1);
  assert.deepStrictEqual(results.map(brief), [
    'list-kunit-test.list_test_list_init=passed',
    'list-kunit-test.list_test_list_add=failed',
    'list-kunit-test.list_test_list_del=skipped#SKIP',
    'list-kunit-test=failed',
    'param-suite.param_case.one=passed',
    'param-suite.param_case.two=failed',
    'param-suite.param_case=failed',
    'param-suite=failed',
  ]);
  assert.deepStrictEqual(events.filter((e) => e.kind === 'start').map((e) => (e as { path: string[] }).path.join('.')), ['list-kunit-test', 'param-suite', 'param-suite.param_case']);
});

test('a failure carries its message lines and the file and line of the failed expectation', () => {
  const fail = parse(V1).results[1];
  assert.deepStrictEqual(fail.location, { file: 'lib/list-test.c', line: 77 });
  assert.deepStrictEqual(fail.diagnostics, [
    '# list_test_list_add: EXPECTATION FAILED at lib/list-test.c:77',
    'Expected list.next == &b, but',
    'list.next == 0000000012345678',
    '&b == 00000000deadbeef',
  ]);
  const skip = parse(V1).results[2];
  assert.strictEqual(skip.reason, 'not on this arch');
  assert.deepStrictEqual(skip.diagnostics, [], 'an unrelated kernel line (no indentation) is not the case\'s');
});

test('TAP version 14 with tabs (older kernels): the same tree', () => {
  const text = 'TAP version 14\n1..1\n\t# Subtest: example\n\t1..2\ninit_suite\n\t# example_simple_test: EXPECTATION FAILED at lib/kunit/example-test.c:30\n\tExpected 1 + 1 == 3, but\n\t\t1 + 1 == 2\n\tnot ok 1 - example_simple_test\n\tok 2 - example_mock_test\nnot ok 1 - example';
  const { results } = parse(text);
  assert.deepStrictEqual(results.map(brief), ['example.example_simple_test=failed', 'example.example_mock_test=passed', 'example=failed']);
  assert.deepStrictEqual(results[0].location, { file: 'lib/kunit/example-test.c', line: 30 });
});

test('directives: XFAIL passes, TODO is skipped, TIMEOUT and ERROR fail; nothing before the version line counts', () => {
  const text = 'ok 9 - noise before the header\nKTAP version 1\n1..4\nnot ok 1 - a # XFAIL known bug\nnot ok 2 - b # TODO later\nnot ok 3 - c # TIMEOUT\nnot ok 4 - d # ERROR setup failed';
  assert.deepStrictEqual(parse(text).results.map(brief), ['a=passed#XFAIL', 'b=skipped#TODO', 'c=failed#TIMEOUT', 'd=failed#ERROR']);
});

test('output cut off by a crash: the results so far, and the open subtest known', () => {
  const p = new KtapParser();
  const cut = V1.split('\n').slice(0, 8);
  const results = cut.flatMap((l) => p.push(l)).flatMap((e) => (e.kind === 'result' ? [e.result] : []));
  assert.deepStrictEqual(results.map(brief), ['list-kunit-test.list_test_list_init=passed']);
  assert.deepStrictEqual(p.path(), ['list-kunit-test']);
  assert.strictEqual(p.complete(), false, 'the outer plan (1..2) is not fulfilled');
  const whole = new KtapParser();
  V1.split('\n').forEach((l) => whole.push(l));
  assert.strictEqual(whole.complete(), true);
});
