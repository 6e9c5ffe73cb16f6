// KUnit in the Testing view of a real VS Code, on a clean 6.1 tree with a KUnit build
// (scripts/kunit-tree.sh): the Test Explorer lists lib/list-test.c's suites, "Run Tests in
// Current File" runs them through kunit.py and marks them passed, and "Debug Test at Cursor"
// inside list_test_list_init stops at a breakpoint there; Continue, and the case is passed.
// "Run Tests with Coverage in Current File" builds the coverage kernel (its own build directory,
// a small kunitconfig) and marks list-test.c's lines covered in the editor's gutter.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, processesNamed, waitUntil } from './harness.mjs';

export const name = 'kunit';
export const timeoutMs = 30 * 60 * 1000;  // a coverage build from nothing is ~10 min (the integration spec usually left one)

export function settings(ctx) {
  ctx.kunitTree = execFileSync('bash', [path.join(REPO, 'scripts', 'kunit-tree.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  // The coverage kernel's own small kunitconfig, as the integration spec writes it.
  fs.writeFileSync(path.join(ctx.kunitTree, 'ukd-coverage.kunitconfig'), 'CONFIG_KUNIT=y\nCONFIG_LIST_KUNIT_TEST=y\n');
  return { 'debug.internalConsoleOptions': 'neverOpen', 'testing.openTesting': 'neverOpen', 'umlKernelDebug.kunit.coverageKunitconfig': ['ukd-coverage.kunitconfig'] };
}

export async function run(s, ctx) {
  const { page } = s;
  const explorer = '.test-explorer .monaco-list-row';
  const rows = () => s.texts(explorer);
  const showTesting = async () => {
    const tab = page.locator('.activitybar .action-item a.action-label[aria-label^="Testing"]');
    await tab.waitFor({ timeout: 60000 });  // there once a test controller is registered
    if (!(await page.locator('.test-explorer').isVisible().catch(() => false))) await tab.click();
  };

  await s.step('open the tree; the Test Explorer lists KUnit tests', async () => {
    await s.openWorkbench(ctx.kunitTree);
    await showTesting();
    await waitUntil('KUnit test files in the Test Explorer', async () => (await rows()).some((r) => /_test\.c|-test\.c/.test(r)), 120000, 1000)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await rows()).slice(0, 10))}`); });
    // Many files: the filter brings lib/list-test.c's suite into view.
    await page.locator('.part.sidebar .suggest-input-container, .part.sidebar .testing-filter-action-item').first().click();  // a one-line editor, not an <input>
    await page.keyboard.type('list-kunit-test');
    await waitUntil('list-kunit-test in the Test Explorer', async () => (await rows()).some((r) => /list-kunit-test/.test(r)), 30000, 500)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await rows()).slice(0, 10))}`); });
    s.log(`explorer: ${JSON.stringify((await rows()).slice(0, 6))}`);
  });

  await s.step('open lib/list-test.c and run the tests in it', async () => {
    await s.openFile('lib/list-test.c');
    await s.palette('Test: Run Tests in Current File');
    // The suite's row in the explorer shows its result once kunit.py has run it.
    await showTesting();
    const passed = await waitUntil('list-kunit-test passed', async () => {
      const r = await rows();
      return r.find((x) => /list-kunit-test/.test(x) && /Passed/i.test(x));
    }, 240000, 1000).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await rows())}`); });
    s.log(`after the run: ${passed}`);
    await s.shot('kunit-passed');
  });

  await s.step('Debug Test at Cursor in list_test_list_init stops at its breakpoint; Continue; passed', async () => {
    await s.goToLine(19);
    await page.keyboard.press('F9');
    await s.palette('Test: Debug Test at Cursor');
    await waitUntil('the Call Stack in list_test_list_init', async () => (await s.texts(s.paneRows('Call Stack'))).some((r) => /^Stack Frame list_test_list_init\b/.test(r)), 240000, 500)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts(s.paneRows('Call Stack')))}; notifications ${JSON.stringify(await s.notifications())}`); });
    await s.shot('kunit-debug-stopped');
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
    await waitUntil('the debug session over', async () => !(await page.locator('.debug-toolbar').isVisible()), 120000, 500);
    await showTesting();
    // The guest halted after the test: its KTAP result reached the Testing view.
    await waitUntil('list_test_list_init passed in the Test Explorer', async () => (await rows()).some((r) => /^list_test_list_init \(Passed/.test(r)), 30000, 500)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await rows()).slice(0, 5))}`); });
    await waitUntil('no gdb left', () => processesNamed('gdb').length === 0, 20000, 250);
    await s.shot('kunit-after-debug');
  });

  await s.step('Run Tests with Coverage in Current File: list-test.c\'s lines covered in the gutter', async () => {
    await s.openFile('lib/list-test.c');
    await s.palette('Test: Run Tests with Coverage in Current File');
    const hit = page.locator('.monaco-editor .coverage-deco-gutter.coverage-deco-hit');
    await waitUntil('covered lines in the editor\'s gutter', async () => (await hit.count()) > 5, 25 * 60000, 2000)
      .catch(async (e) => { throw new Error(`${e.message}; notifications ${JSON.stringify(await s.notifications())}`); });
    s.log(`covered lines in sight: ${await hit.count()}, uncovered: ${await page.locator('.monaco-editor .coverage-deco-gutter.coverage-deco-miss').count()}`);
    await waitUntil('no kunit guest or gdb left', () => processesNamed('gdb').length === 0, 60000, 500);
    await s.shot('kunit-coverage');
  });
}
