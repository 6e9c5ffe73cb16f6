// Discovery of UML instances under the uml directory (~/.uml by default): each <umid>/ with a
// pid file and an mconsole socket. Cheap: reads a few small files, never talks to the guest.
import * as fs from 'fs';
import * as path from 'path';
import { isAlive } from './host';

export type InstanceState =
  | 'running'    // alive, not traced-stopped
  | 'debugger'   // stopped in a debugger (ptrace stop)
  | 'stale';     // pid file names a dead process (UML was killed): directory left behind

export interface UmlInstance {
  umid: string;
  dir: string;
  pid?: number;
  state: InstanceState;
  mconsole?: string;
  startedAt?: number;  // ms since epoch
}

interface ProcStat { state: string; startTicks: number }

function procStat(pid: number): ProcStat | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], startTicks: Number(f[19]) };
  } catch {
    return undefined;
  }
}

let bootTimeMs: number | undefined;
function bootTime(): number {
  if (bootTimeMs === undefined) {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    bootTimeMs = btime ? Number(btime[1]) * 1000 : 0;
  }
  return bootTimeMs;
}

// USER_HZ is 100 on every Linux architecture UML runs on.
const CLK_TCK = 100;

export function readInstance(umlDir: string, umid: string): UmlInstance | undefined {
  const dir = path.join(umlDir, umid);
  let pid: number | undefined;
  try {
    pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8').trim()) || undefined;
  } catch {
    if (!fs.existsSync(path.join(dir, 'mconsole'))) return undefined;  // not an instance directory
  }
  const sock = path.join(dir, 'mconsole');
  const mconsole = fs.existsSync(sock) ? sock : undefined;
  if (!pid || !isAlive(pid)) return { umid, dir, pid, state: 'stale', mconsole };
  const st = procStat(pid);
  const state: InstanceState = st && (st.state === 't' || st.state === 'T') ? 'debugger' : 'running';
  const startedAt = st ? bootTime() + (st.startTicks * 1000) / CLK_TCK : undefined;
  return { umid, dir, pid, state, mconsole, startedAt };
}

export function listInstances(umlDir: string): UmlInstance[] {
  let names: string[];
  try {
    names = fs.readdirSync(umlDir);
  } catch {
    return [];
  }
  return names.sort().map((n) => readInstance(umlDir, n)).filter((i): i is UmlInstance => !!i);
}

export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
