// KUnit discovery from C source: case arrays, suites, registration order, parameterised cases,
// commented-out cases, and lines pointing at the test functions.
import { test } from 'node:test';
import * as assert from 'assert';
import { discoverKunit } from '../../src/kunit/discover';

const SRC = `// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>

static void demo_add_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 2);
}

static void demo_param_test(struct kunit *test)
{
}

static struct kunit_case demo_cases[] = {
	KUNIT_CASE(demo_add_test),
	KUNIT_CASE_PARAM(demo_param_test, demo_gen_params),
	/* KUNIT_CASE(demo_disabled_test), */
	KUNIT_CASE(demo_elsewhere_test),
	{}
};

static struct kunit_suite demo_suite = {
	.name = "demo",
	.test_cases = demo_cases,
};

static struct kunit_case other_cases[] = {
	KUNIT_CASE(demo_add_test),
	{}
};

static struct kunit_suite other_suite = {
	.name = "demo-other",
	.test_cases = other_cases,
};

kunit_test_suites(&other_suite, &demo_suite);
`;

test('suites in registration order with their cases, parameterised ones marked, comments ignored', () => {
  const suites = discoverKunit(SRC);
  assert.deepStrictEqual(suites.map((s) => [s.name, s.line, s.variable]), [['demo-other', 31, 'other_suite'], ['demo', 21, 'demo_suite']]);
  assert.deepStrictEqual(suites[1].cases, [
    { name: 'demo_add_test', param: false, line: 4 },
    { name: 'demo_param_test', param: true, line: 9 },
    { name: 'demo_elsewhere_test', param: false, line: 17 },   // defined in another file: its KUNIT_CASE line
  ]);
});

test('files without KUnit, and suites never registered, are handled', () => {
  assert.deepStrictEqual(discoverKunit('int main(void) { return 0; }\n'), []);
  const unregistered = SRC.replace(/kunit_test_suites\([^;]*;/, '');
  assert.deepStrictEqual(discoverKunit(unregistered).map((s) => s.name), ['demo', 'demo-other']);
  assert.deepStrictEqual(discoverKunit(SRC.replace('kunit_test_suites(&other_suite, &demo_suite);', 'kunit_test_suite(demo_suite);')).map((s) => s.name), ['demo', 'demo-other']);
});
