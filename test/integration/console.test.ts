// console: integratedTerminal — the adapter asks the client to run its helper in a terminal
// (DAP runInTerminal); here the "terminal" is a real pty made by util-linux `script`, and
// what we type there reaches the guest shell.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import { spawn, ChildProcess } from 'child_process';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { startClient, collectOutput, uniqueUmid, waitGone, stopClient } from '../support/dap';
import { childrenOf, readProc, pollUntil } from '../support/shared';

let rootfs: string;
before(() => {
  testKernelDir();
  rootfs = makeRootfs('echo SHELL-READY\nexec /bin/sh');
});
after(() => removeRootfs(rootfs));

/**
 * Plays the client's part of runInTerminal: runs the command in a fresh pty. `before` runs
 * first, as a slow client would take its time to make the terminal.
 */
function serveRunInTerminal(dc: DebugClient, onTerminal: (p: ChildProcess, args: DebugProtocol.RunInTerminalRequestArguments) => void, before: () => Promise<void> = async () => undefined): void {
  const client = dc as unknown as { dispatch(body: string): void; outputStream: NodeJS.WritableStream };
  const dispatch = client.dispatch.bind(dc);
  let seq = 100000;
  client.dispatch = (body: string) => {
    const msg = JSON.parse(body);
    if (msg.type !== 'request') return dispatch(body);
    const args = msg.arguments as DebugProtocol.RunInTerminalRequestArguments;
    assert.strictEqual(msg.command, 'runInTerminal');
    assert.strictEqual(args.kind, 'integrated');
    void before().then(() => {
      // `script` needs one command string: it is ours (node, the helper, a file path), quoted.
      const cmd = args.args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const term = spawn('script', ['-q', '-f', '-e', '-c', cmd, '/dev/null'], { cwd: args.cwd, env: { ...process.env, ...(args.env as Record<string, string>) }, stdio: ['pipe', 'pipe', 'pipe'] });
      onTerminal(term, args);
      const json = JSON.stringify({ type: 'response', seq: seq++, request_seq: msg.seq, command: msg.command, success: true, body: { processId: term.pid } });
      client.outputStream.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
    });
  };
}

/** Whether a gdb started by the adapter (pid) has the kernel file open: it is loading or has loaded its symbols. */
function gdbHasKernelOpen(adapterPid: number, kernel: string): boolean {
  const real = fs.realpathSync(kernel);
  return childrenOf(adapterPid).some((p) => {
    if (readProc(p, 'comm').trim() !== 'gdb') return false;
    try {
      return fs.readdirSync(`/proc/${p}/fd`).some((fd) => { try { return fs.readlinkSync(`/proc/${p}/fd/${fd}`) === real; } catch { return false; } });
    } catch { return false; /* gone */ }
  });
}

test('the guest console runs in a terminal with a real tty (gdb loading the kernel meanwhile), and typing reaches the guest', async () => {
  const dc = await startClient();
  const out = collectOutput(dc);
  const umid = uniqueUmid('tty');
  let term: ChildProcess | undefined;
  let screen = '';
  let title = '';
  // The overlap: gdb loads the kernel while the client makes the terminal. This client waits
  // for gdb to have the kernel open before it reports the terminal (it would wait forever if
  // the adapter started gdb only once the terminal's tty is known).
  let loadedFirst = false;
  const adapterPid = (dc as unknown as { _adapterProcess: { pid: number } })._adapterProcess.pid;
  serveRunInTerminal(dc, (p, args) => {
    term = p;
    title = args.title ?? '';
    p.stdout!.on('data', (d: Buffer) => { screen += d.toString(); });
  }, async () => {
    loadedFirst = await pollUntil(() => gdbHasKernelOpen(adapterPid, testKernel()), 20000, 20);
  });
  const waitScreen = async (re: RegExp, ms = 60000) => {
    if (!await pollUntil(() => re.test(screen), ms, 50)) throw new Error(`terminal never showed ${re}:\n${screen.slice(-2000)}`);
  };
  try {
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.initializeRequest({ adapterID: 'uml', supportsRunInTerminalRequest: true, linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' })
        .then(() => dc.launchRequest({ kernel: testKernel(), rootfs, init: '/init', umid, mem: '128M' } as DebugProtocol.LaunchRequestArguments)),
    ]);
    assert.ok(term, 'the adapter asked for a terminal');
    assert.ok(loadedFirst, 'gdb had the kernel open before the terminal\'s tty was reported');
    assert.match(title, new RegExp(umid));
    // Early boot messages and the console both land in the terminal, not in gdb's MI stream.
    await waitScreen(/Linux version 6\.1/);
    await waitScreen(/SHELL-READY/);
    term!.stdin!.write('echo TYPED-$((6*7)); tty\n');
    await waitScreen(/TYPED-42/);
    await waitScreen(/\/dev\/(console|tty0)/);
    assert.doesNotMatch(out.text(), /SHELL-READY/, 'the console does not go to the Debug Console');
    assert.doesNotMatch(screen, /&"|controlling terminal/, 'no gdb chatter in the guest console');
    const terminated = dc.waitForEvent('terminated', 60000);
    term!.stdin!.write('poweroff -f\n');
    await terminated;
    // The helper leaves the terminal when the session ends.
    await new Promise<void>((resolve) => { if (term!.exitCode !== null) resolve(); else term!.once('exit', () => resolve()); });
    assert.match(screen, /UML guest console closed/);
  } finally {
    term?.kill('SIGKILL');
    await stopClient(dc);
  }
  assert.deepStrictEqual(await waitGone(umid), []);
  assert.ok(!fs.existsSync(`${process.env.HOME}/.uml/${umid}`));
});
