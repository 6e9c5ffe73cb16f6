#!/usr/bin/env node
// Runs the UI tests (code-server + headless Chromium) one after the other.
//   node test/ui/run.mjs [test names...]      e.g. `node test/ui/run.mjs sidebar`
// Screenshots and logs: test-results/ui/<test>/. Env: UI_VERBOSE=1 prints every step;
// UI_TEST_TIMEOUT_MS overrides the per-test timeouts.
// Last line of output: `N passed, N failed`; exit code 1 if any failed.
import fs from 'node:fs';
import path from 'node:path';
import { ensureTools, testKernelTree, UiSession, endStragglers, REPO, RESULTS } from './harness.mjs';
import * as f5 from './f5.mjs';
import * as sidebar from './sidebar.mjs';
import * as rootfs from './rootfs.mjs';
import * as exthost from './exthost.mjs';
import * as vsix from './vsix.mjs';
import * as xsavefix from './xsavefix.mjs';
import * as indexwarm from './indexwarm.mjs';
import * as lowlevel from './lowlevel.mjs';
import * as snapshot from './snapshot.mjs';
import * as kunit from './kunit.mjs';
import * as kconfig from './kconfig.mjs';
import * as walkthrough from './walkthrough.mjs';
import * as loop from './loop.mjs';
import * as qemu from './qemu.mjs';
import * as trace from './trace.mjs';
import * as reproducer from './reproducer.mjs';

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
let passed = 0;
let failed = 0;
let summarized = false;
let running; // the test in progress
const t0 = Date.now();
// Interrupted (signal, crash): the harness's exit handler has cleaned up; still end with the summary.
process.on('exit', () => {
  if (summarized) return;
  if (running) console.log(`FAIL ${running}: interrupted`);
  console.log(`${passed} passed, ${failed + (running ? 1 : 0)} failed`);
});

const ALL = [exthost, vsix, f5, sidebar, rootfs, xsavefix, indexwarm, lowlevel, snapshot, kunit, kconfig, walkthrough, loop, qemu, trace, reproducer];
const wanted = process.argv.slice(2);
const tests = wanted.length ? ALL.filter((t) => wanted.includes(t.name)) : ALL;
if (wanted.length && tests.length !== wanted.length) {
  console.log(`unknown test in ${wanted.join(' ')}; tests: ${ALL.map((t) => t.name).join(' ')}`);
  console.log('0 passed, 1 failed');
  summarized = true;
  process.exit(2);
}

let tools;
let tree;
try {
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run compile` first');
  const tt = Date.now();
  tools = await ensureTools();
  tree = testKernelTree();
  console.log(`ui: tools and test kernel ready (${secs(Date.now() - tt)}); kernel tree ${tree}`);
} catch (e) {
  console.log(`FAIL setup: ${e.message}`);
  console.log(`0 passed, ${tests.length} failed`);
  summarized = true;
  process.exit(1);
}

fs.mkdirSync(RESULTS, { recursive: true });
for (const t of tests) {
  const started = Date.now();
  const ctx = { tree };
  running = t.name;
  const s = new UiSession(t.name, { settings: t.settings?.(ctx), vsix: t.vsix?.(ctx) });
  let timer;
  try {
    await s.step('start code-server and Chromium', () => s.start(tools));
    const limit = Number(process.env.UI_TEST_TIMEOUT_MS) || t.timeoutMs;
    await Promise.race([
      t.run(s, ctx),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${secs(limit)} in step "${s.currentStep}"`)), limit); }),
    ]);
    passed++;
    running = undefined;
    console.log(`PASS ${t.name} (${secs(Date.now() - started)})`);
  } catch (e) {
    failed++;
    running = undefined;
    if (!e.stepFailure) await s.shot('FAILED').catch(() => {});
    console.log(`FAIL ${t.name} (${secs(Date.now() - started)}): ${e.message}`);
  } finally {
    clearTimeout(timer);
    await s.close();
    const { killed } = await endStragglers();
    if (killed.length) console.log(`  note: ended ${killed.length} leftover process(es) of ${t.name}: ${killed.map((p) => `${p.pid} ${p.comm}`).join(', ')}`);
    console.log(`  screenshots and log: ${path.relative(REPO, s.outDir)}/`);
  }
}
console.log(`ui: total ${secs(Date.now() - t0)}`);
console.log(`${passed} passed, ${failed} failed`);
summarized = true;
process.exit(failed ? 1 : 0);
