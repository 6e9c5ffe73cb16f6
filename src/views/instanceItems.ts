// What the Instances tree shows for each UML instance. Pure: no vscode, no processes.
import { UmlInstance, formatUptime } from '../uml/instances';

export type ShownState = 'running' | 'paused' | 'debugger' | 'unreachable' | 'stale';

export interface InstanceMarks {
  /** umids of debug sessions in this window. */
  owned: ReadonlySet<string>;
  /** umids paused with mconsole `stop` (UML cannot be asked: we remember). */
  paused: ReadonlySet<string>;
  /** umids whose mconsole did not answer the last time we asked. */
  unreachable: ReadonlySet<string>;
}

export interface InstanceRow {
  umid: string;
  label: string;
  description: string;
  tooltip: string;
  state: ShownState;
  /** For menus: `umlInstance state-<state>[ owned]`. */
  contextValue: string;
  icon: string;
}

const STATE_TEXT: Record<ShownState, string> = {
  running: 'running',
  paused: 'paused (mconsole stop)',
  debugger: 'stopped in the debugger',
  unreachable: 'not answering',
  stale: 'stale: process gone',
};

const ICON: Record<ShownState, string> = {
  running: 'vm-running',
  paused: 'debug-pause',
  debugger: 'debug-breakpoint-function',
  unreachable: 'question',
  stale: 'warning',
};

export function shownState(i: UmlInstance, m: InstanceMarks): ShownState {
  if (i.state === 'stale') return 'stale';
  if (i.state === 'debugger') return 'debugger';
  if (m.paused.has(i.umid)) return 'paused';
  if (m.unreachable.has(i.umid)) return 'unreachable';
  return 'running';
}

export function instanceRow(i: UmlInstance, m: InstanceMarks, now = Date.now()): InstanceRow {
  const state = shownState(i, m);
  const owned = m.owned.has(i.umid);
  const parts = [i.pid ? `pid ${i.pid}` : 'no pid', STATE_TEXT[state]];
  if (state !== 'stale' && i.startedAt) parts.push(`up ${formatUptime(now - i.startedAt)}`);
  if (owned) parts.push('debugging here');
  return {
    umid: i.umid,
    label: i.umid,
    description: parts.join(' · '),
    tooltip: `${i.dir}\n${parts.join('\n')}${i.mconsole ? `\nmconsole: ${i.mconsole}` : '\nno mconsole socket'}`,
    state,
    contextValue: `umlInstance state-${state}${owned ? ' owned' : ''}`,
    icon: ICON[state],
  };
}

/** The details shown under an instance, from its mconsole replies. */
export function detailRows(version: string | Error, meminfo: string | Error): Array<{ label: string; description: string }> {
  const rows: Array<{ label: string; description: string }> = [];
  rows.push({ label: 'Kernel', description: version instanceof Error ? version.message : version.trim() });
  if (meminfo instanceof Error) {
    rows.push({ label: 'Memory', description: meminfo.message });
  } else {
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1] ?? NaN);
    const mb = (v: number) => `${Math.round(v / 1024)} MB`;
    rows.push({ label: 'Memory', description: `${mb(kb('MemTotal'))} total, ${mb(kb('MemAvailable') || kb('MemFree'))} available` });
  }
  return rows;
}
