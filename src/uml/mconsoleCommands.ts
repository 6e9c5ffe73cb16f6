// The mconsole commands the extension sends, built and checked in one place. Pure.

export const SYSRQ: Array<[string, string]> = [
  ['b', 'reboot immediately, without syncing or unmounting'],
  ['c', 'crash the kernel (panic)'],
  ['e', 'send SIGTERM to all processes except init'],
  ['f', 'call the OOM killer'],
  ['i', 'send SIGKILL to all processes except init'],
  ['l', 'show a backtrace of all active CPUs'],
  ['m', 'show memory usage (on UML 6.1 the mconsole reply stops midway and the guest wedges)'],
  ['o', 'power off'],
  ['p', 'show registers and flags'],
  ['q', 'show armed timers'],
  ['s', 'sync all mounted filesystems'],
  ['t', 'show the task list with backtraces'],
  ['u', 'remount all filesystems read-only'],
  ['w', 'show blocked (D state) tasks'],
  ['0', 'set the console log level to 0 (… 9 likewise)'],
];

function oneLine(what: string, s: string): string {
  const t = s.trim();
  if (!t) throw new Error(`${what} is empty`);
  if (/[\n\r]/.test(t)) throw new Error(`${what} must be one line`);
  return t;
}

export const mc = {
  version: () => 'version',
  halt: () => 'halt',
  reboot: () => 'reboot',
  cad: () => 'cad',
  stop: () => 'stop',
  go: () => 'go',
  sysrq: (key: string) => {
    if (!/^[0-9a-z]$/.test(key)) throw new Error(`sysrq takes one letter or digit, not "${key}"`);
    return `sysrq ${key}`;
  },
  /** e.g. ubd1=/path/disk.img — the same syntax as on the kernel command line. */
  config: (spec: string) => {
    const t = oneLine('Device', spec);
    if (!/^[a-z]+\d*=/.test(t)) throw new Error(`"${t}" is not a device setting: use the command-line syntax, e.g. ubd1=/path/disk.img`);
    return `config ${t}`;
  },
  remove: (dev: string) => {
    const t = oneLine('Device', dev);
    if (!/^[a-z]+\d+$/.test(t)) throw new Error(`"${t}" is not a device name: e.g. ubd1 or eth0`);
    return `remove ${t}`;
  },
  proc: (file: string) => `proc ${oneLine('/proc file', file).replace(/^\/?proc\//, '')}`,
  stack: (pid: number | string) => {
    if (!/^\d+$/.test(String(pid).trim())) throw new Error(`"${pid}" is not a guest pid`);
    return `stack ${String(pid).trim()}`;
  },
  /** A trailing newline commits the message to the log at once (printk continuation). */
  log: (message: string) => `log ${oneLine('Message', message)}\n`,
};
