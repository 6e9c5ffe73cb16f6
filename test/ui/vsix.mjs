// What users install is what is tested: the .vsix from `npm run package`, installed with
// code-server --install-extension (no development path), activates and works.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO, waitUntil } from './harness.mjs';

export const name = 'vsix';
export const timeoutMs = 4 * 60 * 1000;

export function vsix() {
  execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '-o', 'uml-kernel-debug.vsix'], { cwd: REPO, stdio: 'ignore' });
  const file = path.join(REPO, 'uml-kernel-debug.vsix');
  const kb = fs.statSync(file).size / 1024;
  if (kb > 1024) throw new Error(`the .vsix is ${kb.toFixed(0)} KB: .vscodeignore lets too much in`);
  return file;
}

export async function run(s, ctx) {
  const { page } = s;
  await s.step('open the kernel tree with only the installed extension', async () => {
    await s.openWorkbench(ctx.tree, { development: false });
    const installed = fs.readdirSync(path.join(s.tmp, 'extensions')).filter((n) => n.startsWith('uml-kernel-debug.uml-kernel-debug-'));
    if (installed.length !== 1) throw new Error(`installed extensions: ${fs.readdirSync(path.join(s.tmp, 'extensions'))}`);
    s.log(`installed: ${installed[0]}`);
  });
  await s.step('it activates: the UML view is there and a command works', async () => {
    await page.locator('.activitybar .action-item a.action-label[aria-label^="UML"]').first().waitFor({ state: 'visible', timeout: 60000 });
    await s.palette('UML: Check Kernel Config for Debugging');
    await s.waitForNotification(/The kernel config has everything the debugger needs/, 30000);
    await s.shot('activated-from-vsix');
  });
  await s.step('the extension host log shows the installed copy activated', async () => {
    const logs = [];
    const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/exthost/i.test(p) && p.endsWith('.log')) logs.push(p); } };
    walk(path.join(s.tmp, 'user-data', 'logs'));
    await waitUntil('an activation line in the extension host log', () => logs.some((f) => /uml-kernel-debug/.test(fs.readFileSync(f, 'utf8'))), 20000, 500)
      .catch((e) => { throw new Error(`${e.message}; logs: ${logs}`); });
  });
}
