// The lower levels in VS Code's own views: the exception filters in the Breakpoints view, the
// Disassembly view at a stop in cmdline_proc_show (its symbol and source line), and the Debug
// Console's completion of a struct member, a kernel list (init_task.children) opened there as its
// entries, and one opened in the Variables view (the proc super block's inodes, reached from
// cmdline_proc_show's argument m). A small workspace with a launch.json (no tree).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerDir, registerUmid, umidProcesses, processesNamed, waitUntil, sleep } from './harness.mjs';
import { makeBusyboxRoot } from '../support/shared.cjs';

export const name = 'lowlevel';
export const timeoutMs = 5 * 60 * 1000;

export function settings(ctx) {
  ctx.ws = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-lowlevel-')));
  makeBusyboxRoot('while true; do cat /proc/cmdline >/dev/null; sleep 1; done', { dir: path.join(ctx.ws, 'rootfs') });
  fs.mkdirSync(path.join(ctx.ws, '.vscode'));
  fs.writeFileSync(path.join(ctx.ws, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'uml', request: 'launch', name: 'UML', kernel: path.join(ctx.tree, 'linux'), rootfs: '${workspaceFolder}/rootfs', init: '/init', mem: '128M', console: 'internalConsole' }],
  }, null, 2));
  return { 'debug.internalConsoleOptions': 'neverOpen' };
}

