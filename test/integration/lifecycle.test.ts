// Every way a session ends leaves no linux/gdb process and no ~/.uml/<umid>; every bad
// launch input fails with an error that names the fix.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawn } from 'child_process';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { startClient, collectOutput, waitForOutput, uniqueUmid, waitGone, launch, nextStop, stopClient } from '../support/dap';
import { umidProcesses } from '../../src/uml/host';
import { processesWhere, pollUntil } from '../support/shared';

let idle: string;
let scratch: string;
before(() => {
  testKernelDir();
  idle = makeRootfs('echo IDLE-UP\nwhile true; do sleep 1; done');
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'uml-lifecycle-'));
});
after(() => { removeRootfs(idle); fs.rmSync(scratch, { recursive: true, force: true }); });

function ppid(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
}

/** The kernel's main process: the one of the instance whose parent (gdb) is not of the instance. */
function kernelPid(umid: string): number {
  const pids = umidProcesses(umid);
  const main = pids.find((p) => !pids.includes(ppid(p)));
  assert.ok(main, `no kernel process for ${umid}`);
  return main;
}

function gdbProcesses(): number[] {
  return processesWhere((argv) => argv.some((a) => a.includes('--interpreter=mi3')));
}

async function bootIdle(tag: string) {
  const dc = await startClient();
  const out = collectOutput(dc);
  const umid = uniqueUmid(tag);
  try {
    await launch(dc, testKernel(), { rootfs: idle, umid });
    await waitForOutput(dc, /IDLE-UP/, out);
  } catch (e) {
    await stopClient(dc);
    throw e;
  }
  return { dc, out, umid };
}

test('disconnect while the guest runs ends kernel, guest processes and gdb', async () => {
  const { dc, umid } = await bootIdle('disc');
  let gdbPid: number;
  try {
    const pids = umidProcesses(umid);
    gdbPid = ppid(kernelPid(umid));
    assert.ok(gdbProcesses().includes(gdbPid), 'the kernel runs under our gdb');
    assert.ok(pids.length >= 2, `kernel and guest processes run: ${pids}`);
    assert.ok(fs.existsSync(path.join(os.homedir(), '.uml', umid, 'pid')), 'instance dir exists while running');
    await dc.disconnectRequest({ terminateDebuggee: true });
  } finally {
    await stopClient(dc);
  }
  assert.deepStrictEqual(await waitGone(umid), []);
  assert.ok(!gdbProcesses().includes(gdbPid), 'no gdb left');
});

test('terminate while stopped at a breakpoint ends everything', async () => {
  const dc = await startClient();
  const umid = uniqueUmid('term');
  const rootfs = makeRootfs('cat /proc/cmdline\nwhile true; do sleep 1; done');
  try {
    const stopped = nextStop(dc);
    await launch(dc, testKernel(), { rootfs, umid }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] }));
    await stopped;
    const terminated = dc.waitForEvent('terminated');
    await dc.terminateRequest({});
    await terminated;
  } finally {
    await stopClient(dc);
    removeRootfs(rootfs);
  }
  assert.deepStrictEqual(await waitGone(umid), []);
});

test('gdb dying ends the session with a clear message and kills the kernel', async () => {
  const { dc, out, umid } = await bootIdle('gdbdies');
  try {
    const gdbPid = ppid(kernelPid(umid));
    assert.match(fs.readFileSync(`/proc/${gdbPid}/cmdline`, 'latin1'), /gdb/);
    const terminated = dc.waitForEvent('terminated');
    process.kill(gdbPid, 'SIGKILL');
    await terminated;
    assert.match(out.text(), /gdb was killed by SIGKILL unexpectedly/);
  } finally {
    await stopClient(dc);
  }
  assert.deepStrictEqual(await waitGone(umid), []);
});

test('the kernel killed from outside ends the session', async () => {
  const { dc, out, umid } = await bootIdle('killed');
  try {
    const terminated = dc.waitForEvent('terminated');
    for (const p of umidProcesses(umid)) process.kill(p, 'SIGKILL');
    await terminated;
    assert.match(out.text(), /killed by SIGKILL/);
  } finally {
    await stopClient(dc);
  }
  assert.deepStrictEqual(await waitGone(umid), []);
});

