// Launch and attach plans for a kernel in QEMU: a gdbstub to connect to, and QEMU's command line
// when the session starts QEMU itself.
import * as net from 'net';
import * as path from 'path';
import { HELPER_FILE } from '../sessionFiles';
import type { TargetPlan } from '../target';
import { ConfigError } from '../../uml/cmdline';
import { cacheDir, findExecutable } from '../../uml/host';
import { gdbMissing } from '../../gdb/gdb';
import { remoteGdbinit } from '../../gdb/gdbinit';
import { QemuLaunchArguments, RemoteAttachArguments } from '../config';
import { QemuLaunchBlock } from '../config';
import { RemoteTarget, checkQemuBlock, checkVmlinux, parseTarget, qemuArgs } from './qemuArgs';
import { checkPayload } from '../payload/hostfsPayload';
import { InitramfsPayloadPlan, planInitramfsPayload } from '../payload/initramfsPayload';

/** A kernel in QEMU behind its gdbstub. */
export interface QemuPlan extends TargetPlan, RemoteTarget {
  /** The terminal's tty: QEMU's serial console. */
  consoleTty?: string;
  /** What QEMU's command line is made of, to bind the terminal's tty into it. */
  block?: QemuLaunchBlock;
  port?: number;
  /** The launch's "payload": an archive of its own before the user's initramfs, written at start. */
  payload?: InitramfsPayloadPlan;
}

/** A free TCP port on 127.0.0.1 for QEMU's gdbstub. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

function common(kernelArg: string | undefined, cwd: string | undefined, gdbPath: string | undefined, id: string) {
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.resolve(cwd ?? process.cwd(), p));
  if (!kernelArg) throw new ConfigError('No "kernel": set it to the vmlinux (with debug info) of the kernel QEMU runs.');
  const kernel = checkVmlinux(abs(kernelArg));
  const gdb = gdbPath ?? 'gdb';
  if (!findExecutable(gdb)) throw new ConfigError(gdbMissing(gdb));
  const sessionDir = path.join(cacheDir(), 'sessions', id);
  return { abs, kernel, gdb, sessionDir, indexCacheDir: path.join(cacheDir(), 'gdb-index') };
}

/** launch with a "qemu" block: the adapter starts QEMU (stopped, -S) and ends it at Stop. */
export function makeQemuLaunchPlan(a: QemuLaunchArguments, consoleMode: 'integratedTerminal' | 'internalConsole', port: number): QemuPlan {
  const id = `qemu-${port}-${Date.now().toString(36)}`;
  const c = common(a.kernel, a.cwd, a.gdbPath, id);
  let q = checkQemuBlock(a.qemu, c.abs);
  let payload: InitramfsPayloadPlan | undefined;
  if (a.payload) {
    // QEMU boots our copy: the user's archive after ours, rdinit= on our wrapper.
    const p = planInitramfsPayload(checkPayload(a.payload, c.abs), q.initrd, q.append ?? 'console=ttyS0', id, c.sessionDir);
    payload = p.plan;
    q = { ...q, initrd: p.plan.initrd, append: p.append };
  }
  const address = `127.0.0.1:${port}`;
  const hw = q.accel === 'kvm';
  return {
    mode: 'launch', kernel: c.kernel, id, gdbPath: c.gdb, cwd: a.cwd,
    gdbinitPath: path.join(c.sessionDir, 'gdbinit'), sessionDir: c.sessionDir, indexCacheDir: c.indexCacheDir,
    gdbinitText: remoteGdbinit({ kernel: c.kernel.kernel, buildDir: c.kernel.buildDir, gdbScripts: c.kernel.gdbScripts, indexCacheDir: c.indexCacheDir, setupCommands: a.setupCommands, address, hardwareBreakpoints: hw, helperScript: path.join(c.sessionDir, HELPER_FILE) }),
    console: consoleMode, stopOnEntry: !!a.stopOnEntry,
    // The console's tty is known once the terminal exists: withQemuConsole completes the arguments.
    address, hardwareBreakpoints: hw, qemu: { command: q.qemuPath!, args: qemuArgs(q, port, 'stdio'), accel: q.accel ?? 'tcg' }, block: q, port, payload,
  };
}

/** The terminal's tty becomes QEMU's serial console. */
export function withQemuConsole(plan: QemuPlan, tty: string): QemuPlan {
  if (!plan.qemu || !plan.block || plan.port === undefined) throw new Error('this plan does not start QEMU');
  return { ...plan, consoleTty: tty, qemu: { ...plan.qemu, args: qemuArgs(plan.block, plan.port, { tty }) } };
}

/** attach with "target": gdb joins a gdbstub someone else started; Stop detaches. */
export function makeRemoteAttachPlan(a: RemoteAttachArguments): QemuPlan {
  const address = parseTarget(a.target);
  const id = `remote-${address.replace(/[^\w]/g, '_')}`;
  const c = common(a.kernel, a.cwd, a.gdbPath, id);
  const hw = !!a.kvm;
  return {
    mode: 'attach', kernel: c.kernel, id, gdbPath: c.gdb, cwd: a.cwd,
    gdbinitPath: path.join(c.sessionDir, 'gdbinit'), sessionDir: c.sessionDir, indexCacheDir: c.indexCacheDir,
    gdbinitText: remoteGdbinit({ kernel: c.kernel.kernel, buildDir: c.kernel.buildDir, gdbScripts: c.kernel.gdbScripts, indexCacheDir: c.indexCacheDir, setupCommands: a.setupCommands, address, hardwareBreakpoints: hw, helperScript: path.join(c.sessionDir, HELPER_FILE) }),
    console: 'internalConsole', stopOnEntry: false,
    address, hardwareBreakpoints: hw,
  };
}
