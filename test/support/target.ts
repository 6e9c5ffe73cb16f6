// One flag runs a spec against either kind of target, where the feature applies (as
// cdt-gdb-adapter's isRemoteTest runs its specs local and remote): UML_TEST_TARGET=qemu boots the
// x86_64 test kernel in QEMU (scripts/qemu-kernel.sh) instead of the UML test kernel. The spec
// asks this module for its guest, its launch arguments and what is left after the session.
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { testKernel, testKernelDir, makeRootfs, removeRootfs, qemuKernelDir, makeInitramfs } from './testKernel';
import { withCheckedSession, waitGone } from './dap';
import { processesWhere, pollUntil } from './shared';

export type TestTarget = 'uml' | 'qemu';

export function testTarget(): TestTarget {
  const t = process.env.UML_TEST_TARGET ?? 'uml';
  if (t !== 'uml' && t !== 'qemu') throw new Error(`UML_TEST_TARGET=${t}: uml or qemu`);
  return t;
}

/** A guest whose init runs a script, on the test target: a hostfs tree (UML) or an initramfs (QEMU). */
export interface TestGuest {
  target: TestTarget;
  /** The kernel source tree the test kernel was built from (where breakpoints' files are). */
  tree: string;
  /** Launch arguments for a session on this guest; `name` tells its processes apart. */
  launchArgs(name: string, more?: Record<string, unknown>): DebugProtocol.LaunchRequestArguments;
  /** What the kernel's command line holds for this launch (UML: its memory size; QEMU: the session's mark). */
  cmdlineMark(name: string): RegExp;
  /** How the kernel's command line starts (UML: the memory size; QEMU: the serial console). */
  cmdlineStart: string;
  /** A part of the command line only this session's has. */
  cmdlineOwn(name: string): string;
  /** Processes of the session `name` still alive, and (UML) its instance directory. */
  leftovers(name: string): Promise<string[]>;
  remove(): void;
}

/** The command that ends the guest from inside (a script's last line). */
export const END_GUEST: Record<TestTarget, string> = { uml: 'poweroff -f', qemu: 'reboot -f' };

/** A guest for the test target whose init runs `script`; `$END` in it ends the guest. */
export function makeGuest(script: string): TestGuest {
  const target = testTarget();
  const text = script.replace(/\$END\b/g, END_GUEST[target]);
  if (target === 'uml') {
    const rootfs = makeRootfs(text);
    return {
      target, tree: testKernelDir(),
      launchArgs: (umid, more) => ({ kernel: testKernel(), rootfs, umid, init: '/init', console: 'internalConsole', mem: '128M', ...more } as DebugProtocol.LaunchRequestArguments),
      cmdlineMark: () => /mem=128M/,  // gdb shows a long string cut short: the umid may be past its end
      cmdlineStart: 'mem=128M', cmdlineOwn: () => `hostfs=${rootfs} `,  // UML takes its own switches (umid=) out
      leftovers: (umid) => waitGone(umid),
      remove: () => removeRootfs(rootfs),
    };
  }
  const tree = qemuKernelDir();
  const initrd = makeInitramfs(text);
  // The session's QEMU carries the initramfs and its own append line: what is left is found by them.
  const append = (name: string) => `console=ttyS0 ukdtest=${name}`;
  return {
    target, tree,
    launchArgs: (name, more) => ({ kernel: path.join(tree, 'vmlinux'), console: 'internalConsole', qemu: { kernel: path.join(tree, 'arch/x86/boot/bzImage'), initrd, append: append(name) }, ...more } as DebugProtocol.LaunchRequestArguments),
    cmdlineMark: (name) => new RegExp(`ukdtest=${name}`),
    cmdlineStart: 'console=ttyS0', cmdlineOwn: (name) => `ukdtest=${name}`,
    leftovers: async (name) => {
      const ours = () => processesWhere((argv) => argv.includes(append(name)));
      await pollUntil(() => ours().length === 0, 10000, 100);
      return ours().map((p) => `qemu pid ${p}`);
    },
    remove: () => fs.rmSync(path.dirname(initrd), { recursive: true, force: true }),
  };
}

/**
 * One adapter session on the guest: starts the client, runs `fn` with a fresh session name,
 * always stops the client, then checks nothing of the session is left (processes, ~/.uml/<umid>).
 */
export function withGuestSession(guest: TestGuest, tag: string, fn: (dc: DebugClient, name: string, out: { text: () => string }) => Promise<void>): Promise<void> {
  return withCheckedSession(tag, fn, (name) => guest.leftovers(name));
}

/** initialize, launch on the guest; breakpoints set by `setBps` at initialized; then configurationDone. */
export async function launchGuest(dc: DebugClient, guest: TestGuest, name: string, setBps: () => Promise<unknown> = async () => undefined, more?: Record<string, unknown>): Promise<void> {
  await Promise.all([
    dc.waitForEvent('initialized', 60000).then(setBps).then(() => dc.configurationDoneRequest()),
    dc.initializeRequest().then(() => dc.launchRequest(guest.launchArgs(name, more))),
  ]);
}
