// UI tests' cleanup registry: every process and directory a test run makes is ended and removed
// on close, exit or signal; processes are found by the UML_UI_TEST_RUN mark in their environment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { killPids, processesWhere, readProc, umidProcesses } from '../support/shared.cjs';

export { killPids, umidProcesses };

// ---------------------------------------------------------------------------------------------
// Cleanup registry: what must not outlive this process.

const TOKEN = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
process.env.UML_UI_TEST_RUN = TOKEN; // inherited by everything we start
const MARK = `UML_UI_TEST_RUN=${TOKEN}`;

export const live = { pgids: new Set(), umids: new Map() /* umid -> [umlDirs] */, dirs: new Set() };

/** Processes started (directly or not) by this run, identified by the environment marker. */
export function markedProcesses() {
  return processesWhere((argv, pid) => readProc(pid, 'environ').split('\0').includes(MARK))
    .map((pid) => ({ pid, comm: readProc(pid, 'comm').trim(), args: readProc(pid, 'cmdline').split('\0').join(' ').trim() }));
}
export function processesNamed(comm) { return markedProcesses().filter((p) => p.comm === comm); }

export function killGroup(pgid, sig = 'SIGKILL') { try { process.kill(-pgid, sig); } catch { /* gone */ } }

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
