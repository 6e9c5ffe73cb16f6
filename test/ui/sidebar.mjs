// The UML sidebar: a guest started by the test (no debugger, the way users start UML from a
// terminal) shows in the Instances view; "Version (mconsole)" from the row's context menu shows
// the kernel version; the row's inline Halt button ends the guest and the row goes away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { makeRootfs, registerUmid, registerDir, umidProcesses, waitUntil, sleep } from './harness.mjs';

export const name = 'sidebar';
export const timeoutMs = 4 * 60 * 1000;

export function settings(ctx) {
  ctx.umid = `ui-side-${process.pid}`;
  ctx.rootfs = makeRootfs('echo GUEST-LOOP-READY\nwhile true; do sleep 1; done');
  ctx.workspace = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-ws-')));
  fs.writeFileSync(path.join(ctx.workspace, 'README.txt'), 'UI test workspace\n');
  return {};
}

export async function run(s, ctx) {
  const { page } = s;
  const { umid } = ctx;
  registerUmid(umid, s.umlDir);
  const rowsSel = s.paneRows('Instances');
  const row = () => page.locator(rowsSel).filter({ hasText: umid }).first();
  let guest;
  let out = '';

  await s.step(`start a guest ${umid} outside the debugger`, async () => {
    // Same HOME as the extension host, so it lands in the <home>/.uml the view watches.
    guest = spawn(path.join(ctx.tree, 'linux'), ['mem=64M', `umid=${umid}`, 'root=/dev/root', 'rootfstype=hostfs', `hostfs=${ctx.rootfs}`,
      'rw', 'init=/init', 'con=null', 'ssl=null', 'con0=null,fd:1'], { env: s.env, cwd: ctx.rootfs, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    ctx.guest = guest;
    guest.exited = false;
    guest.on('exit', (code, sig) => { guest.exited = true; s.log(`guest exited (${code ?? sig})`); });
    guest.stdout.on('data', (d) => { out += d; });
    guest.stderr.on('data', (d) => { out += d; });
    await waitUntil('GUEST-LOOP-READY from the guest', () => { if (guest.exited) throw new Error(`the guest exited:\n${out.slice(-1500)}`); return /GUEST-LOOP-READY/.test(out); }, 120000, 250)
      .catch((e) => { throw new Error(`${e.message}\n${out.slice(-1500)}`); });
    await waitUntil(`${s.umlDir}/${umid}/mconsole`, () => fs.existsSync(path.join(s.umlDir, umid, 'mconsole')), 20000, 250);
  });

  await s.step('open the workbench', async () => {
    await s.openWorkbench(ctx.workspace);
  });

  await s.step('open the UML view: the Instances view lists the guest', async () => {
    const item = page.locator('.activitybar .action-item a.action-label[aria-label^="UML"]').first();
    await item.waitFor({ state: 'visible', timeout: 60000 }).catch(async (e) => {
      throw new Error(`no activity bar item "UML…": ${e.message.split('\n')[0]}; items: ${JSON.stringify(await s.texts('.activitybar .action-item a.action-label'))}`);
    });
    await item.click();
    await page.waitForSelector('.pane-header[aria-label*="Instances"]', { state: 'attached', timeout: 30000 }); // hidden: the only view
    await s.widenSidebar();
    await waitUntil(`a row "${umid}" in the Instances view`, () => row().isVisible(), 30000, 500)
      .catch(async (e) => { throw new Error(`${e.message}; rows: ${JSON.stringify(await s.texts(rowsSel))}`); });
    const label = (await row().getAttribute('aria-label')) ?? (await row().textContent());
    s.log(`row: ${label}`);
    const text = await row().textContent();
    if (!/running/.test(text)) throw new Error(`the row does not say running: "${text}"`);
    if (!text.includes(`pid ${guest.pid}`)) throw new Error(`the row does not show the guest's pid ${guest.pid}: "${text}"`);
    await s.shot('instances-view');
  });

  await s.step('context menu "Version (mconsole)" shows the kernel version', async () => {
    await s.clearNotifications();
    await row().click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'Version (mconsole)' });
    await item.waitFor({ state: 'visible', timeout: 15000 }).catch(async (e) => {
      throw new Error(`no "Version (mconsole)" in the context menu: ${e.message.split('\n')[0]}; menu: ${JSON.stringify(await page.getByRole('menuitem').allTextContents().catch(() => []))}`);
    });
    await sleep(500); // the menu fades in
    await s.shot('context-menu');
    await item.click();
    const text = await s.waitForNotification(new RegExp(`${umid}: Linux .*\\b6\\.1\\.\\d+`), 20000);
    s.log(`notification: ${text}`);
    await page.waitForSelector('.notifications-toasts .notification-toast.notification-fade-in-done', { timeout: 5000 }).catch(() => {});
    await s.shot('version-notification');
  });

  await s.step('inline Halt ends the guest and the row goes away', async () => {
    await s.clearNotifications();
    await row().hover();
    const halt = row().locator('.actions .action-label[aria-label="Halt"]');
    await halt.waitFor({ state: 'visible', timeout: 10000 }).catch(async (e) => {
      throw new Error(`no inline Halt button on the row: ${e.message.split('\n')[0]}; inline actions: ${JSON.stringify(await row().locator('.actions .action-label').evaluateAll((els) => els.map((x) => x.getAttribute('aria-label'))).catch(() => []))}`);
    });
    await s.shot('halt-button');
    const t = Date.now();
    await halt.click();
    await waitUntil('the guest process to end', () => guest.exited, 20000, 100);
    s.log(`guest ended ${Date.now() - t} ms after Halt`);
    await waitUntil(`the row ${umid} to disappear`, async () => !(await row().isVisible()), 10000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; rows: ${JSON.stringify(await s.texts(rowsSel))}`); });
    s.log(`row gone ${Date.now() - t} ms after Halt`);
    await waitUntil(`no process with umid=${umid}`, () => umidProcesses(umid).length === 0, 10000, 250)
      .catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(umidProcesses(umid))}`); });
    await sleep(500);
    await s.notifications();
    await s.shot('after-halt');
  });
}
