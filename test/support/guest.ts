// A guest started by hand (no debugger), the way users start UML from a terminal today.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, ChildProcess } from 'child_process';
import { testKernel } from './testKernel';
import { killInstance } from '../../src/uml/host';
import { pollUntil } from './shared';

export interface Guest {
  umid: string;
  proc: ChildProcess;
  output(): string;
  waitFor(re: RegExp, ms?: number): Promise<void>;
  kill(): void;
}

export async function startGuest(rootfs: string, umid: string, extraArgs: string[] = []): Promise<Guest> {
  const proc = spawn(testKernel(), ['mem=64M', `umid=${umid}`, 'root=/dev/root', 'rootfstype=hostfs', `hostfs=${rootfs}`, 'rw', 'init=/init', 'con=null', 'ssl=null', 'con0=null,fd:1', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const g: Guest = {
    umid,
    proc,
    output: () => out,
    async waitFor(re, ms = 30000) {
      if (!await pollUntil(() => re.test(out), ms, 50)) throw new Error(`guest ${umid} never printed ${re}:\n${out.slice(-2000)}`);
    },
    kill() {
      killInstance(path.join(os.homedir(), '.uml'), umid);
      // Our end of the console pipes: a test file must never wait on a pipe some process still holds.
      proc.stdout!.destroy();
      proc.stderr!.destroy();
    },
  };
  const pidFile = path.join(os.homedir(), '.uml', umid, 'pid');
  if (!await pollUntil(() => fs.existsSync(pidFile), 30000, 50)) { g.kill(); throw new Error(`guest ${umid} did not start:\n${out}`); }
  return g;
}