test('the adapter process dying takes gdb and the kernel with it', async () => {
  const { dc, umid } = await bootIdle('adapterdies');
  let adapterPid: number;
  try {
    adapterPid = ppid(ppid(kernelPid(umid)));
  } catch (e) {
    await stopClient(dc);
    throw e;
  }
  process.kill(adapterPid, 'SIGKILL');
  // The client's stop() waits for an adapter that is already gone: do not wait on it long.
  await stopClient(dc);
  // gdb sees EOF on its MI input and quits, killing its inferior; the kernel's own
  // helpers go with it. The instance directory stays (UML did not halt): report only processes.
  await pollUntil(() => !umidProcesses(umid).length, 15000, 200);
  assert.deepStrictEqual(umidProcesses(umid), []);
  fs.rmSync(path.join(os.homedir(), '.uml', umid), { recursive: true, force: true });
});

test('the client going away (adapter stdin closed) ends everything, instance directory included', async () => {
  const { dc, umid } = await bootIdle('clientgone');
  const adapter = (dc as unknown as { _adapterProcess: import('child_process').ChildProcess })._adapterProcess;
  const exited = new Promise<void>((r) => adapter.once('exit', () => r()));
  adapter.stdin!.end();
  await exited;
  await stopClient(dc);
  assert.deepStrictEqual(await waitGone(umid), []);
});

async function launchError(args: Record<string, unknown>): Promise<string> {
  const dc = await startClient();
  try {
    await dc.initializeRequest();
    await dc.launchRequest({ kernel: testKernel(), rootfs: idle, init: '/init', console: 'internalConsole', ...args } as DebugProtocol.LaunchRequestArguments);
    throw new Error('launch succeeded');
  } catch (e) {
    return (e as Error).message;
  } finally {
    await stopClient(dc);
  }
}

test('launch errors name the fix', async () => {
  assert.match(await launchError({ kernel: path.join(scratch, 'nope', 'linux') }), /Kernel not found: .*make ARCH=um linux/);
  assert.match(await launchError({ kernel: '/bin/ls' }), /not a User-Mode Linux kernel.*ARCH=um/);
  fs.writeFileSync(path.join(scratch, 'text'), 'hello');
  assert.match(await launchError({ kernel: path.join(scratch, 'text') }), /not a UML kernel \(not an ELF file\)/);
  const stripped = path.join(scratch, 'linux-nodebug');
  execFileSync('objcopy', ['--strip-debug', testKernel(), stripped]);
  assert.match(await launchError({ kernel: stripped }), /no debug info.*CONFIG_DEBUG_INFO/);
  assert.match(await launchError({ gdbPath: '/nonexistent/gdb' }), /gdb not found.*apt-get install gdb.*gdbPath/);
  assert.match(await launchError({ rootfs: path.join(scratch, 'no-rootfs') }), /Root filesystem not found/);
  assert.match(await launchError({ mem: '256MB' }), /"mem": "256MB" is not a memory size.*256M/);
  assert.match(await launchError({ kernelArgs: ['hostfs=/a b'] }), /whitespace/);
});

test('launch error: umid already running', async () => {
  const umid = uniqueUmid('busy');
  // A guest started by hand, the way users do today.
  const uml = spawn(testKernel(), ['mem=64M', `umid=${umid}`, 'root=/dev/root', 'rootfstype=hostfs', `hostfs=${idle}`, 'rw', 'init=/init', 'con=null', 'ssl=null', 'con0=null,fd:1'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  try {
    const pidFile = path.join(os.homedir(), '.uml', umid, 'pid');
    await pollUntil(() => fs.existsSync(pidFile), 20000, 100);
    assert.ok(fs.existsSync(pidFile), 'the hand-started guest is up');
    assert.match(await launchError({ umid }), new RegExp(`"${umid}" is already running \\(pid \\d+\\).*uml_mconsole ${umid} halt`));
  } finally {
    for (const p of umidProcesses(umid)) process.kill(p, 'SIGKILL');
    uml.kill('SIGKILL');
    fs.rmSync(path.join(os.homedir(), '.uml', umid), { recursive: true, force: true });
  }
  assert.deepStrictEqual(await waitGone(umid), []);
});
