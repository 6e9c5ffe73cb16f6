// Driving VS Code's workbench in the page: opening it and waiting until it is ready, the
// Quick Input (palette, Quick Open, Go to Line), breakpoints, terminals, notifications. UiSession
// (harness.mjs) extends this with the processes behind the page (this.page, this.port, this.tmp,
// this.vsix, this.log come from there).
//
// Every helper waits for the state it needs and never for a fixed moment: on a fresh, loaded
// machine the workbench draws the Explorer seconds before the extension host has registered
// our debugger and commands, and a key pressed while the workbench is busy can be lost.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, waitUntil } from '../support/shared.cjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
const UML_ACTIVITY_ITEM = '.activitybar .action-item a.action-label[aria-label^="UML"]';
const MANIFEST = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const EXTENSION_ID = `${MANIFEST.publisher}.${MANIFEST.name}`;

/** The extension's `workspaceContains:` activation event that `folder` meets, if any. */
function startupActivationEvent(folder) {
  return (MANIFEST.activationEvents ?? []).find((e) => e.startsWith('workspaceContains:') && fs.existsSync(path.join(folder, e.slice('workspaceContains:'.length))));
}

export class Workbench {
  /**
   * Opens the workbench on `folder` with /work/main as the extension under development, and
   * returns once it is ready for a test's first keystroke: the workbench restored (activity bar,
   * status bar, the folder in the Explorer), our extension's contributions registered (its
   * debugger, commands and the UML view container arrive together, when the extension host has
   * scanned it: before that VS Code hides the Breakpoints view and F5 finds no debugger), and
   * where the folder triggers its activation (a kernel tree), the extension activated.
   */
  async openWorkbench(folder, { development = true, extensionTests } = {}) {
    const entries = [];
    if (development) entries.push(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${this.port}${REPO}`]);
    if (extensionTests) entries.push(['extensionTestsPath', `vscode-remote://127.0.0.1:${this.port}${extensionTests}`]);
    const payload = encodeURIComponent(JSON.stringify(entries));
    const url = `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}&payload=${payload}`;
    this.log(`goto ${url}`);
    const t = Date.now();
    const since = () => `${((Date.now() - t) / 1000).toFixed(1)} s`;
    await this.page.goto(url, { timeout: 60000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    await this.page.waitForSelector('.activitybar .action-item', { timeout: 60000 });
    await this.page.waitForSelector('.part.statusbar .statusbar-item', { timeout: 60000 });
    // The explorer showing the folder's files: the workbench and its file service are ready.
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90000 });
    this.log(`workbench restored after ${since()}`);
    if (!development && !this.vsix) return;
    await waitUntil('the extension\'s contributions (the UML item in the activity bar)', () => this.page.locator(UML_ACTIVITY_ITEM).count(), 120000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; activity bar: ${JSON.stringify(await this.texts('.activitybar .action-item a.action-label'))}; extension host log: ${this.extensionHostLogTail()}`); });
    this.log(`extension contributions registered after ${since()}`);
    const trigger = startupActivationEvent(folder);
    if (trigger) {
      await waitUntil(`the extension's activation (${trigger})`, () => this.extensionActivated(), 120000, 250)
        .catch((e) => { throw new Error(`${e.message}; extension host log: ${this.extensionHostLogTail()}`); });
      this.log(`extension activated (${trigger}) after ${since()}`);
    }
    // VS Code's window progress while any extension activates (ends at most 5 s after it began).
    await waitUntil('no "Activating Extensions..." in the status bar', async () => !(await this.activatingExtensions()), 60000, 250);
    this.log(`workbench ready after ${since()}`);
  }

  /** Whether the status bar shows VS Code's "Activating Extensions..." progress. */
  async activatingExtensions() {
    return (await this.texts('.part.statusbar .statusbar-item')).some((x) => /Activating Extensions/.test(x));
  }

  /** The extension host logs of this session's VS Code (one per extension host started). */
  extensionHostLogs() {
    const found = [];
    const walk = (d) => {
      let entries = [];
      try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/^(remote)?exthost\.log$/.test(e.name)) found.push(p);
      }
    };
    walk(path.join(this.tmp, 'user-data', 'logs'));
    return found;
  }

  /** True once an extension host has logged the activation of our extension. */
  extensionActivated() {
    const line = `_doActivateExtension ${EXTENSION_ID},`;
    return this.extensionHostLogs().some((f) => { try { return fs.readFileSync(f, 'utf8').includes(line); } catch { return false; } });
  }

  extensionHostLogTail() {
    const f = this.extensionHostLogs().pop();
    if (!f) return '(none yet)';
    try { return JSON.stringify(fs.readFileSync(f, 'utf8').trim().split('\n').slice(-6)); } catch { return '(unreadable)'; }
  }

  async quickInput() {
    const box = this.page.locator(QUICK_INPUT_BOX);
    await box.waitFor({ state: 'visible', timeout: 15000 });
    return box;
  }

  /**
   * Opens a Quick Input with its key (F1: commands, Control+P: files, Control+G: a line) and
   * returns its input box once that has the keyboard focus. The key is pressed again while
   * nothing opened: a key that comes while the workbench is still busy, or while the focus is
   * in a part that drops it, is lost.
   */
  async openQuickInput(key) {
    const box = this.page.locator(QUICK_INPUT_BOX);
    // (page.evaluate: a locator would wait for the widget, which VS Code creates on first use)
    const focused = () => this.page.evaluate((sel) => { const e = document.querySelector(sel); return !!e && e === document.activeElement && e.offsetParent !== null; }, QUICK_INPUT_BOX).catch(() => false);
    let presses = 0;
    await waitUntil(`the Quick Input (${key}) with its input focused`, async () => {
      presses++;
      await this.page.keyboard.press(key);
      await waitUntil('focus', focused, 3000, 100).catch(() => {});
      return focused();
    }, 30000, 250);
    if (presses > 1) this.log(`${key} pressed ${presses} times before the Quick Input had the focus`);
    return box;
  }

  /**
   * Runs a command from the palette by its exact title (clicks that row, not the first one).
   * Until the entry shows (a command registered by an extension that is still loading, or the
   * first palette of a fresh profile filling its list), the palette is closed and opened again.
   */
  async palette(title, ms = 60000) {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const exact = (l) => l === title || l.startsWith(`${title}, `);
    let labels = [];
    let tries = 0;
    const i = await waitUntil(`the palette entry "${title}"`, async () => {
      tries++;
      const box = await this.openQuickInput('F1');
      await box.fill('>' + title);
      const k = await waitUntil('the entry', async () => {
        labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        const n = labels.findIndex(exact);
        return n >= 0 ? n + 1 : 0;
      }, 5000, 200).catch(() => 0);
      if (!k) await this.page.keyboard.press('Escape');
      return k;
    }, ms, 250).catch((e) => { throw new Error(`${e.message} (${tries} tries; last rows ${JSON.stringify(labels.slice(0, 5))})`); });
    if (tries > 1) this.log(`palette: "${title}" showed on try ${tries}`);
    await rows.nth(i - 1).click();
    // The click ran it: the palette closed, or the command's own question replaced it.
    const box = this.page.locator(QUICK_INPUT_BOX);
    await waitUntil(`the palette to run "${title}"`, async () => !(await box.isVisible()) || (await box.inputValue({ timeout: 1000 })) !== '>' + title, 10000, 100);
    await sleep(400);
  }

  /**
   * Adds a function breakpoint through the palette (the Breakpoints view's "+"). The command
   * edits the new entry in the Breakpoints view, which VS Code shows only once a debugger for
   * the workspace's configurations is registered (or breakpoints exist): the view is made
   * visible first, and the entry must be listed at the end.
   */
  async addFunctionBreakpoint(fn) {
    const pane = '.pane:has(.pane-header[aria-label*="Breakpoints"])';
    const header = this.page.locator('.part.sidebar .pane-header[aria-label*="Breakpoints"]');
    if (!(await header.isVisible().catch(() => false))) await this.palette('View: Show Run and Debug');
    await waitUntil('the Breakpoints view in Run and Debug', () => header.isVisible(), 60000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; sidebar views: ${JSON.stringify(await this.texts('.part.sidebar .pane-header'))}`); });
    await this.palette('Add Function Breakpoint');
    const input = this.page.locator(`${pane} .monaco-inputbox input`);
    await input.first().waitFor({ state: 'visible', timeout: 15000 }).catch(async (e) => {
      throw new Error(`no input for the new function breakpoint in the Breakpoints view: ${e.message.split('\n')[0]}; rows: ${JSON.stringify(await this.texts(this.paneRows('Breakpoints')))}`);
    });
    if (!(await input.first().evaluate((el) => el === document.activeElement, undefined, { timeout: 5000 }))) {
      this.log('the function breakpoint input is not focused: clicking it');
      await input.first().click();
    }
    await this.page.keyboard.type(fn);
    await this.page.keyboard.press('Enter');
    await waitUntil(`"${fn}" in the Breakpoints view`, async () => (await this.page.locator(`${pane} .monaco-inputbox input`).count()) === 0
      && (await this.texts(this.paneRows('Breakpoints'))).some((r) => r.includes(fn)), 10000, 250)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await this.texts(this.paneRows('Breakpoints')))}`); });
  }

  /**
   * F5 from the editor area; once more if it started nothing at all (no session, no picker, no
   * message): VS Code drops an F5 that comes while it still selects the launch configuration.
   */
  async pressF5() {
    await this.page.click('.part.editor');
    await this.page.keyboard.press('F5');
    const started = await waitUntil('the debug toolbar', () => this.page.locator('.debug-toolbar').isVisible(), 10000, 250).catch(() => false);
    if (!started && !(await this.page.locator('.quick-input-widget').isVisible()) && !(await this.notifications()).length) {
      this.log('F5 started nothing: pressing F5 again');
      await this.page.click('.part.editor');
      await this.page.keyboard.press('F5');
    }
  }

  /** Opens a file of the workspace with Quick Open (`rel`: its path in the folder). */
  async openFile(rel) {
    const page = this.page;
    await page.click('.part.editor');
    const box = await this.openQuickInput('Control+P');
    await box.fill(rel);
    const base = rel.split('/').pop();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: base }).filter({ hasText: rel.split('/').slice(0, -1).join('/') }).first();
    await row.waitFor({ timeout: 90000 });  // the first file search indexes the whole tree
    await row.click();
    await page.waitForSelector(`.tab.active[aria-label*="${base}"]`, { timeout: 30000 });
    await page.waitForSelector('.part.editor .monaco-editor.focused .view-lines', { timeout: 30000 });
  }

  /** Moves the cursor of the active editor to a line (Go to Line). */
  async goToLine(line) {
    await this.page.click('.part.editor .monaco-editor .view-lines');
    const box = await this.openQuickInput('Control+G');
    await box.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    // The status bar's cursor position says the editor is there.
    await waitUntil(`the cursor on line ${line}`, async () => (await this.texts('.statusbar-item')).some((t) => t.startsWith(`Ln ${line},`)), 10000, 100)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await this.texts('.statusbar-item')).filter((t) => /^Ln /.test(t)))}`); });
  }

  /** Shows the Terminal panel (its tab if the panel is open, else the palette). */
  async showTerminalPanel() {
    const tab = this.page.locator('.part.panel .composite-bar a.action-label[aria-label^="Terminal"]');
    if (await tab.isVisible().catch(() => false)) await tab.click();
    else await this.palette('View: Toggle Terminal');
    await sleep(300);
  }

  /** Drags the sidebar's sash so that long rows (descriptions) are readable in screenshots. */
  async widenSidebar(to = 560) {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box || box.width >= to) return;
    const x = box.x + box.width + 1;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + (to - box.width) / 2, y, { steps: 5 });
    await this.page.mouse.move(box.x + to, y, { steps: 5 });
    await this.page.mouse.up();
    await sleep(300);
  }

  /** Names of the terminals (tab list entries, or the single terminal's tab). */
  async terminalNames() {
    return this.page.$$eval('.terminal-tabs-entry, .single-terminal-tab', (els) => els.map((e) => e.textContent.trim()).filter(Boolean)).catch(() => []);
  }

  /**
   * The elements' labels; list rows in their list order (data-index): a monaco list reuses its
   * row elements, so while it draws (a stack that grows, a scroll) DOM order is not row order.
   */
  async texts(sel) {
    return this.page.$$eval(sel, (els) => els.map((e, n) => [e.hasAttribute('data-index') ? Number(e.getAttribute('data-index')) : n, (e.getAttribute('aria-label') || e.textContent || '').trim()])
      .sort((a, b) => a[0] - b[0]).map(([, t]) => t)).catch(() => []);
  }

  paneRows(paneTitle) { return `.pane:has(.pane-header[aria-label*="${paneTitle}"]) .monaco-list-row`; }

  /**
   * Every row of a view's list, not only the ones drawn: VS Code draws the rows in sight, so the
   * view is scrolled (mouse wheel) through to its end, and back to the top.
   */
  async allPaneRows(paneTitle) {
    const list = this.page.locator(`.pane:has(.pane-header[aria-label*="${paneTitle}"]) .monaco-list`).first();
    const rows = new Map();
    const drawn = () => list.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), (e.getAttribute('aria-label') || e.textContent || '').trim()]));
    const box = await list.boundingBox();
    if (!box) return [];
    await this.page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
    for (let turn = 0; turn < 200; turn++) {
      const before = rows.size;
      for (const [i, t] of await drawn()) rows.set(i, t);
      if (turn > 0 && rows.size === before) break;  // the wheel brought no new row: the end
      await this.page.mouse.wheel(0, box.height / 2);
      const last = Math.max(...rows.keys());
      await waitUntil('the list to scroll', async () => (await drawn()).some(([i]) => i > last), 1000, 50).catch(() => {});
    }
    await this.page.mouse.wheel(0, -1e6);
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  }

  async notifications() {
    const t = await this.page.$$eval('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message',
      (els) => els.map((e) => e.textContent.trim())).catch(() => []);
    t.forEach((x) => this.notificationsSeen.add(x));
    return t;
  }

  async waitForNotification(re, ms = 20000) {
    return waitUntil(`a notification matching ${re}`, async () => (await this.notifications()).find((t) => re.test(t)), ms, 250)
      .catch((e) => { throw new Error(`${e.message}; notifications seen: ${JSON.stringify([...this.notificationsSeen])}`); });
  }

  async clearNotifications() {
    await this.palette('Notifications: Clear All Notifications').catch(() => {});
  }

  /** The visible rows of the active terminal (DOM renderer), trailing blanks dropped. */
  async terminalText() {
    // The Debug Console may take the panel over (session start, output): show the terminal again.
    if (!(await this.page.locator('.terminal-wrapper.active .xterm, .xterm').first().isVisible().catch(() => false))) await this.showTerminalPanel().catch(() => {});
    // With several terminals (a task's and the console), the active one's rows.
    return this.page.evaluate(() => {
      const rows = document.querySelector('.terminal-wrapper.active .xterm-rows') ?? document.querySelector('.xterm .xterm-rows');
      return (rows ? [...rows.children] : []).map((r) => r.textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, '')).join('\n');
    }).catch(() => '');
  }

  async focusTerminal() {
    if (!(await this.page.locator('.xterm').first().isVisible().catch(() => false))) await this.showTerminalPanel();
    const active = this.page.locator('.terminal-wrapper.active .xterm');
    await ((await active.count()) ? active.first() : this.page.locator('.xterm').first()).click();
    await sleep(300);
  }

  async typeInTerminal(text) {
    await this.focusTerminal();
    await this.page.keyboard.type(text, { delay: 20 });
    await this.page.keyboard.press('Enter');
  }
}
