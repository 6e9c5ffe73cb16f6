// The Kconfig server's .config diagnostics judged by the kernel's own conf (scripts/
// kconfigOracle.mjs): randconfig trees settled by olddefconfig (both MODULES settings) carry no
// warning at all, and on the same files with 20 lines changed as users change them every
// "olddefconfig will make" warning is what olddefconfig then does, and nothing it does is
// unwarned. Toolchain probes ($(cc-option) and the rest) run for real first.
import { test } from 'node:test';
import * as assert from 'assert';
import * as path from 'path';
import { kunitTree, testKernelVersion } from '../support/testKernel';

// Seeds picked once, blind (not tuned to pass); npm run bench runs more, from the date.
const FIRST_SEED = 101;
const SEEDS = 4;

test(`olddefconfig is the judge: no warning on its fixed points, every claim right after edits (seeds ${FIRST_SEED}-${FIRST_SEED + SEEDS - 1})`, { timeout: 20 * 60000 }, async () => {
  const oracle = path.join(__dirname, '..', '..', '..', 'scripts', 'kconfigOracle.mjs');
  const { kconfigOracle } = await import(oracle) as { kconfigOracle: (o: object) => Promise<{ totals: Record<string, number>; wrong: string[] }> };
  const lines: string[] = [];
  const { totals, wrong } = await kconfigOracle({ tree: kunitTree(), version: testKernelVersion(), seeds: SEEDS, first: FIRST_SEED, log: (l: string) => lines.push(l) });
  assert.ok(totals.claims >= SEEDS * 5 && totals.real >= SEEDS * 5, `the edits changed something: ${JSON.stringify(totals)}`);
  assert.deepStrictEqual(wrong, [], `wrong: ${wrong.length} (precision ${totals.right}/${totals.claims}, recall ${totals.hit}/${totals.real})\n${lines.slice(-30).join('\n')}`);
  assert.strictEqual(totals.fp + totals.fpErr, 0);
});
