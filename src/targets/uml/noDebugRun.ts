// Run without debugging (Ctrl+F5): the same launch configuration boots the kernel without gdb.
import { EventEmitter } from 'events';
import * as path from 'path';
import { execa } from 'execa';
import { UmlPlan, CONSOLE_FDS } from './plans';
import { killInstance, runningPid, isAlive } from '../../uml/host';
import { mconsole, mconsoleSocket } from '../../uml/mconsole';

import type { OpenTerminal } from '../consoleTerminal';

/** Events: 'output' (text, category), 'exited' (message). */
export class NoDebugRun extends EventEmitter {
  private watch: NodeJS.Timeout | undefined;
  private ended = false;
  private pid: number | undefined;

  constructor(readonly plan: UmlPlan) { super(); }

  async start(runInTerminal?: OpenTerminal): Promise<void> {
    const p = this.plan;
    if (p.console === 'integratedTerminal' && runInTerminal) {
      // The kernel itself runs in the terminal (DAP's, a shell that stays): its console is the terminal's tty.
      const reveal = await runInTerminal({
        kind: 'integrated', title: `UML: ${p.umid}`, cwd: p.cwd ?? path.dirname(p.kernel.kernel),
        args: [p.kernel.kernel, ...p.args], env: p.env,
      });
      reveal?.();  // no tty to wait for: the kernel's console is the terminal itself
    } else {
      const proc = execa(p.kernel.kernel, p.args, {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] as unknown as ['ignore', 'pipe', 'pipe'],
        cwd: p.cwd, env: p.env, reject: false, buffer: false, cleanup: true,
      });
      const text = (d: Buffer) => this.emit('output', d.toString('utf8'), 'stdout');
      proc.stdout!.on('data', text);
      proc.stderr!.on('data', text);
      (proc.stdio[CONSOLE_FDS.outFd] as unknown as NodeJS.ReadableStream).on('data', text);
      proc.then((r) => this.finish(`The kernel exited${r.signal ? ` (${r.signal})` : ` with code ${r.exitCode}`}.`));
    }
    // Both ways, the instance is known by its pid file: wait for it, then watch it.
    const deadline = Date.now() + 20000;
    while (!(this.pid = runningPid(p.umlDir, p.umid))) {
      if (this.ended) return;
      if (Date.now() > deadline) throw new Error(`UML instance ${p.umid} did not start (no ${path.join(p.umlDir, p.umid, 'pid')} after 20 s).`);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.watch = setInterval(() => { if (!isAlive(this.pid!)) this.finish('The kernel exited.'); }, 500);
  }

  /** Halts the guest cleanly through mconsole, then makes sure nothing is left. */
  async stop(): Promise<void> {
    if (this.pid && isAlive(this.pid)) {
      await mconsole(mconsoleSocket(this.plan.umlDir, this.plan.umid), 'halt', { timeoutMs: 2000 }).catch(() => undefined);
      const end = Date.now() + 3000;
      while (isAlive(this.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    }
    this.finish();  // sweeps whatever the halt left
  }

  private finish(message?: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.watch) clearInterval(this.watch);
    killInstance(this.plan.umlDir, this.plan.umid);
    this.emit('exited', message ?? 'The kernel was stopped.');
  }
}
