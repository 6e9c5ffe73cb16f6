// A DAP client for the adapter running in this process, the way VS Code runs it (the extension
// registers it as an inline adapter: messages are handed over as objects, no stdio, no JSON).
// The benchmark uses it so the adapter's side pays what it pays in VS Code, and no more.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** out/ (tsc) holds the session as a module; built when missing or older than src/. */
function ensureBuilt() {
  const built = join(root, 'out/src/debug/session.js');
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(root, 'src'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  return require(built);
}

export class InlineClient {
  constructor() {
    const { UmlDebugSession } = ensureBuilt();
    this.session = new UmlDebugSession();
    this.seq = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.output = '';
    this.session.onDidSendMessage((m) => {
      if (m.type === 'response') {
        const p = this.pending.get(m.request_seq);
        this.pending.delete(m.request_seq);
        if (m.success) p?.resolve(m); else p?.reject(new Error(m.message ?? m.body?.error?.format ?? 'failed'));
      } else if (m.type === 'event') {
        if (m.event === 'output') this.output = (this.output + m.body.output).slice(-200000);
        for (const f of this.listeners.get(m.event) ?? []) f(m);
      }
    });
  }

  request(command, args = {}) {
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.session.handleMessage({ type: 'request', seq, command, arguments: args });
    });
  }

  /** The next event of that name (resolves with it). */
  next(event, ms = 60000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} event within ${ms} ms`)), ms);
      const list = this.listeners.get(event) ?? [];
      const f = (m) => { clearTimeout(timer); list.splice(list.indexOf(f), 1); resolve(m); };
      list.push(f);
      this.listeners.set(event, list);
    });
  }

  /**
   * initialize, launch with `args`, the function breakpoints `functions`, configurationDone:
   * resolves with the first stopped event.
   */
  async launchToStop(args, functions = [], ms = 90000) {
    const stopped = this.next('stopped', ms);
    await this.request('initialize', { adapterID: 'uml', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = this.next('initialized');
    const launched = this.request('launch', { console: 'internalConsole', ...args });
    await initialized;
    if (functions.length) await this.request('setFunctionBreakpoints', { breakpoints: functions.map((name) => ({ name })) });
    await this.request('configurationDone');
    await launched;
    return stopped;
  }

  async close() {
    await Promise.race([this.request('disconnect', { terminateDebuggee: true }).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    this.session.dispose();
  }
}
