// The edit-rebuild-debug loop in a real VS Code, on a scratch copy of the test kernel's tree (the
// cached tree is never built in) with a launch.json holding one "uml" configuration: an edit to
// cmdline_proc_show left unsaved, F9 on the new line, F5 (the extension's own F5 for that one
// configuration: it saves as debug.saveBeforeStart says and skips VS Code's configuration
// reload) saves the edit, rebuilds the kernel first (the "uml: linux" task) and stops there when
// the guest runs `cat /proc/cmdline`, and the edited code runs. Then a compiler error: F5 starts
// nothing and says so, the error is in the Problems view, no instance and no gdb exist.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { registerUmid, registerDir, umidProcesses, processesNamed, waitUntil, sleep, REPO } from './harness.mjs';

export const name = 'loop';
export const timeoutMs = 8 * 60 * 1000;

export async function run(s, ctx) {
  const { page } = s;
  let umid = '';
  let tree = '';
  await s.step('a scratch copy of the test kernel tree, with a BusyBox root filesystem', async () => {
    const scratch = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-loop-')));
    tree = path.join(scratch, 'linux');
    execFileSync('cp', ['-a', ctx.tree, tree]);
    fs.rmSync(path.join(tree, 'rootfs'), { recursive: true, force: true });
    const { createRootfs } = await import(path.join(REPO, 'out', 'src', 'rootfs', 'create.js'));
    await createRootfs({ recipe: 'busybox', target: path.join(tree, 'rootfs'), output: 'dir', hostname: 'uml' }, { log: () => {}, step: () => {} });
    ctx.kernelBefore = fs.statSync(path.join(tree, 'linux')).mtimeMs;
    fs.mkdirSync(path.join(tree, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(tree, '.vscode', 'launch.json'), JSON.stringify({
      version: '0.2.0',
      configurations: [{ type: 'uml', request: 'launch', name: 'UML loop', kernel: '${workspaceFolder}/linux', rootfs: '${workspaceFolder}/rootfs', console: 'integratedTerminal' }],
    }, null, 2));
  });

  await s.step('open it, edit cmdline_proc_show, leave it unsaved', async () => {
    await s.openWorkbench(tree);
    await s.openFile('fs/proc/cmdline.c');
    await s.goToLine(9);
    await page.keyboard.press('Home');
    await page.keyboard.insertText('\tseq_puts(m, "EDITED ");\n');
    await sleep(500);
    if (fs.readFileSync(path.join(tree, 'fs/proc/cmdline.c'), 'utf8').includes('EDITED')) throw new Error('the edit is on disk before F5 (auto save?)');
  });

  await s.step('F9 on the new line 9, F5: the edit is saved, the kernel is rebuilt first, then boots', async () => {
    await s.goToLine(9);
    await page.keyboard.press('F9');
    await waitUntil('a breakpoint glyph', async () => (await page.locator('.part.editor .codicon-debug-breakpoint').count()) > 0, 10000, 250);
    await page.click('.part.editor .monaco-editor .view-lines');
    const t = Date.now();
    await page.keyboard.press('F5');
    await waitUntil('a rebuilt linux', () => fs.statSync(path.join(tree, 'linux')).mtimeMs > ctx.kernelBefore, 240000, 500)
      .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}; terminals: ${JSON.stringify(await s.terminalNames())}`); });
    if (!fs.readFileSync(path.join(tree, 'fs/proc/cmdline.c'), 'utf8').includes('seq_puts(m, "EDITED ");')) throw new Error('F5 did not save the edit');
    s.log(`linux rebuilt ${Date.now() - t} ms after F5`);
    await waitUntil('the debug toolbar', () => page.locator('.debug-toolbar').isVisible(), 120000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}`); });
    umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 60000, 250);
    registerUmid(umid, s.umlDir);
    // The extension's F5 ran (its mark opens the session's timeline), not VS Code's.
    const file = path.join(s.home, '.cache', 'uml-kernel-debug', 'sessions', umid, 'timeline.json');
    const first = await waitUntil(`${file}`, () => JSON.parse(fs.readFileSync(file, 'utf8')).before?.[0]?.name, 30000, 250);
    if (first !== 'f5-key') throw new Error(`the timeline starts with ${first}, not f5-key: VS Code's own F5 ran`);
    await s.shot('rebuilt-and-started');
  });

  await s.step('`cat /proc/cmdline` stops on the edited line; Continue prints the edit', async () => {
    let text = '';
    await waitUntil('a shell prompt in the UML console', async () => {
      await s.showTerminalPanel();
      const names = await s.terminalNames();
      const i = names.findIndex((n) => /UML console/.test(n));
      if (i < 0) return false;
      text = await s.terminalText();
      const lines = text.split('\n').filter((l) => l.trim());
      return /root filesystem is up/.test(text) && /#\s*$/.test(lines[lines.length - 1] ?? '');
    }, 120000, 1000).catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await s.typeInTerminal('cat /proc/cmdline');
    const rows = await waitUntil('a stop in cmdline_proc_show', async () => {
      const r = await s.texts(s.paneRows('Call Stack'));
      return r.some((x) => /^Stack Frame cmdline_proc_show\b/.test(x)) && r;
    }, 90000, 500);
    const top = rows.find((x) => /^Stack Frame/.test(x));
    if (!/line 9\b/.test(top)) throw new Error(`the stop is not on the edited line 9: ${top}`);
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
    await waitUntil('EDITED in the guest\'s /proc/cmdline', async () => { text = await s.terminalText(); return /EDITED \S+/.test(text); }, 30000, 500)
      .catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await s.shot('edited-code-ran');
  });

  await s.step('edit again, save, Restart: the kernel is rebuilt, reboots under the same session, the breakpoint holds, the new code runs', async () => {
    const before = fs.statSync(path.join(tree, 'linux')).mtimeMs;
    await page.locator('.tab', { hasText: 'cmdline.c' }).first().click();
    await s.goToLine(9);
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.insertText('seq_puts(m, "AGAIN ");');
    await page.keyboard.press('Control+S');
    await waitUntil('the second edit on disk', () => fs.readFileSync(path.join(tree, 'fs/proc/cmdline.c'), 'utf8').includes('seq_puts(m, "AGAIN ");'), 10000, 250);
    await page.locator('.debug-toolbar .action-label.codicon-debug-restart').click();
    await waitUntil('linux rebuilt for the Restart', () => fs.statSync(path.join(tree, 'linux')).mtimeMs > before, 240000, 500)
      .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}`); });
    let text = '';
    await waitUntil('the guest\'s second boot to a shell prompt', async () => {
      await s.showTerminalPanel();
      const t = (await s.terminalNames()).find((n) => /UML console/.test(n));
      if (t) await page.locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'UML console' }).first().click().catch(() => {});
      text = await s.terminalText();
      const lines = text.split('\n').filter((l) => l.trim());
      return /AGAIN|root filesystem is up/.test(text.split('EDITED').pop()) && /#\s*$/.test(lines[lines.length - 1] ?? '') && text.split('EDITED').pop().includes('root filesystem is up');
    }, 120000, 1000).catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await s.typeInTerminal('cat /proc/cmdline');
    await waitUntil('a stop in cmdline_proc_show after Restart', async () => (await s.texts(s.paneRows('Call Stack'))).some((x) => /^Stack Frame cmdline_proc_show\b.*line 9\b/.test(x)), 90000, 500);
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
    await waitUntil('AGAIN in the guest\'s /proc/cmdline', async () => { text = await s.terminalText(); return /AGAIN \S+/.test(text); }, 30000, 500)
      .catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await s.shot('restart-rebuilt');
    await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
    await waitUntil(`no process with umid=${umid} and no gdb`, () => umidProcesses(umid).length === 0 && processesNamed('gdb').length === 0, 30000, 250);
  });

  await s.step('a compiler error: F5 starts nothing, says so, and the error is in the Problems view', async () => {
    await s.clearNotifications();
    await page.locator('.tab', { hasText: 'cmdline.c' }).first().click();
    await s.goToLine(9);
    await page.keyboard.press('Home');
    await page.keyboard.insertText('\tthis is not C;\n');
    await page.keyboard.press('Control+S');
    await waitUntil('the broken edit on disk', () => fs.readFileSync(path.join(tree, 'fs/proc/cmdline.c'), 'utf8').includes('this is not C;'), 10000, 250);
    const before = fs.readdirSync(s.umlDir);
    await page.click('.part.editor .monaco-editor .view-lines');
    await page.keyboard.press('F5');
    const n = await s.waitForNotification(/The kernel build failed \(make exited with \d+\): nothing was started/, 240000);
    s.log(`notification: ${n}`);
    const problems = await waitUntil('errors in the status bar\'s problems count', async () => {
      const t = (await s.texts('.statusbar-item')).find((x) => /^\d+ errors?/i.test(x) || /Errors?: \d+/i.test(x));
      return t && !/^0 /.test(t) && t;
    }, 20000, 500).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts('.statusbar-item'))}`); });
    s.log(`problems: ${problems}`);
    if (await page.locator('.debug-toolbar').isVisible()) throw new Error('a debug session started after the failed build');
    const after = fs.readdirSync(s.umlDir);
    if (after.length !== before.length) throw new Error(`an instance appeared: ${JSON.stringify(after)}`);
    if (processesNamed('gdb').length) throw new Error('a gdb is running');
    await s.shot('build-failed');
  });
}
