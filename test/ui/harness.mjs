// UI test harness: a real VS Code (code-server, the web workbench with a Node extension host)
// driven by headless Chromium through playwright-core, with this repository loaded as the
// extension under development (no packaging, nothing written into the repository but
// test-results/ui/).
//
//   ensureTools()        installs (once, cached outside the repo) code-server and playwright-core,
//                        plus the Debian packages they need (only the missing ones).
//   new UiSession(...)   one test's world: a temp HOME/XDG_*, code-server in its own process
//                        group on a free 127.0.0.1 port, a headless Chromium page, screenshots.
//   session.close()      ends all of it; also done by process exit/signal handlers, so nothing
//                        survives a failed or interrupted run (server group, browser, UML guests
//                        of the umids the test registered, temp dirs, <home>/.uml/<umid>).
//
// Every process started from here inherits UML_UI_TEST_RUN=<token> in its environment: the
// last-resort cleanup ends exactly those (gdb and UML started by the extension host included)
// and never anybody else's.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(REPO, 'test-results', 'ui');

export const CODE_SERVER_VERSION = '4.100.3'; // VS Code 1.100.3: the newest code-server that runs on Node 20
export const PLAYWRIGHT_VERSION = '1.65.1';
// code-server 4.100.3 -> @vscode/ripgrep 1.15.11, whose postinstall downloads this archive
// (no internet here) unless it finds it in $TMPDIR/<dir>/.
const RG_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
const RG_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const CHROMIUM = '/usr/bin/chromium';
// Debian packages: chromium (the browser), libkrb5-dev + a compiler (code-server's native
// modules build from source), ripgrep (its rg replaces the download), python3 (node-gyp and the
// extension's mconsole relay), busybox-static (guest root filesystems), gdb (the debugger).
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'python3', 'make', 'g++', 'busybox-static', 'gdb'];

const REAL_CACHE = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
export const TOOLS_DIR = process.env.UML_UI_TOOLS_DIR
  || path.join(REAL_CACHE, 'uml-kernel-debug', 'ui-tools', `code-server-${CODE_SERVER_VERSION}-playwright-core-${PLAYWRIGHT_VERSION}-node${process.versions.node.split('.')[0]}`);

// ---------------------------------------------------------------------------------------------
// Cleanup registry: what must not outlive this process.

const TOKEN = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
process.env.UML_UI_TEST_RUN = TOKEN; // inherited by everything we start
const MARK = `UML_UI_TEST_RUN=${TOKEN}`;

const live = { pgids: new Set(), umids: new Map() /* umid -> [umlDirs] */, dirs: new Set() };

function readProc(pid, file) {
  try { return fs.readFileSync(`/proc/${pid}/${file}`, 'latin1'); } catch { return ''; }
}
function pids() {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => p !== process.pid);
}

/** Host processes of a UML instance: the kernel and all its helpers carry umid=<umid> in argv. */
export function umidProcesses(umid) {
  return pids().filter((p) => readProc(p, 'cmdline').split('\0').slice(1).includes(`umid=${umid}`)
    && !/^Z/.test(procState(p)));
}
function procState(pid) {
  const s = readProc(pid, 'stat');
  return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
}
/** Processes started (directly or not) by this run, identified by the environment marker. */
export function markedProcesses() {
  return pids().filter((p) => readProc(p, 'environ').split('\0').includes(MARK) && !/^Z/.test(procState(p)))
    .map((pid) => ({ pid, comm: readProc(pid, 'comm').trim(), args: readProc(pid, 'cmdline').split('\0').join(' ').trim() }));
}
export function processesNamed(comm) { return markedProcesses().filter((p) => p.comm === comm); }

function killPids(list, sig = 'SIGKILL') {
  for (const p of list) { try { process.kill(p, sig); } catch { /* gone */ } }
}
function killGroup(pgid, sig = 'SIGKILL') { try { process.kill(-pgid, sig); } catch { /* gone */ } }

/** Registers a UML instance the test starts (directly or through the extension). */
export function registerUmid(umid, ...umlDirs) {
  const dirs = new Set([path.join(os.homedir(), '.uml'), ...umlDirs]);
  live.umids.set(umid, [...dirs]);
}
export function registerDir(dir) { live.dirs.add(dir); return dir; }

