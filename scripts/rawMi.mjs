// The benchmark's raw side for the `next` round trip: gdb/MI driven by hand, with nothing of
// the adapter in between (so the ratio measures what the adapter adds).
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * A seed-style gdbinit for raw gdb on a UML kernel (the kernel's scripts, the signals UML uses
 * passed, a breakpoint at `func`), with the adapter's index cache so both sides load alike.
 */
export function rawUmlGdbinit({ kernel, rootfs, umid, mem, func }) {
  return [
    'set pagination off', 'set confirm off', 'set startup-with-shell off',
    `set index-cache directory ${join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'uml-kernel-debug', 'gdb-index')}`, 'set index-cache enabled on',
    `file ${kernel}`,
    `source ${join(kernel, '..', 'vmlinux-gdb.py')}`,
    ...['SIGSEGV', 'SIGUSR1', 'SIGIO', 'SIGALRM', 'SIGWINCH'].map((sig) => `handle ${sig} nostop noprint pass`),
    `set args mem=${mem} umid=${umid} root=/dev/root rootfstype=hostfs hostfs=${rootfs} rw init=/init con=null ssl=null con0=null,fd:3`,
    `break ${func}`,
  ].join('\n') + '\n';
}

const TIMEOUT = 60000;

/** Minimal MI driver: tokens, result records, *stopped records. */
export class RawMi {
  constructor(file) {
    // The guest console gets its own pipe (fd 3): UML makes console descriptors non-blocking,
    // which would corrupt gdb's MI stdout if they were shared.
    this.proc = spawn('gdb', ['--interpreter=mi3', '-nx', '-x', file], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    this.buf = '';
    this.log = '';
    this.token = 1;
    this.waiters = [];
    this.proc.stdio[3].on('data', () => undefined);
    this.proc.stdio[3].on('error', () => undefined);
    this.proc.stdin.on('error', () => undefined);
    this.proc.stderr.on('data', (d) => { this.log = (this.log + d).slice(-4000); });
    this.proc.stdout.setEncoding('latin1');
    this.proc.stdout.on('data', (d) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        this.log = (this.log + line + '\n').slice(-4000);
        for (const w of [...this.waiters]) {
          if (w.test(line)) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(line); }
        }
      }
    });
    this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r(`${code ?? sig}`)));
    this.exited.then((how) => {
      for (const w of this.waiters.splice(0)) w.reject(new Error(`raw MI gdb exited (${how})`));
    });
  }

  /** Resolves with the first line matching `test` (registered before anything is sent). */
  wait(test, ms = TIMEOUT) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw MI gdb: timeout waiting for ${test}`)), ms);
      this.waiters.push({
        test: typeof test === 'function' ? test : (l) => test.test(l),
        resolve: (l) => { clearTimeout(timer); resolve(l); },
        reject: (e) => { clearTimeout(timer); reject(e); },
        toString: () => String(test),
      });
    });
  }

  async send(cmd) {
    const t = this.token++;
    const done = this.wait((l) => l.startsWith(`${t}^`));
    this.proc.stdin.write(`${t}${cmd}\n`);
    const line = await done;
    if (line.startsWith(`${t}^error`)) throw new Error(`raw MI gdb: ${cmd}: ${line}`);
    return line;
  }
}


/**
 * Raw gdb/MI on a UML kernel (rawUmlGdbinit, plus `extra` gdb lines) run to `func`; `fn` gets the
 * MI; afterwards gdb and every process of the umid are gone.
 */
export async function withRawUml({ kernel, rootfs, umid, mem, func, extra = [], gdbinitFile }, fn) {
  const { writeFileSync } = await import('node:fs');
  const { killUmid } = await import('../test/support/shared.cjs');
  writeFileSync(gdbinitFile, rawUmlGdbinit({ kernel, rootfs, umid, mem, func }) + extra.map((l) => `${l}\n`).join(''));
  const mi = new RawMi(gdbinitFile);
  try {
    await mi.wait(/^\(gdb\)/);
    const hit = mi.wait(/^\*stopped/);
    await mi.send('-exec-run');
    await hit;
    return await fn(mi);
  } finally {
    killUmid(umid);
    mi.proc.kill('SIGKILL');
    await mi.exited;
    killUmid(umid);
  }
}
