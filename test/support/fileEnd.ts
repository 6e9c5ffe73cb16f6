// Loaded before every test file (run-tests.mjs: --require). When the file's tests are done,
// nothing they started may still run: no child process of this test process (adapters, gdb,
// linux) and no UML instance with this file's umids (uniqueUmid puts our pid in them; a guest
// process orphaned to init is found by its umid). Anything left is killed and fails the file by
// name, instead of holding a pipe open until the runner's timeout.
import { after } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCmdline } from '../../src/uml/host';
import { pids, parentOf, killPids, pollUntil } from './shared';

/** Live processes (not zombies) that descend from us or carry one of our umids. */
export function strayProcesses(): Array<{ pid: number; cmd: string }> {
  const ours = new RegExp(`(^|\\s)umid=t-[^\\s]*-${process.pid}-\\d+(\\s|$)`);
  const all = pids();
  const parent = new Map(all.map((p) => [p, parentOf(p)]));
  const descends = (p: number): boolean => {
    for (let q = parent.get(p), hops = 0; q !== undefined && q > 1 && hops < 64; q = parent.get(q), hops++) {
      if (q === process.pid) return true;
    }
    return false;
  };
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const pid of all) {
    const argv = readCmdline(pid);
    if (!argv?.length) continue;  // a zombie, or already gone
    const cmd = argv.join(' ');
    if (descends(pid) || ours.test(cmd)) out.push({ pid, cmd: cmd.slice(0, 200) });
  }
  return out;
}

// The runner's own process (the one with --test) has no tests of its own to check.
async function check(): Promise<void> {
  // Adapters told to stop may need a moment to exit.
  let stray: ReturnType<typeof strayProcesses> = [];
  await pollUntil(() => !(stray = strayProcesses()).length, 5000, 100);
  killPids(stray.map((s) => s.pid));
  const umlDir = path.join(os.homedir(), '.uml');
  const dirs = fs.existsSync(umlDir) ? fs.readdirSync(umlDir).filter((d) => d.includes(`-${process.pid}-`) && d.startsWith('t-')) : [];
  for (const d of dirs) fs.rmSync(path.join(umlDir, d), { recursive: true, force: true });
  if (stray.length || dirs.length) {
    throw new Error(`left behind when the tests of ${path.basename(process.argv[1] ?? '?')} ended (now killed and removed):\n${[
      ...stray.map((s) => `  process ${s.pid}: ${s.cmd}`), ...dirs.map((d) => `  ~/.uml/${d}`)].join('\n')}`);
  }
}

// The runner's own process (the one with --test) has no tests of its own to check. Registered
// once the test file has loaded, the check comes after the file's own after hooks (its cleanup).
if (!process.execArgv.includes('--test')) setImmediate(() => after(check));