/** Synchronous: usable from an 'exit' handler. Safe to call repeatedly. */
export function cleanupAllSync() {
  for (const g of live.pgids) killGroup(g);
  live.pgids.clear();
  for (const [umid, dirs] of live.umids) {
    killPids(umidProcesses(umid));
    for (const d of dirs) fs.rmSync(path.join(d, umid), { recursive: true, force: true });
  }
  live.umids.clear();
  killPids(markedProcesses().map((p) => p.pid));
  for (const d of live.dirs) { try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* busy */ } }
  live.dirs.clear();
}

let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => cleanupAllSync());
  for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
    process.on(sig, () => { process.stderr.write(`ui harness: ${sig}, cleaning up\n`); process.exit(128 + n); });
  }
  // Playwright calls still pending when a test timed out reject once the browser closes.
  process.on('unhandledRejection', (e) => { if (process.env.UI_VERBOSE) process.stderr.write(`ui harness: unhandled rejection ${String(e?.message ?? e).split('\n')[0]}\n`); });
  process.on('uncaughtException', (e) => { process.stderr.write(`ui harness: uncaught ${e?.stack ?? e}\n`); process.exit(1); });
}
installExitHandlers();

// ---------------------------------------------------------------------------------------------
// Tools: Debian packages, code-server and playwright-core (cached outside the repo).

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`, status: r.status };
}

function missingDebs(pkgs) {
  return pkgs.filter((p) => !/install ok installed/.test(sh('dpkg-query', ['-W', '-f=${Status}', p]).out));
}

export function ensureDebs(pkgs = APT_PACKAGES, log = console.log) {
  const missing = missingDebs(pkgs);
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages: apt-get install -y ${missing.join(' ')} (as root)`);
  log(`ui harness: apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const up = sh('apt-get', ['update', '-q'], { env });
  if (!up.ok) throw new Error(`apt-get update failed:\n${up.out.slice(-3000)}`);
  const inst = sh('apt-get', ['install', '-y', '-q', ...missing], { env });
  if (!inst.ok) throw new Error(`apt-get install -y ${missing.join(' ')} failed:\n${inst.out.slice(-3000)}`);
}

function toolsReady(dir) {
  return fs.existsSync(path.join(dir, '.done'))
    && fs.existsSync(path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'))
    && fs.existsSync(path.join(dir, 'node_modules', 'playwright-core', 'package.json'));
}

/** Returns { codeServer, playwright } (entry script and the playwright-core module). */
export async function ensureTools({ log = console.log } = {}) {
  ensureDebs(APT_PACKAGES, log);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing although the chromium package is installed`);
  if (!toolsReady(TOOLS_DIR)) {
    // Install into a private directory and rename it into place: two runs at once both
    // install, the first rename wins, and a half-finished install is never used.
    const t0 = Date.now();
    fs.mkdirSync(path.dirname(TOOLS_DIR), { recursive: true });
    for (const e of fs.readdirSync(path.dirname(TOOLS_DIR))) { // installs killed half-way, hours ago
      const p = path.join(path.dirname(TOOLS_DIR), e);
      if (e.includes('.partial-') && Date.now() - fs.statSync(p).mtimeMs > 2 * 3600e3) fs.rmSync(p, { recursive: true, force: true });
    }
    const work = fs.mkdtempSync(`${TOOLS_DIR}.partial-`);
    log(`ui harness: installing code-server@${CODE_SERVER_VERSION} and playwright-core@${PLAYWRIGHT_VERSION} into ${TOOLS_DIR} (about 1-3 minutes, once)`);
    try {
      const tmp = path.join(work, 'tmp');
      const rgDir = path.join(tmp, RG_CACHE_DIR);
      const pack = path.join(tmp, 'rgpack');
      fs.mkdirSync(rgDir, { recursive: true });
      fs.mkdirSync(pack, { recursive: true });
      fs.copyFileSync('/usr/bin/rg', path.join(pack, 'rg'));
      fs.chmodSync(path.join(pack, 'rg'), 0o755);
      const tar = sh('tar', ['-C', pack, '-czf', path.join(rgDir, RG_ARCHIVE), 'rg']);
      if (!tar.ok) throw new Error(`packing rg failed: ${tar.out}`);
      fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({
        name: 'uml-kernel-debug-ui-tools', private: true,
        dependencies: { 'code-server': CODE_SERVER_VERSION, 'playwright-core': PLAYWRIGHT_VERSION },
      }, null, 2));
      // Node headers for the native modules: the prefix of the running node, if it ships them.
      const prefix = path.dirname(path.dirname(process.execPath));
      const nodedir = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : '/usr';
      // Under `npm run`, npm's own variables (npm_config_local_prefix=<this repo>, ...) would
      // send the nested install into the repository: keep only connection settings.
      const keep = /^npm_config_(cafile|userconfig|globalconfig|cache|registry|.*proxy|strict_ssl|ca|cert|key)$/i;
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
      delete base.INIT_CWD;
      const env = {
        ...base,
        TMPDIR: tmp,
        npm_config_nodedir: nodedir,
        npm_config_yes: 'true',
        npm_config_unsafe_perm: 'true',
        // npm 11 blocks dependencies' install scripts; code-server's postinstall runs nested
        // installs (node-pty, spdlog, kerberos, ...) that need theirs.
        npm_config_dangerously_allow_all_scripts: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      };
      const r = sh('npm', ['install', '--no-audit', '--no-fund'], { cwd: work, env });
      fs.writeFileSync(path.join(work, 'install.log'), r.out);
      if (!r.ok) throw new Error(`npm install in ${work} failed (exit ${r.status}):\n${r.out.slice(-4000)}`);
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.writeFileSync(path.join(work, '.done'), new Date().toISOString() + '\n');
      try {
        fs.renameSync(work, TOOLS_DIR);
      } catch (e) {
        if (!toolsReady(TOOLS_DIR)) throw e; // somebody else finished first: use theirs
        fs.rmSync(work, { recursive: true, force: true });
      }
      log(`ui harness: tools installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (e) {
      fs.rmSync(work, { recursive: true, force: true });
      throw e;
    }
  }
  const require = createRequire(path.join(TOOLS_DIR, 'package.json'));
  const playwright = require('playwright-core');
  return { codeServer: path.join(TOOLS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), playwright };
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Polls fn until it returns a truthy value; throws `what` after ms. */
export async function waitUntil(what, fn, ms, every = 500) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`${what}: not after ${(ms / 1000).toFixed(0)} s${last ? ` (last error: ${last.message.split('\n')[0]})` : ''}`);
    await sleep(every);
  }
}

/** A busybox hostfs root filesystem in a temp dir; `initBody` follows the mounts in /init. */
export function makeRootfs(initBody) {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  if (!busybox) throw new Error('busybox is missing: apt-get install -y busybox-static');
  const r = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-rootfs-')));
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp']) fs.mkdirSync(path.join(r, d));
  fs.copyFileSync(busybox, path.join(r, 'bin', 'busybox'));
  fs.chmodSync(path.join(r, 'bin', 'busybox'), 0o755);
  fs.writeFileSync(path.join(r, 'init'), `#!/bin/busybox sh\n/bin/busybox --install -s /bin\nmount -t proc proc /proc\n${initBody}\n`, { mode: 0o755 });
  return r;
}

export function testKernelTree() {
  const r = sh('bash', [path.join(REPO, 'scripts', 'test-kernel.sh')]);
  const tree = r.out.trim().split('\n').pop();
  if (!r.ok || !tree || !fs.existsSync(path.join(tree, 'linux'))) throw new Error(`scripts/test-kernel.sh failed:\n${r.out.slice(-3000)}`);
  return tree;
}

const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'terminal.integrated.gpuAcceleration': 'off', // DOM renderer: the terminal's text is readable
  'terminal.integrated.showTerminalConfigPrompt': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'search.followSymlinks': false,
  'update.mode': 'none',
};

