// UI test harness: a real VS Code (code-server, the web workbench with a Node extension host)
// driven by headless Chromium through playwright-core, with this repository loaded as the
// extension under development (no packaging, nothing written into the repository but
// test-results/ui/).
//
//   ensureTools()        installs (once, cached outside the repo) code-server and playwright-core,
//                        plus the Debian packages they need (only the missing ones).
//   new UiSession(...)   one test's world: a temp HOME/XDG_*, code-server in its own process
//                        group on a free 127.0.0.1 port, a headless Chromium page, screenshots.
//   session.openWorkbench(), .palette(), ...   driving the page: workbench.mjs (Workbench).
//   session.close()      ends all of it; also done by process exit/signal handlers, so nothing
//                        survives a failed or interrupted run (server group, browser, UML guests
//                        of the umids the test registered, temp dirs, <home>/.uml/<umid>).
//
// Every process started from here inherits UML_UI_TEST_RUN=<token> in its environment: the
// last-resort cleanup ends exactly those (gdb and UML started by the extension host included)
// and never anybody else's.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CODE_SERVER_VERSION, sh } from './tools.mjs';
import { live, killGroup, killPids, markedProcesses, cleanupAllSync, registerDir, registerUmid, umidProcesses } from './cleanup.mjs';
import { makeBusyboxRoot, sleep, waitUntil } from '../support/shared.cjs';
import { Workbench } from './workbench.mjs';

export { umidProcesses, markedProcesses, processesNamed, registerUmid, registerDir, cleanupAllSync } from './cleanup.mjs';

export { CODE_SERVER_VERSION, PLAYWRIGHT_VERSION, TOOLS_DIR, ensureDebs, ensureTools } from './tools.mjs';
export { sleep, waitUntil } from '../support/shared.cjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(REPO, 'test-results', 'ui');

// ---------------------------------------------------------------------------------------------
// Small helpers.

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** A busybox hostfs root filesystem in a temp dir, removed on exit; `initBody` follows the mounts in /init. */
export function makeRootfs(initBody) {
  return registerDir(makeBusyboxRoot(initBody, { prefix: 'uml-ui-rootfs-' }));
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

export class UiSession extends Workbench {
  /**
   * @param {string} name  test name: screenshots go to test-results/ui/<name>/
   * @param {object} o  { settings: extra user settings, log: function }
   */
  constructor(name, o = {}) {
    super();
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

  async shot(name) {
    if (!this.page || this.page.isClosed()) return;
    const f = path.join(this.outDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: f, timeout: 15000 });
    this.log(`screenshot ${path.relative(REPO, f)}`);
    return f;
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
