// The runtime's remote side: QEMU as a child process (its serial console on stdio or a tty), the
// connection to its gdbstub, and the check that the vmlinux is the kernel that runs.
import { execa, ResultPromise } from 'execa';
import { MiCommands } from '../../gdb/commands';

export class QemuProcess {
  private proc: ResultPromise | undefined;
  private stderr = '';
  /** Why QEMU ended, once it has. */
  exited: string | undefined;

  start(command: string, args: string[], onOutput: (text: string, category: 'stdout' | 'stderr') => void, onExit: (why: string) => void): void {
    const proc = execa(command, args, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', reject: false, buffer: false, cleanup: true });
    this.proc = proc;
    proc.stdout!.on('data', (d: Buffer) => onOutput(d.toString('utf8'), 'stdout'));
    proc.stderr!.on('data', (d: Buffer) => { const t = d.toString('utf8'); this.stderr = (this.stderr + t).slice(-2000); onOutput(t, 'stderr'); });
    proc.then((r) => {
      this.exited = `${r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`}${this.stderr.trim() ? `: ${this.stderr.trim()}` : ''}`;
      onExit(this.exited);
    }, () => undefined);
  }

  kill(): void {
    if (this.proc && !this.exited) this.proc.kill('SIGKILL');
  }
}

export function nothingListening(address: string, gdbSaid: string): string {
  return `Nothing answers as a gdbstub at ${address} (${gdbSaid.replace(/\.$/, '')}). Start QEMU with -s -S (port 1234) or -gdb tcp::PORT, check "target", or let the adapter start QEMU: a launch with a "qemu" block.`;
}

/** Connects, retrying while a QEMU we started is still opening its port. */
export async function connect(mi: MiCommands, address: string, o: { untilMs: number; qemuExited?: () => string | undefined }): Promise<void> {
  for (;;) {
    try {
      await mi.targetRemote(address);
      return;
    } catch (e) {
      const gone = o.qemuExited?.();
      if (gone) throw new Error(`QEMU ended before its gdbstub answered (${gone}).`);
      if (Date.now() >= o.untilMs) throw new Error(nothingListening(address, (e as Error).message));
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The running kernel is the vmlinux's: its banner in memory is the file's. Before the kernel runs
 * (QEMU's -S: the CPU is in firmware) there is nothing to compare, and nothing is said.
 */
export async function checkRunningKernel(mi: MiCommands, fileBanner: string | undefined, vmlinux: string): Promise<void> {
  if (!fileBanner) return;
  const num = (s: string) => BigInt(/0x[0-9a-f]+/.exec(s)?.[0] ?? '0');
  const pc = num(await mi.dataEvaluateExpression('$pc'));
  const start = num(await mi.dataEvaluateExpression('(unsigned long)_stext').catch(() => '0'));
  const end = num(await mi.dataEvaluateExpression('(unsigned long)_etext').catch(() => '0'));
  const inKernel = pc >= start && pc < end;
  let running: string | undefined;
  try { running = await mi.dataEvaluateExpression('linux_banner'); } catch { running = undefined; }
  if (running === fileBanner) return;
  if (!inKernel && pc < 0xffffffff00000000n && (running === undefined || !/Linux version/.test(running))) return;  // not started yet
  const said = running === undefined ? 'cannot read linux_banner at its address' : `reads ${running.slice(0, 100)}`;
  throw new Error(`The running kernel does not match ${vmlinux}: gdb ${said}, where the vmlinux has ${fileBanner.slice(0, 100)}. ` +
    'Point "kernel" at the vmlinux of the kernel QEMU runs, or, if it is that one, boot it with nokaslr (KASLR moved it) or rebuild without CONFIG_RANDOMIZE_BASE.');
}

/** QEMU answers monitor commands through its gdbstub: is the guest under KVM? (Any other stub: no.) */
export async function usesKvm(mi: MiCommands): Promise<boolean> {
  try { return /kvm support: enabled/.test(await mi.consoleExec('monitor info kvm')); } catch { return false; }
}
