// F5 in the kernel tree: breakpoint on cmdline_proc_show (F9 on fs/proc/cmdline.c:9), the guest
// shell in the "UML console" terminal, `cat /proc/cmdline` stops there (call stack, variables,
// current line), Continue, typing still reaches the guest, Stop leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { registerUmid, registerDir, umidProcesses, processesNamed, waitUntil, sleep, REPO } from './harness.mjs';

export const name = 'f5';
export const timeoutMs = 6 * 60 * 1000;

// No launch.json: F5 in a kernel tree must just work. The extension's default configuration
// boots ${workspaceFolder}/rootfs when it exists: the test makes one there with the extension's
// own BusyBox recipe (removed afterwards), whose /sbin/init gives a shell on the console.
export function settings(ctx) {
  ctx.rootfs = registerDir(path.join(ctx.tree, 'rootfs'));
  fs.rmSync(ctx.rootfs, { recursive: true, force: true });
  return {};
}

export async function prepare(ctx) {
  const { createRootfs } = await import(path.join(REPO, 'out', 'src', 'rootfs', 'create.js'));
  await createRootfs({ recipe: 'busybox', target: ctx.rootfs, output: 'dir', hostname: 'uml' }, { log: () => {}, step: () => {} });
}

export async function run(s, ctx) {
  const { page } = s;
  let umid = '';
  await prepare(ctx);
  const callStack = s.paneRows('Call Stack');
  const variables = s.paneRows('Variables');

  await s.step('open the kernel tree as the workspace', async () => {
    await s.openWorkbench(ctx.tree);
    await s.shot('workbench');
  });

  await s.step('open fs/proc/cmdline.c with Quick Open', () => s.openFile('fs/proc/cmdline.c'));

  await s.step('F9 on line 9 (breakpoint in cmdline_proc_show)', async () => {
    await s.goToLine(9);
    await page.keyboard.press('F9');
    await waitUntil('a breakpoint glyph in the editor', async () => (await page.locator('.part.editor .codicon-debug-breakpoint').count()) > 0, 10000, 250);
    const line = await lineOf(page, '.part.editor .codicon-debug-breakpoint');
    if (line !== 9) throw new Error(`the breakpoint glyph is on line ${line}, not 9`);
    await s.shot('breakpoint-set');
  });

  await s.step('F5 starts the session', async () => {
    await page.click('.part.editor .monaco-editor .view-lines');
    ctx.tF5 = Date.now();
    await page.keyboard.press('F5');
    // VS Code (not the extension) ignores an F5 that comes while it is still selecting the
    // launch configuration after startup: it only opens the Run and Debug view. Press once more
    // if nothing at all happened (no session, no picker, no message).
    const started = await waitUntil('the debug toolbar', () => page.locator('.debug-toolbar').isVisible(), 12000, 250).catch(() => false);
    if (!started && !(await page.locator('.quick-input-widget').isVisible()) && !(await s.notifications()).length) {
      s.log('F5 started nothing (VS Code still loading the launch configurations?): pressing F5 again');
      await page.click('.part.editor .monaco-editor .view-lines');
      ctx.tF5 = Date.now();
      await page.keyboard.press('F5');
    }
    await waitUntil('the debug toolbar', () => page.locator('.debug-toolbar').isVisible(), 60000, 250).catch(async (e) => {
      const picker = await page.locator('.quick-input-widget').isVisible().catch(() => false);
      throw new Error(`${e.message}${picker ? `; a picker is open instead: ${JSON.stringify(await s.texts('.quick-input-widget .monaco-list-row'))}` : ''}; notifications: ${JSON.stringify(await s.notifications())}`);
    });
    s.log(`debug toolbar after ${Date.now() - ctx.tF5} ms`);
    // The configuration was filled in by the extension: its umid shows up under the uml directory.
    umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 60000, 250);
    registerUmid(umid, s.umlDir);
    s.log(`umid ${umid}`);
    await s.shot('session-started');
  });

  await s.step('the launch overlapped: gdb loaded the kernel while VS Code made the console terminal', async () => {
    // The adapter's own record of the launch (ms from the launch request), in its session directory.
    const file = path.join(s.home, '.cache', 'uml-kernel-debug', 'sessions', umid, 'timeline.json');
    const marks = await waitUntil(`${file} up to "running"`, () => {
      const t = JSON.parse(fs.readFileSync(file, 'utf8'));
      return t.marks.some((m) => m.name === 'running') && Object.fromEntries(t.marks.map((m) => [m.name, m.ms]));
    }, 60000, 250);
    s.log(`launch timeline: ${JSON.stringify(marks)}`);
    const before = (a, b) => { if (!(marks[a] !== undefined && marks[b] !== undefined && marks[a] <= marks[b])) throw new Error(`expected ${a} before ${b}: ${JSON.stringify(marks)}`); };
    before('runtime-start', 'terminal-tty');      // gdb's side (index cache, gdb, symbols) did not wait for the terminal
    before('terminal-requested', 'symbols-loaded'); // nor the terminal for gdb's symbols
    before('symbols-loaded', 'tty-bound');       // the tty joins a kernel that is already loaded...
    before('terminal-tty', 'tty-bound');
    before('tty-bound', 'running');              // ...and the kernel starts on it
  });

  await s.step('guest shell in the "UML console" terminal', async () => {
    await waitUntil('a terminal', async () => { await s.showTerminalPanel(); return (await page.locator('.xterm').count()) > 0; }, 60000, 1000);
    const title = await waitUntil('a terminal named "UML console"', async () => (await s.terminalNames()).find((x) => /UML console/.test(x)), 20000, 500)
      .catch(async (e) => { throw new Error(`${e.message}; terminals: ${JSON.stringify(await s.terminalNames())}`); });
    s.log(`terminal: ${title}`);
    let text = '';
    await waitUntil('the BusyBox banner and a shell prompt in the terminal', async () => {
      text = await s.terminalText();
      if (/Kernel panic/.test(text)) throw new Error(`the guest panicked:\n${text.slice(-1500)}`);
      const lines = text.split('\n').filter((l) => l.trim());
      return /root filesystem is up/.test(text) && /#\s*$/.test(lines[lines.length - 1] ?? '');
    }, 240000, 1000).catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    s.log(`guest shell ${Date.now() - ctx.tF5} ms after F5`);
    await s.shot('guest-shell');
  });

  await s.step('`cat /proc/cmdline` stops at cmdline_proc_show', async () => {
    const t = Date.now();
    await s.typeInTerminal('cat /proc/cmdline');
    const rows = await waitUntil('the Call Stack showing a stopped frame', async () => {
      const r = await s.texts(callStack);
      return r.some((x) => /^Stack Frame/.test(x)) && r;
    }, 90000, 500).catch(async (e) => { throw new Error(`${e.message}; call stack: ${JSON.stringify(await s.texts(callStack))}; terminal: ${(await s.terminalText()).slice(-600)}`); });
    s.log(`stopped ${Date.now() - t} ms after Enter; call stack: ${JSON.stringify(rows)}`);
    const top = rows.find((x) => /^Stack Frame/.test(x));
    if (!/^Stack Frame cmdline_proc_show\b/.test(top)) throw new Error(`the top stack frame is "${top}", not cmdline_proc_show (rows: ${JSON.stringify(rows)})`);
    if (!rows.some((x) => /Paused on breakpoint/.test(x))) throw new Error(`no thread is "Paused on breakpoint": ${JSON.stringify(rows)}`);
  });

  await s.step('Variables shows the argument m', async () => {
    const rows = await waitUntil('a Variables row for m', async () => {
      const r = await s.texts(variables);
      return r.some((x) => /^m, value /.test(x)) && r;
    }, 30000, 500).catch(async (e) => { throw new Error(`${e.message}; variables: ${JSON.stringify(await s.texts(variables))}`); });
    s.log(`variables: ${JSON.stringify(rows)}`);
  });

  await s.step('the editor shows the current line 9 of cmdline.c', async () => {
    await waitUntil('cmdline.c as the active editor', () => page.locator('.tab.active[aria-label*="cmdline.c"]').count(), 15000, 250);
    await waitUntil('the current-line highlight', async () => (await page.locator('.part.editor .debug-top-stack-frame-line').count()) > 0, 15000, 250);
    const line = await lineOf(page, '.part.editor .debug-top-stack-frame-line');
    if (line !== 9) throw new Error(`the highlighted current line is ${line}, not 9`);
    await s.shot('stopped-at-breakpoint');
  });

  await s.step('Continue: the guest prints its command line', async () => {
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
    await waitUntil('the Call Stack no longer paused', async () => !(await s.texts(callStack)).some((x) => /^Stack Frame/.test(x)), 20000, 250);
    await waitUntil('the Variables view cleared', async () => (await s.texts(variables)).length === 0, 10000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; still shows ${JSON.stringify(await s.texts(variables))}`); });
    let text = '';
    await waitUntil('the cmdline output in the terminal', async () => {
      text = await s.terminalText();
      return /rootfstype=hostfs/.test(text.split('cat /proc/cmdline').pop());
    }, 30000, 500).catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await s.shot('after-continue');
  });

  await s.step('typed commands run in the guest (echo TYPED-$((6*7)))', async () => {
    await s.typeInTerminal('echo TYPED-$((6*7))');
    let text = '';
    await waitUntil('TYPED-42 in the terminal', async () => { text = await s.terminalText(); return /TYPED-42/.test(text); }, 30000, 500)
      .catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await s.shot('typed-command');
  });

  await s.step('Stop ends the session, the kernel and gdb', async () => {
    const gdbBefore = processesNamed('gdb');
    s.log(`before Stop: ${umidProcesses(umid).length} processes with umid=${umid}, gdb ${JSON.stringify(gdbBefore.map((p) => p.pid))}`);
    if (!umidProcesses(umid).length) throw new Error(`no host process carries umid=${umid} before Stop`);
    const t = Date.now();
    await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
    await waitUntil('the debug toolbar to go away', async () => !(await page.locator('.debug-toolbar').isVisible()), 30000, 250);
    await waitUntil(`no process with umid=${umid} and no gdb`, () => umidProcesses(umid).length === 0 && processesNamed('gdb').length === 0, 20000, 250)
      .catch((e) => { throw new Error(`${e.message}: left ${JSON.stringify([...umidProcesses(umid), ...processesNamed('gdb').map((p) => `${p.pid} ${p.args}`)])}`); });
    await waitUntil(`${s.umlDir}/${umid} removed`, () => !fs.existsSync(path.join(s.umlDir, umid)), 10000, 250);
    s.log(`everything gone ${Date.now() - t} ms after Stop`);
    await sleep(1000);
    await s.shot('after-stop');
  });
}

/** The editor line number at the vertical position of the first element matching `sel`. */
async function lineOf(page, sel) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const editor = el.closest('.monaco-editor');
    const r = el.getBoundingClientRect();
    const mid = r.top + r.height / 2;
    for (const n of editor.querySelectorAll('.margin-view-overlays .line-numbers')) {
      const b = n.getBoundingClientRect();
      if (mid >= b.top && mid < b.bottom) return Number(n.textContent.trim());
    }
    return null;
  }, sel);
}
