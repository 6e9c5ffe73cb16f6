// The extension-host suite (test/extension, the @vscode/test-electron layout) run inside
// code-server's real extension host, with the test kernel tree as the workspace.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, registerDir, waitUntil } from './harness.mjs';

export const name = 'exthost';
export const timeoutMs = 4 * 60 * 1000;

export function settings(ctx) {
  ctx.results = path.join(registerDir(fs.mkdtempSync(path.join(REPO, 'test-results', '.exthost-'))), 'results.json');
  process.env.UML_EXT_TEST_RESULTS = ctx.results;  // the extension host inherits the server's environment
  return {};
}

export async function run(s, ctx) {
  const suite = path.join(REPO, 'out', 'test', 'extension', 'index.js');
  if (!fs.existsSync(suite)) throw new Error(`${suite} missing: run tsc (npm test builds it)`);
  let exitCode;
  await s.step('run the suite in the extension host', async () => {
    // The workbench calls this when the suite ends (what @vscode/test-electron waits for too).
    await s.page.exposeFunction('codeAutomationExit', (code) => { exitCode = code; });
    await s.openWorkbench(ctx.tree, { extensionTests: suite });
    await waitUntil('the suite to finish (codeAutomationExit)', () => exitCode !== undefined, 180000, 500);
  });
  await s.step('read the results', async () => {
    const r = JSON.parse(fs.readFileSync(ctx.results, 'utf8'));
    s.log(`extension host: ${r.passed} passed, ${r.failed} failed; activation ${r.activationMs?.toFixed(1)} ms`);
    for (const t of r.results) s.log(`  ${t.state}: ${t.title}${t.error ? `\n${t.error}` : ''}`);
    if (r.activationMs !== undefined) fs.writeFileSync(path.join(s.outDir, 'activation-ms.txt'), `${r.activationMs}\n`);
    if (exitCode !== 0 || r.failed || !r.passed) throw new Error(`extension-host suite: ${r.passed} passed, ${r.failed} failed (exit ${exitCode}): ${r.results.filter((t) => t.state === 'failed').map((t) => `${t.title}: ${t.error.split('\n')[0]}`).join('; ')}`);
  });
}
