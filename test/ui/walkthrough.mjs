// The getting-started walkthrough in a real VS Code, on the test kernel's tree without a root
// filesystem: the host, tree, config and build steps are checked from the real state; "Create
// Root Filesystem" makes <tree>/rootfs and checks its step; "Start Debugging" boots the kernel
// with a breakpoint on cmdline_proc_show, `cat /proc/cmdline` in the guest stops there, and the
// last step is checked. Stop leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { registerUmid, registerDir, umidProcesses, processesNamed, waitUntil, sleep } from './harness.mjs';

export const name = 'walkthrough';
export const timeoutMs = 6 * 60 * 1000;
const TITLE = 'Debug the Linux Kernel as User-Mode Linux';

export function settings(ctx) {
  ctx.rootfs = registerDir(path.join(ctx.tree, 'rootfs'));
  fs.rmSync(ctx.rootfs, { recursive: true, force: true });
  return {};
}

/** Each step of the open walkthrough: its title and whether VS Code shows it checked. */
async function steps(page) {
  return page.$$eval('.getting-started-step', (els) => els.map((e) => ({
    id: e.getAttribute('data-step-id') ?? '',
    title: e.querySelector('.step-title')?.textContent?.trim() ?? '',
    // VS Code's check icon: codicon-getting-started-step-checked (unchecked: ...-unchecked).
    done: !!e.querySelector('[class*="step-checked"]'),
    icon: [...e.querySelectorAll('.codicon')].map((i) => i.className).join(' '),
  })));
}

async function waitDone(s, title, ms) {
  return waitUntil(`the step "${title}" checked`, async () => (await steps(s.page)).find((x) => x.title === title)?.done, ms, 500)
    .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await steps(s.page))}; notifications: ${JSON.stringify(await s.notifications())}`); });
}

/** Expands a step and clicks the button its description renders from a command link. */
async function clickButton(s, stepTitle, button) {
  await s.page.locator('.getting-started-step', { hasText: stepTitle }).first().click();
  await sleep(500);
  const b = s.page.locator('.getting-started-step.expanded .monaco-button, .getting-started-step.expanded a', { hasText: button }).first();
  await b.waitFor({ state: 'visible', timeout: 15000 });
  await b.click();
}

export async function run(s, ctx) {
  const { page } = s;
  let umid = '';
  await s.step('open the kernel tree and the walkthrough', async () => {
    await s.openWorkbench(ctx.tree);
    await s.palette('Welcome: Open Walkthrough...');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: TITLE }).first();
    await row.waitFor({ timeout: 15000 });
    await row.click();
    await waitUntil('the walkthrough\'s steps', async () => (await steps(page)).length === 6, 20000, 250)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await steps(page))}`); });
    s.log(`steps: ${JSON.stringify(await steps(page))}`);
    await s.shot('walkthrough');
  });

  await s.step('the state of this tree checks off the tree, config and build steps; the root filesystem step is open', async () => {
    for (const t of ['Get a kernel tree', 'Configure it for debugging', 'Build the kernel']) await waitDone(s, t, 20000);
    const st = await steps(page);
    if (st.find((x) => x.title === 'Create a root filesystem')?.done) throw new Error(`the root filesystem step is checked without <tree>/rootfs: ${JSON.stringify(st)}`);
    if (st.find((x) => x.title === 'Stop in the kernel')?.done) throw new Error(`the last step is checked before any stop: ${JSON.stringify(st)}`);
  });

  await s.step('"Check the Host" says what the host has, and the step is checked', async () => {
    await clickButton(s, 'Check the host', 'Check the Host');
    const n = await s.waitForNotification(/The host has what UML debugging needs: gdb, gcc, make, flex, bison, bc, libelf headers, python3, static busybox/, 20000);
    s.log(`notification: ${n}`);
    await waitDone(s, 'Check the host', 10000);
    await s.clearNotifications();
  });

  await s.step('"Create Root Filesystem" makes <tree>/rootfs with BusyBox; the step is checked', async () => {
    await clickButton(s, 'Create a root filesystem', 'Create Root Filesystem');
    await waitDone(s, 'Create a root filesystem', 120000);
    if (!fs.existsSync(path.join(ctx.rootfs, 'bin', 'busybox'))) throw new Error(`${ctx.rootfs}/bin/busybox missing`);
    await s.shot('rootfs-done');
  });

  await s.step('"Start Debugging": the kernel boots under the debugger with a breakpoint on cmdline_proc_show', async () => {
    await clickButton(s, 'Stop in the kernel', 'Start Debugging');
    await waitUntil('the debug toolbar', () => page.locator('.debug-toolbar').isVisible(), 60000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}`); });
    umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 60000, 250);
    registerUmid(umid, s.umlDir);
    let text = '';
    await waitUntil('a shell prompt in the UML console', async () => {
      await s.showTerminalPanel();
      text = await s.terminalText();
      const lines = text.split('\n').filter((l) => l.trim());
      return /root filesystem is up/.test(text) && /#\s*$/.test(lines[lines.length - 1] ?? '');
    }, 120000, 1000).catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
  });

  await s.step('`cat /proc/cmdline` stops in cmdline_proc_show: the last step is checked', async () => {
    await s.typeInTerminal('cat /proc/cmdline');
    await waitUntil('a stop in cmdline_proc_show', async () => (await s.texts(s.paneRows('Call Stack'))).some((x) => /^Stack Frame cmdline_proc_show\b/.test(x)), 90000, 500);
    // Back to the walkthrough's editor tab to read its steps.
    await page.locator('.tab', { hasText: 'Walkthrough' }).first().click();
    await waitDone(s, 'Stop in the kernel', 20000);
    await s.shot('all-steps-done');
    const st = await steps(page);
    if (!st.every((x) => x.done)) throw new Error(`not every step is checked: ${JSON.stringify(st)}`);
  });

  await s.step('Stop ends the kernel and gdb', async () => {
    await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
    await waitUntil(`no process with umid=${umid} and no gdb`, () => umidProcesses(umid).length === 0 && processesNamed('gdb').length === 0, 30000, 250)
      .catch((e) => { throw new Error(`${e.message}: left ${JSON.stringify([...umidProcesses(umid), ...processesNamed('gdb').map((p) => `${p.pid} ${p.args}`)])}`); });
    await waitUntil(`${s.umlDir}/${umid} removed`, () => !fs.existsSync(path.join(s.umlDir, umid)), 10000, 250);
  });
}
