// Extension-host test suite: the layout @vscode/test-electron uses (a module exporting run()),
// so the same suite runs in code-server through the UI harness (CI here) and in desktop VS Code
// (`npm run test:electron`). Results also go to a JSON file: the workbench's log is truncated.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120000, color: false });
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.spec.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const resultsFile = process.env.UML_EXT_TEST_RESULTS ?? path.join(os.tmpdir(), 'uml-kernel-debug-ext-tests.json');
  return new Promise((resolve, reject) => {
    const results: Array<{ title: string; state: string; error?: string }> = [];
    const runner = mocha.run((failures) => {
      const passed = results.filter((r) => r.state === 'passed').length;
      const activationMs = (globalThis as { umlActivationMs?: number }).umlActivationMs;
      fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed: failures, activationMs, results }, null, 2));
      console.log(`${passed} passed, ${failures} failed`);
      if (failures) reject(new Error(`${failures} extension-host tests failed`)); else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) }));
  });
}
