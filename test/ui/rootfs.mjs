// Command palette: "UML: Create Root Filesystem..." with the BusyBox recipe makes a root
// filesystem; the offered launch configuration is added, and F5 boots it to a shell.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerDir, registerUmid, umidProcesses, waitUntil, sleep } from './harness.mjs';

export const name = 'rootfs';
export const timeoutMs = 5 * 60 * 1000;

export function settings(ctx) {
  // A project folder of its own (nothing is written into the kernel tree), with the kernel linked in.
  ctx.workspace = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-rootfs-ws-')));
  fs.symlinkSync(path.join(ctx.tree, 'linux'), path.join(ctx.workspace, 'linux'));
  return {};
}

export async function run(s, ctx) {
  const { page } = s;
  const rootfs = path.join(ctx.workspace, 'rootfs');
  const launchJson = path.join(ctx.workspace, '.vscode', 'launch.json');
  let umid = '';

  await s.step('open the project folder', async () => {
    await s.openWorkbench(ctx.workspace);
  });

  await s.step('"UML: Create Root Filesystem..." → BusyBox → Directory', async () => {
    await s.palette('UML: Create Root Filesystem...');
    await pick(s, 'BusyBox');
    await s.shot('recipe-picked');
    await pick(s, 'Directory');
    const target = await s.quickInput();
    const value = await target.inputValue();
    if (value !== rootfs) throw new Error(`the folder question offers "${value}", not ${rootfs}`);
    await page.keyboard.press('Enter');
    const host = await s.quickInput();
    await host.fill('uiroot');
    await page.keyboard.press('Enter');
  });

  await s.step('the root filesystem is made and a launch configuration offered', async () => {
    await s.waitForNotification(/Root filesystem ready/, 60000);
    if (!fs.existsSync(path.join(rootfs, 'init')) || !fs.existsSync(path.join(rootfs, 'bin', 'busybox'))) throw new Error(`${rootfs} lacks init or busybox`);
    await sleep(500);
    await s.shot('rootfs-ready');
    await page.locator('.notifications-toasts .notification-toast .monaco-button', { hasText: 'Add Launch Configuration' }).first().click();
    const cfg = await waitUntil('launch.json with the new configuration', () => {
      try { return JSON.parse(fs.readFileSync(launchJson, 'utf8')).configurations.find((c) => c.type === 'uml' && c.rootfs === rootfs); } catch { return undefined; }
    }, 20000, 250);
    s.log(`launch configuration: ${JSON.stringify(cfg)}`);
    if (cfg.init !== '/init' || cfg.kernel !== '${workspaceFolder}/linux') throw new Error(`unexpected configuration ${JSON.stringify(cfg)}`);
  });

  await s.step('F5 boots it: a shell in the UML console terminal', async () => {
    await sleep(1000);  // VS Code reloads launch.json
    await page.click('.part.editor');
    await page.keyboard.press('F5');
    await waitUntil('the debug toolbar', () => page.locator('.debug-toolbar').isVisible(), 60000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}`); });
    umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 60000, 250);
    registerUmid(umid, s.umlDir);
    let text = '';
    await waitUntil('the uiroot shell prompt', async () => { text = await s.terminalText(); return /uiroot:\/# *$/m.test(text); }, 120000, 1000)
      .catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await s.shot('booted');
  });

  await s.step('a command runs in the guest; poweroff ends the session', async () => {
    await s.typeInTerminal('echo ROOTFS-$((6*7)) $(cat /proc/sys/kernel/hostname); poweroff -f');
    let text = '';
    await waitUntil('ROOTFS-42 uiroot', async () => { text = await s.terminalText(); return /ROOTFS-42 uiroot/.test(text); }, 30000, 500)
      .catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await waitUntil('the session to end', async () => !(await page.locator('.debug-toolbar').isVisible()), 60000, 250);
    await waitUntil(`no process with umid=${umid}`, () => umidProcesses(umid).length === 0, 20000, 250);
    await s.shot('powered-off');
  });
}

async function pick(s, label) {
  const rows = s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const i = await waitUntil(`the pick "${label}"`, async () => {
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const k = labels.findIndex((l) => l.startsWith(label));
    return k >= 0 ? k + 1 : 0;
  }, 15000, 200);
  await rows.nth(i - 1).click();
  await sleep(400);
}
