// The session's words: which gdb output is noise, what a failed resume means, and which source
// paths exist (kernel sources do not come and go during a session).
import * as fs from 'fs';

// gdb chatter that helps nobody in the debug console.
// The stop itself is shown by VS Code; gdb's CLI echo of it ("Thread 1 hit Breakpoint", the source line) is noise.
export const NOISE = /^\s*(\[(Detaching after (v)?fork|New Thread|Thread 0x[0-9a-f]+ \(LWP \d+\) exited|Thread debugging using|Inferior \d+ \(process \d+\) exited)|Using host libthread_db|Thread \d+ ".*" (hit|received)|\d+\t|Temporary breakpoint \d+, |Breakpoint \d+, )|^\s*$/;

// Kernel sources do not come and go during a session: remember what exists.
const existing = new Map<string, boolean>();
export function sourceExists(p: string): boolean {
  let e = existing.get(p);
  if (e === undefined) { e = fs.existsSync(p); existing.set(p, e); }
  return e;
}

/** Why the guest could not go on; gdb places hardware watchpoints when it resumes, and that is when too many fail. */
export function resumeFailure(gdbSaid: string): string {
  if (/Could not insert hardware (watchpoint|breakpoints)/.test(gdbSaid)) return `Too many data breakpoints for the CPU's 4 debug registers (each watches up to 8 bytes): the guest did not resume. Remove one, then continue. gdb said: ${gdbSaid.replace(/\s+/g, ' ')}`;
  return gdbSaid;
}
