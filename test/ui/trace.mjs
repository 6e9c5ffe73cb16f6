// A kernel trace in the guest console terminal is a set of links: the guest WARNs (LKDTM) at
// boot, and Ctrl+click on the `lkdtm_WARNING+0x..` frame of its Call Trace opens
// drivers/misc/lkdtm/bugs.c at the line gdb gives for that frame's address.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { registerDir, registerUmid, waitUntil, sleep } from './harness.mjs';
import { makeBusyboxRoot } from '../support/shared.cjs';

export const name = 'trace';
export const timeoutMs = 5 * 60 * 1000;

export function settings(ctx) {
  ctx.ws = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-trace-')));
  makeBusyboxRoot('mount -t debugfs none /sys/kernel/debug\necho WARNING > /sys/kernel/debug/provoke-crash/DIRECT\necho TRACE-DONE\nexec /bin/sh', { dir: path.join(ctx.ws, 'rootfs'), sysfs: true });
  fs.mkdirSync(path.join(ctx.ws, '.vscode'));
  fs.writeFileSync(path.join(ctx.ws, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'uml', request: 'launch', name: 'UML', kernel: path.join(ctx.tree, 'linux'), rootfs: '${workspaceFolder}/rootfs', init: '/init', mem: '128M' }],
  }, null, 2));
  return {};
}

/** The screen box of `needle` in the terminal row that holds it (DOM renderer: text in spans). */
async function boxOf(page, needle) {
  return page.evaluate((n) => {
    const rows = document.querySelector('.terminal-wrapper.active .xterm-rows') ?? document.querySelector('.xterm .xterm-rows');
    for (const row of rows ? [...rows.children] : []) {
      const text = row.textContent.replace(/\u00a0/g, ' ');
      const at = text.indexOf(n);
      if (at < 0) continue;
      // Map the row's character offsets onto its text nodes.
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let total = 0;
      for (let t = walker.nextNode(); t; t = walker.nextNode()) { nodes.push([t, total]); total += t.textContent.length; }
      const locate = (i) => { const [node, base] = nodes.filter(([, b]) => b <= i).pop(); return [node, i - base]; };
      const range = document.createRange();
      range.setStart(...locate(at));
      range.setEnd(...locate(at + n.length - 1));
      const r = range.getBoundingClientRect();
      return { x: r.left + Math.min(r.width / 2, 30), y: r.top + r.height / 2, row: text.trim() };
    }
    return undefined;
  }, needle);
}

export async function run(s, ctx) {
  const { page } = s;
  let frameRow = '';

  await s.step('open the workspace, F5: the guest WARNs at boot and its trace is in the console terminal', async () => {
    await s.openWorkbench(ctx.ws);
    await s.pressF5();
    const umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 60000, 250);
    registerUmid(umid, s.umlDir);
    let text = '';
    await waitUntil('the end of the trace and TRACE-DONE in the terminal', async () => {
      text = await s.terminalText();
      return /end trace[\s\S]*TRACE-DONE/.test(text);
    }, 120000, 1000).catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-2000)}`); });
    // The frame sits above the screen's rows: a maximized panel, then the terminal scrolled up to it.
    await s.palette('View: Toggle Maximized Panel');
    await s.focusTerminal();
    const box = await page.locator('.terminal-wrapper.active .xterm, .xterm').first().boundingBox();
    frameRow = await waitUntil('the lkdtm_WARNING frame on screen', async () => {
      const row = (await s.terminalText()).split('\n').find((l) => /\[<[0-9a-f]+>\] lkdtm_WARNING\+0x/.test(l));
      if (!row) { await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2); await page.mouse.wheel(0, -120); }
      return row?.trim();
    }, 20000, 300).catch(async (e) => { throw new Error(`${e.message}\nterminal shows:\n${(await s.terminalText()).slice(-2000)}`); });
    s.log(`frame row: ${frameRow}`);
  });

  await s.step('Ctrl+click on the lkdtm_WARNING frame opens bugs.c at the line gdb gives for its address', async () => {
    const addr = /\[<([0-9a-f]+)>\]/.exec(frameRow)[1];
    const info = execFileSync('gdb', ['-batch', '-nx', path.join(ctx.tree, 'linux'), '-ex', `info line *0x${addr}`], { encoding: 'utf8' });
    const [, line, file] = /^Line (\d+) of "([^"]+)"/m.exec(info);
    s.log(`gdb: 0x${addr} is ${file}:${line}`);
    const needle = `lkdtm_WARNING+0x`;
    const box = await waitUntil(`"${needle}" on screen`, () => boxOf(page, `] ${needle}`), 10000, 250);
    const x = box.x + 10;
    // VS Code finds a terminal's links when the pointer rests on a line; Ctrl+click follows one.
    await page.mouse.move(x, box.y);
    await sleep(800);
    await page.keyboard.down('Control');
    await page.mouse.move(x + 1, box.y);
    await sleep(300);
    await page.mouse.click(x + 1, box.y);
    await page.keyboard.up('Control');
    await page.waitForSelector('.tab.active[aria-label*="bugs.c"]', { timeout: 30000 }).catch(async (e) => {
      throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}; tabs: ${JSON.stringify(await s.texts('.tab'))}`);
    });
    await waitUntil(`the cursor on line ${line}`, async () => (await s.texts('.statusbar-item')).some((t) => t.startsWith(`Ln ${line},`)), 10000, 100)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await s.texts('.statusbar-item')).filter((t) => /^Ln /.test(t)))}`); });
    await s.shot('frame-opened');
  });

  await s.step('Stop ends the session', async () => {
    await page.keyboard.press('Shift+F5');
    await waitUntil('no debug toolbar', async () => !(await page.locator('.debug-toolbar').isVisible()), 30000, 250);
  });
}
