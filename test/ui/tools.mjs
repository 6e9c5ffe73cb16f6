// UI test tools: the Debian packages, code-server and playwright-core, installed once and
// cached outside the repository (harness.mjs re-exports what tests use).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export const CODE_SERVER_VERSION = '4.100.3'; // VS Code 1.100.3: the newest code-server that runs on Node 20
export const PLAYWRIGHT_VERSION = '1.65.1';
// code-server 4.100.3 -> @vscode/ripgrep 1.15.11, whose postinstall downloads this archive
// (no internet here) unless it finds it in $TMPDIR/<dir>/.
const RG_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
const RG_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
export const CHROMIUM = '/usr/bin/chromium';
// Debian packages: chromium (the browser), libkrb5-dev + a compiler (code-server's native
// modules build from source), ripgrep (its rg replaces the download), python3 (node-gyp and the
// extension's mconsole relay), busybox-static (guest root filesystems), gdb (the debugger).
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'python3', 'make', 'g++', 'busybox-static', 'gdb'];

const REAL_CACHE = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
export const TOOLS_DIR = process.env.UML_UI_TOOLS_DIR
  || path.join(REAL_CACHE, 'uml-kernel-debug', 'ui-tools', `code-server-${CODE_SERVER_VERSION}-playwright-core-${PLAYWRIGHT_VERSION}-node${process.versions.node.split('.')[0]}`);

// ---------------------------------------------------------------------------------------------
// Tools: Debian packages, code-server and playwright-core (cached outside the repo).

export function sh(cmd, args, opts = {}) {
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

