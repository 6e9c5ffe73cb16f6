// The launch's "payload" inside the guest: a wrapper init the kernel starts (init= / rdinit=),
// which starts the payload in the background and then execs the guest's real init, and the
// payload script itself. Pure: text only, no fs, no processes.

/** The directory the extension owns in the guest's root; one subdirectory per session. */
export const PAYLOAD_ROOT = '.uml-kernel-debug';

/** The kernel's own search when no init= is given (init/main.c). */
export const DEFAULT_INITS = ['/sbin/init', '/etc/init', '/bin/init', '/bin/sh'];

export interface PayloadBlock {
  /** Shell command lines the guest runs after boot, in order, in the payload directory. */
  commands: string[];
  /** Host files copied into the payload directory (the commands' working directory). */
  files?: string[];
  /** How the end is reported: "<name> exited with status N". */
  name?: string;
  /** Exception filters on for the session whatever the Breakpoints view says (panic, oops, warn, signal). */
  stopOn?: string[];
}

export interface WrapperInput {
  /** The payload directory as the guest sees it, e.g. /.uml-kernel-debug/<umid>. */
  guestDir: string;
  /** The shell that runs the scripts: ['/bin/sh'] or ['/bin/busybox', 'sh'] (a root whose applets are not installed yet). */
  shell: string[];
  /** The guest's real init; none: the kernel's default search. */
  realInit?: string;
  name: string;
}

/** A word for sh, quoted unless it is plainly safe. */
export function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The line the guest prints on its console when the payload ends (QEMU's adapter reads it there). */
export function exitLine(name: string, status: number | string): string {
  return `uml-kernel-debug: ${name} exited with status ${status}`;
}

/** The payload's end as the session reports it (UML reads it through hostfs, QEMU from the console). */
export function exitReport(name: string, status: number): string {
  return `${name} exited with status ${status}\n`;
}

/** The payload's end as the console says it, if this text holds it. */
export function parseExitLine(text: string): { name: string; status: number } | undefined {
  const m = /uml-kernel-debug: (.+?) exited with status (\d+)/.exec(text);
  return m ? { name: m[1], status: Number(m[2]) } : undefined;
}

/** The payload script: the user's commands, one a line, run in the payload directory. */
export function payloadScript(p: PayloadBlock): string {
  return `# The launch's "payload" (UML Kernel Debug)\n${p.commands.join('\n')}\n`;
}

/**
 * The wrapper init. The guest's own init runs as pid 1 exactly as without a payload (exec, same
 * arguments); the payload is a child started before it. /proc is mounted first when it is not:
 * payloads (syzbot reproducers, sysrq) need it; so is devtmpfs when there is no /dev/null (an
 * initramfs): a shell's background job opens it. A second mount by the real init is harmless.
 * Shell builtins only besides mount: the root may have no applets installed yet.
 * Output goes to the console (pid 1's fds, the kernel's /dev/console) and to `output`; the exit
 * status to `status` once the output is complete, which the host polls through hostfs.
 */
export function wrapperInit(w: WrapperInput): string {
  const sh = w.shell.map(shQuote).join(' ');
  const bb = w.shell[0].endsWith('/busybox') ? `${shQuote(w.shell[0])} ` : '';
  const dir = shQuote(w.guestDir);
  const exec = w.realInit
    ? `exec ${shQuote(w.realInit)} "$@"`
    : `for i in ${DEFAULT_INITS.join(' ')}; do [ -x "$i" ] && exec "$i" "$@"; done\necho 'uml-kernel-debug: no init found (tried ${DEFAULT_INITS.join(', ')}): set "init" in launch.json' >&2\nexit 1`;
  return `#!${w.shell.join(' ')}
# Written by UML Kernel Debug for one debug session; removed when the session ends.
# Starts the launch's "payload" beside the guest's own init, then becomes that init.
[ -e /proc/self ] || ${bb}mount -t proc proc /proc
[ -e /dev/null ] || ${bb}mount -t devtmpfs devtmpfs /dev
(
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  cd ${dir} || exit 1
  { ${sh} ./payload.sh; echo $? > rc; } 2>&1 | while IFS= read -r l || [ -n "$l" ]; do printf '%s\\n' "$l"; printf '%s\\n' "$l" >> output; done
  read -r rc < rc
  echo "${exitLine(w.name, '$rc').replace(/"/g, '\\"')}"
  echo "$rc" > status
) &
${exec}
`;
}