// ---------------------------------------------------------------------------------------------
// One test's world.

export class UiSession {
  /**
   * @param {string} name  test name: screenshots go to test-results/ui/<name>/
   * @param {object} o  { settings: extra user settings, log: function }
   */
  constructor(name, o = {}) {
    this.name = name;
    this.outDir = path.join(RESULTS, name);
    fs.rmSync(this.outDir, { recursive: true, force: true });
    fs.mkdirSync(this.outDir, { recursive: true });
    this.extraSettings = o.settings ?? {};
    this.vsix = o.vsix;  // installed with --install-extension before the server starts
    this.t0 = Date.now();
    this.shots = 0;
    this.logLines = [];
    this.currentStep = '(setup)';
    this.notificationsSeen = new Set();
    this.pageErrors = [];
    this.closed = false;
  }

  log(msg) {
    const line = `[${((Date.now() - this.t0) / 1000).toFixed(1).padStart(6)}s] ${msg}`;
    this.logLines.push(line);
    if (process.env.UI_VERBOSE) console.log(`  ${this.name} ${line}`);
  }

  /** Runs one named step; a failure names it and leaves a screenshot. */
  async step(name, fn) {
    this.currentStep = name;
    const t = Date.now();
    this.log(`step: ${name}`);
    try {
      const v = await fn();
      this.log(`  ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      return v;
    } catch (e) {
      const msg = `step "${name}" failed: ${e.message}`;
      this.log(msg);
      await this.shot(`FAILED-${name.replace(/[^\w]+/g, '-').slice(0, 40)}`).catch(() => {});
      const err = new Error(msg);
      err.stepFailure = true;
      throw err;
    }
  }

  /** code-server in its own process group, HOME and XDG_* in a temp dir. */
  async start(tools) {
    this.tools = tools;
    this.tmp = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), `uml-ui-${this.name}-`)));
    this.home = path.join(this.tmp, 'home');
    const userData = path.join(this.tmp, 'user-data');
    for (const d of [this.home, path.join(userData, 'User'), path.join(this.tmp, 'extensions'), path.join(this.home, 'run')]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...this.extraSettings }, null, 2));
    this.env = {
      ...process.env,
      HOME: this.home,
      XDG_CONFIG_HOME: path.join(this.home, '.config'),
      XDG_DATA_HOME: path.join(this.home, '.local', 'share'),
      XDG_CACHE_HOME: path.join(this.home, '.cache'),
      XDG_STATE_HOME: path.join(this.home, '.local', 'state'),
      XDG_RUNTIME_DIR: path.join(this.home, 'run'),
      TMPDIR: this.tmp,
    };
    delete this.env.VSCODE_IPC_HOOK_CLI;
    this.umlDir = path.join(this.home, '.uml');
    if (this.vsix) {
      // What users install: the packaged extension, through code-server's own installer.
      const out = execFileSync(process.execPath, [tools.codeServer, '--user-data-dir', userData, '--extensions-dir', path.join(this.tmp, 'extensions'), '--install-extension', this.vsix],
        { env: this.env, cwd: this.tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      this.log(`install-extension: ${out.trim().split('\n').pop()}`);
    }
    let lastErr;
    for (let attempt = 1; attempt <= 3; attempt++) {
      this.port = await freePort();
      this.serverLog = path.join(this.outDir, 'code-server.log');
      const logFd = fs.openSync(this.serverLog, 'a');
      const proc = spawn(process.execPath, [tools.codeServer,
        '--bind-addr', `127.0.0.1:${this.port}`, '--auth', 'none',
        '--user-data-dir', userData, '--extensions-dir', path.join(this.tmp, 'extensions'),
        '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
        '--disable-getting-started-override', '--ignore-last-opened'],
      { env: this.env, cwd: this.tmp, detached: true, stdio: ['ignore', logFd, logFd] });
      fs.closeSync(logFd);
      this.server = proc;
      live.pgids.add(proc.pid);
      this.serverExited = false;
      proc.on('exit', (code, sig) => { this.serverExited = true; this.log(`code-server exited (${code ?? sig})`); });
      try {
        const t = Date.now();
        await waitUntil('code-server /healthz', async () => {
          if (this.serverExited) throw new Error('code-server exited');
          const r = await fetch(`http://127.0.0.1:${this.port}/healthz`);
          return r.ok;
        }, 60000, 250);
        this.log(`code-server ${CODE_SERVER_VERSION} healthy on 127.0.0.1:${this.port} after ${Date.now() - t} ms (pgid ${proc.pid})`);
        break;
      } catch (e) {
        lastErr = e;
        this.log(`code-server start attempt ${attempt} failed: ${e.message}`);
        await this.stopServer();
        if (attempt === 3) throw new Error(`code-server did not start: ${lastErr.message}\n${fs.readFileSync(this.serverLog, 'utf8').slice(-3000)}`);
      }
    }
    this.browser = await tools.playwright.chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env: process.env,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      // (playwright gives the browser a fresh temporary profile of its own)
    });
    this.context = await this.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    this.page = await this.context.newPage();
    this.page.setDefaultTimeout(30000);
    this.page.on('pageerror', (e) => this.pageErrors.push(e.message));
  }

  /** Opens the workbench on `folder` with /work/main as the extension under development. */
  async openWorkbench(folder, { development = true, extensionTests } = {}) {
    const entries = [];
    if (development) entries.push(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${this.port}${REPO}`]);
    if (extensionTests) entries.push(['extensionTestsPath', `vscode-remote://127.0.0.1:${this.port}${extensionTests}`]);
    const payload = encodeURIComponent(JSON.stringify(entries));
    const url = `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}&payload=${payload}`;
    this.log(`goto ${url}`);
    await this.page.goto(url, { timeout: 60000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    await this.page.waitForSelector('.activitybar .action-item', { timeout: 60000 });
    // The explorer showing the folder's files: the workbench and its file service are ready.
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90000 });
    await sleep(1500);
  }

  async shot(name) {
    if (!this.page || this.page.isClosed()) return;
    const f = path.join(this.outDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: f, timeout: 15000 });
    this.log(`screenshot ${path.relative(REPO, f)}`);
    return f;
  }

  // ---- workbench helpers -------------------------------------------------------------------

  async quickInput() {
    const box = this.page.locator('.quick-input-widget .quick-input-box input');
    await box.waitFor({ state: 'visible', timeout: 15000 });
    return box;
  }

  /** Runs a command from the palette by its exact title (clicks that row, not the first one). */
  async palette(title) {
    await this.page.keyboard.press('F1');
    const box = await this.quickInput();
    await box.fill('>' + title);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const exact = (l) => l === title || l.startsWith(`${title}, `);
    const i = await waitUntil(`the palette entry "${title}"`, async () => {
      const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      const k = labels.findIndex(exact);
      return k >= 0 ? k + 1 : 0;
    }, 15000, 200).catch(async (e) => { await this.page.keyboard.press('Escape'); throw e; });
    await rows.nth(i - 1).click();
    await sleep(400);
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

  async texts(sel) {
    return this.page.$$eval(sel, (els) => els.map((e) => (e.getAttribute('aria-label') || e.textContent || '').trim())).catch(() => []);
  }

  paneRows(paneTitle) { return `.pane:has(.pane-header[aria-label*="${paneTitle}"]) .monaco-list-row`; }

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
    return this.page.$$eval('.terminal-wrapper.active .xterm-rows, .xterm .xterm-rows',
      (els) => (els.length ? [...els[0].children] : []).map((r) => r.textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, '')).join('\n'))
      .catch(() => '');
  }

  async focusTerminal() {
    if (!(await this.page.locator('.xterm').first().isVisible().catch(() => false))) await this.showTerminalPanel();
    await this.page.locator('.terminal-wrapper.active .xterm, .xterm').first().click();
    await sleep(300);
  }

  async typeInTerminal(text) {
    await this.focusTerminal();
    await this.page.keyboard.type(text, { delay: 20 });
    await this.page.keyboard.press('Enter');
  }

  // ---- teardown ----------------------------------------------------------------------------

  async stopServer() {
    const p = this.server;
    if (!p) return;
    this.server = undefined;
    killGroup(p.pid, 'SIGTERM');
    const end = Date.now() + 5000;
    while (!this.serverExited && Date.now() < end) await sleep(100);
    killGroup(p.pid, 'SIGKILL');
    live.pgids.delete(p.pid);
  }

  /** Ends everything this session started. Never throws. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    try { await this.notifications(); } catch { /* page gone */ }
    try { await this.browser?.close(); } catch { /* already gone */ }
    try { await this.stopServer(); } catch { /* ignore */ }
    try { // VS Code's own logs (extension host, exthost output channels, server) for diagnosis
      const logs = path.join(this.tmp ?? '/nonexistent', 'user-data', 'logs');
      if (fs.existsSync(logs)) fs.cpSync(logs, path.join(this.outDir, 'vscode-logs'), { recursive: true });
    } catch { /* ignore */ }
    try {
      fs.writeFileSync(path.join(this.outDir, 'log.txt'), [
        ...this.logLines, '', 'notifications seen:', ...[...this.notificationsSeen].map((n) => `  ${n}`),
        '', 'page errors:', ...this.pageErrors.slice(0, 50).map((n) => `  ${n.split('\n')[0]}`), '',
      ].join('\n'));
    } catch { /* ignore */ }
  }
}

/** After every test: end what is left of this run (except the runner itself). */
export async function endStragglers() {
  const found = markedProcesses();
  if (found.length) {
    killPids(found.map((p) => p.pid), 'SIGTERM');
    await sleep(1000);
    killPids(markedProcesses().map((p) => p.pid));
  }
  cleanupAllSync();
  return { killed: found };
}
