// What a kernel .config needs for debugging under UML, and how to fix it. Pure.

export type Want = 'y' | 'n';
export interface Requirement { option: string; want: Want; why: string }

export const REQUIREMENTS: Requirement[] = [
  { option: 'DEBUG_INFO', want: 'y', why: 'gdb needs debug info for source lines, variables and types' },
  { option: 'DEBUG_INFO_NONE', want: 'n', why: 'turns debug info off' },
  { option: 'DEBUG_INFO_REDUCED', want: 'n', why: 'reduced debug info lacks types and variables' },
  { option: 'GDB_SCRIPTS', want: 'y', why: 'builds vmlinux-gdb.py: lx-dmesg, lx-ps, lx-cmdline...' },
  { option: 'FRAME_POINTER', want: 'y', why: 'reliable call stacks' },
  { option: 'HOSTFS', want: 'y', why: 'boot a directory of the host as root filesystem' },
  { option: 'MCONSOLE', want: 'y', why: 'the Instances view drives the guest through the management console' },
  { option: 'MAGIC_SYSRQ', want: 'y', why: 'SysRq actions (task list, sync, crash...) from the Instances view' },
  { option: 'PROC_FS', want: 'y', why: '/proc in the guest (cat /proc/cmdline, mconsole proc)' },
];

export interface ConfigLine { value: string; line: number }

/** `CONFIG_X=v` and `# CONFIG_X is not set` lines, by option name (without CONFIG_), 0-based lines. */
export function parseConfig(text: string): Map<string, ConfigLine> {
  const m = new Map<string, ConfigLine>();
  text.split('\n').forEach((l, line) => {
    let r = /^CONFIG_(\w+)=(.*)$/.exec(l);
    if (r) { m.set(r[1], { value: r[2], line }); return; }
    r = /^# CONFIG_(\w+) is not set$/.exec(l);
    if (r) m.set(r[1], { value: 'n', line });
  });
  return m;
}

export interface Finding { option: string; want: Want; have: string; line?: number; message: string }

export function checkConfig(text: string): Finding[] {
  const cfg = parseConfig(text);
  const out: Finding[] = [];
  for (const r of REQUIREMENTS) {
    const c = cfg.get(r.option);
    const have = c?.value ?? 'n';
    const ok = r.want === 'y' ? have === 'y' : have !== 'y' && have !== 'm';
    if (ok) continue;
    out.push({
      option: r.option, want: r.want, have, line: c?.line,
      message: r.want === 'y' ? `CONFIG_${r.option} should be y (${r.why})` : `CONFIG_${r.option} should be off (${r.why})`,
    });
  }
  return out;
}

/**
 * scripts/config arguments that fix the findings. DEBUG_INFO is not set directly: it follows
 * from the DWARF choice (DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT), so that is what is enabled.
 */
export function fixArgs(configFile: string, findings: Finding[]): string[] {
  const args = ['--file', configFile];
  for (const f of findings) {
    if (f.option === 'DEBUG_INFO') args.push('--enable', 'DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT', '--disable', 'DEBUG_INFO_NONE');
    else if (f.option === 'DEBUG_INFO_NONE') args.push('--disable', 'DEBUG_INFO_NONE', '--enable', 'DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT');
    else args.push(f.want === 'y' ? '--enable' : '--disable', f.option);
  }
  return args;
}