export async function run(s, ctx) {
  const { page } = s;
  let umid = '';
  const breakpoints = s.paneRows('Breakpoints');

  await s.step('open the workspace, add a function breakpoint on cmdline_proc_show', async () => {
    await s.openWorkbench(ctx.ws);
    await s.addFunctionBreakpoint('cmdline_proc_show');
  });

  await s.step('F5 stops in cmdline_proc_show', async () => {
    await s.pressF5();
    umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 60000, 250);
    registerUmid(umid, s.umlDir);
    await waitUntil('the Call Stack at cmdline_proc_show', async () => (await s.texts(s.paneRows('Call Stack'))).some((r) => /^Stack Frame cmdline_proc_show\b/.test(r)), 90000, 250);
  });

  await s.step('the Call Stack lists kernel tasks as threads: the running one first, init and kthreadd', async () => {
    // All rows: once VS Code has fetched the whole stack of the running task, its frames push
    // the other threads out of sight (and out of the DOM).
    const rows = await waitUntil('task threads in the Call Stack', async () => {
      const r = await s.allPaneRows('Call Stack');
      return r.some((x) => /\[2\] kthreadd \(S: sleeping\)/.test(x)) && r;
    }, 20000, 500).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.allPaneRows('Call Stack'))}`); });
    s.log(`call stack: ${JSON.stringify(rows.slice(0, 30))}`);
    if (!/^Thread \[\d+\] cat \(running\)/.test(rows[0])) throw new Error(`the running task is not first: ${rows[0]}`);
    if (!rows.some((x) => /\[1\] init \(S: sleeping\)/.test(x))) throw new Error('no init thread');
    await s.shot('task-threads');
  });

  await s.step('UML: Show Kernel Log shows the guest\'s printk buffer', async () => {
    await s.palette('UML: Show Kernel Log');
    const text = await waitUntil('the boot log in the "UML Kernel Log" output', async () => {
      const t = (await page.$$eval('.part.panel .view-lines .view-line', (els) => els.map((e) => e.textContent.replace(/\u00a0/g, ' ')))).join('\n');
      return /\[ *\d+\.\d+\] Run \/init as init process/.test(t) && t;  // the view shows the log's end
    }, 20000, 500).catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}`); });
    s.log(`kernel log (start): ${JSON.stringify(text.slice(0, 200))}`);
    await s.shot('kernel-log');
  });

  await s.step('the Breakpoints view lists the exception filters, panic and oops on', async () => {
    const rows = await waitUntil('the exception filter rows', async () => {
      const r = await page.$$eval(breakpoints, (els) => els.map((e) => ({ text: e.textContent.trim(), checked: !!e.querySelector('input[type=checkbox]')?.checked })));
      return r.some((x) => /Guest process crashed/.test(x.text)) && r;
    }, 20000, 250);
    s.log(`breakpoints view: ${JSON.stringify(rows)}`);
    const row = (label) => rows.find((x) => x.text.startsWith(label));
    for (const [label, on] of [['Kernel panic', true], ['Oops / BUG', true], ['WARN', false], ['Guest process crashed', false]]) {
      if (!row(label)) throw new Error(`no "${label}" row: ${JSON.stringify(rows)}`);
      if (row(label).checked !== on) throw new Error(`"${label}" is ${row(label).checked ? 'on' : 'off'}, expected ${on ? 'on' : 'off'}`);
    }
    await s.shot('exception-filters');
  });

  await s.step('Open Disassembly View: the instructions around the pc, cmdline.c:9 interleaved', async () => {
    await s.palette('Open Disassembly View');
    const rows = '.disassembly-view .monaco-list-row';
    const text = await waitUntil('source line 9 of cmdline.c among the instructions', async () => {
      const t = await page.$$eval(rows, (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim())).catch(() => []);
      return t.some((x) => /^9: seq_puts\(m, saved_command_line\);/.test(x)) && t;
    }, 30000, 500).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await s.texts(rows)).slice(0, 20))}`); });
    // A row: optional "N: source line", then address, bytes, instruction.
    const insns = text.map((x) => /(0x[0-9a-f]{6,}) [0-9a-f]{2}\b/.exec(x)?.[1]).filter(Boolean);
    s.log(`disassembly: ${text.length} rows, ${insns.length} instructions; around line 9: ${JSON.stringify(text.slice(Math.max(0, text.findIndex((x) => /^9: /.test(x)) - 2), text.findIndex((x) => /^9: /.test(x)) + 3))}`);
    if (insns.length < 20) throw new Error(`only ${insns.length} instructions shown`);
    const addrs = insns.map((x) => BigInt(x));
    if (!addrs.every((a, i) => i === 0 || a > addrs[i - 1])) throw new Error('instruction addresses are not in order');
    await s.shot('disassembly-view');
  });

  await s.step('Debug Console completes a struct member through gdb', async () => {
    await page.keyboard.press('Control+Shift+Y');  // View: Debug Console (focuses its input)
    await page.locator('.repl .repl-input-wrapper').waitFor({ timeout: 15000 });
    await page.locator('.repl .repl-input-wrapper').click();
    await sleep(300);
    await page.keyboard.type('init_task.com');
    await page.keyboard.press('Control+Space');
    await waitUntil('a suggestion "comm"', async () => (await s.texts('.suggest-widget .monaco-list-row')).some((r) => /\bcomm\b/.test(r)), 15000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; suggestions: ${JSON.stringify(await s.texts('.suggest-widget .monaco-list-row'))}`); });
    await s.shot('completion');
    await page.keyboard.press('Escape');
  });

  await s.step('the Debug Console shows init_task.children as its entries: init and kthreadd', async () => {
    const input = page.locator('.repl .repl-input-wrapper');
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('init_task.children');
    await page.keyboard.press('Enter');
    const rows = '.repl .monaco-list-row';
    const head = page.locator(rows, { hasText: 'list of struct task_struct (.sibling)' }).last();
    await head.waitFor({ timeout: 15000 }).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts(rows))}`); });
    await head.click();  // a result with children opens on click
    const text = await waitUntil('init and kthreadd under it', async () => {
      const t = await s.texts(rows);
      return t.some((x) => /\[0\].*\{pid = 1, comm = "init"\}/.test(x)) && t.some((x) => /\[1\].*\{pid = 2, comm = "kthreadd"\}/.test(x)) && t;
    }, 15000, 250).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts(rows))}`); });
    s.log(`debug console: ${JSON.stringify(text.slice(-6))}`);
    await s.shot('kernel-list');
  });

  await s.step('the Variables view opens m->file->f_inode->i_sb->s_inodes as the super block\'s inodes', async () => {
    const pane = s.paneRows('Variables');
    const list = page.locator('.pane:has(.pane-header[aria-label*="Variables"]) .monaco-list').first();
    // A row drawn now, scrolling the view down (VS Code draws the rows in sight) until it is.
    const find = async (re) => {
      const box = await list.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
      for (let turn = 0; turn < 60; turn++) {
        // DOM order, as nth() counts (texts() gives list order).
        const i = await page.locator(pane).evaluateAll((els, src) => els.findIndex((e) => new RegExp(src).test((e.getAttribute('aria-label') || e.textContent || '').trim())), re.source);
        if (i >= 0) return page.locator(pane).nth(i);
        await page.mouse.wheel(0, box.height / 3);
        await sleep(150);
      }
      throw new Error(`no Variables row matching ${re}: ${JSON.stringify(await s.texts(pane))}`);
    };
    const open = async (name) => {
      const row = await waitUntil(`the row ${name}`, () => find(new RegExp(`^${name}, value `)).catch(() => undefined), 15000, 300)
        .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts(pane))}`); });
      await row.click();  // a collapsed row opens on click
      return row;
    };
    await open('m');
    await open('file');
    await open('f_inode');
    await open('i_sb');
    await page.mouse.wheel(0, -1e6);
    const head = await open('s_inodes');
    const label = await head.getAttribute('aria-label');
    if (!/list of struct inode \(\.i_sb_list\)/.test(label)) throw new Error(`s_inodes shows "${label}", not its list`);
    const entry = await waitUntil('an inode entry under s_inodes', () => find(/^\[0\], value 0x[0-9a-f]+ \{i_ino = \d+\}|^\[0\.\.99\], value /).catch(() => undefined), 15000, 300);
    s.log(`s_inodes: ${label}; first entry: ${await entry.getAttribute('aria-label')}`);
    await s.shot('variables-kernel-list');
    ctx.sInodes = find;
  });

  await s.step('the row\'s context menu: Show as Raw shows the head\'s pointers, Show as Contents the list again, View as List of... what the sources say', async () => {
    const pane = s.paneRows('Variables');
    const row = (re) => waitUntil(`a Variables row ${re}`, () => ctx.sInodes(re).catch(() => undefined), 15000, 300);
    const menu = async (r, item) => {
      await r.click({ button: 'right' });
      const entry = page.getByRole('menuitem', { name: item });
      await entry.waitFor({ state: 'visible', timeout: 15000 }).catch(async (e) => {
        throw new Error(`no "${item}" in the row's context menu: ${e.message.split('\n')[0]}; menu: ${JSON.stringify(await page.getByRole('menuitem').allTextContents().catch(() => []))}`);
      });
      await sleep(300);  // the menu fades in
      await entry.click();
    };
    await menu(await row(/^s_inodes, value list of struct inode/), 'Show as Raw');
    await waitUntil('s_inodes shown raw', async () => (await s.texts(pane)).some((t) => /^s_inodes, value \{\.\.\.\}/.test(t)), 15000, 250)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts(pane))}`); });
    const raw = await row(/^s_inodes, value \{\.\.\.\}/);
    if ((await raw.getAttribute('aria-expanded')) !== 'true') await raw.click();
    // (prev may be drawn below the pane's edge)
    await waitUntil('the raw head\'s next under it, no entries', async () => { const t = await s.texts(pane); return t.some((x) => /^next, value 0x/.test(x)) && !t.some((x) => /^\[0\], value /.test(x)); }, 15000, 250)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts(pane))}`); });
    await s.shot('show-as-raw');
    await menu(raw, 'Show as Contents');
    await row(/^s_inodes, value list of struct inode \(\.i_sb_list\)/);
    await menu(await row(/^s_inodes, value list of struct inode/), 'View as List of...');
    const picks = await waitUntil('the candidates from the sources', async () => {
      const t = await s.texts('.quick-input-widget .monaco-list-row');
      return t.some((x) => /struct inode\.i_sb_list.*places? in the sources/.test(x)) && t;
    }, 15000, 250).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts('.quick-input-widget .monaco-list-row'))}`); });
    s.log(`View as List of...: ${JSON.stringify(picks)}`);
    await s.shot('view-as-list-of');
    await page.keyboard.press('Escape');
  });

  await s.step('Stop ends the kernel and gdb', async () => {
    await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
    await waitUntil(`no process with umid=${umid} and no gdb`, () => umidProcesses(umid).length === 0 && processesNamed('gdb').length === 0, 20000, 250);
  });
}
