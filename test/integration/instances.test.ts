// Instances: discovery, the tree's rows, attach, run without debugging — with real guests.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { startGuest } from '../support/guest';
import { startClient, collectOutput, waitForOutput, uniqueUmid, waitGone, launch, nextStop, topFrame, stopClient, withSession } from '../support/dap';
import { listInstances, readInstance } from '../../src/uml/instances';
import { instanceRow } from '../../src/views/instanceItems';
import { mconsole, mconsoleSocket } from '../../src/uml/mconsole';
import { umidProcesses } from '../../src/uml/host';
import { pollUntil } from '../support/shared';

const umlDir = path.join(os.homedir(), '.uml');
let ticker: string;
before(() => {
  testKernelDir();
  ticker = makeRootfs('i=0\nwhile true; do i=$((i+1)); echo "TICK $i"; cat /proc/cmdline >/dev/null; sleep 0.2; done');
});
after(() => removeRootfs(ticker));

const noMarks = { owned: new Set<string>(), paused: new Set<string>(), unreachable: new Set<string>() };

async function until(cond: () => boolean, what: string, ms = 10000): Promise<void> {
  if (!await pollUntil(cond, ms, 50)) throw new Error(`timed out: ${what}`);
}

test('discovery: an instance appears when it starts, disappears when it halts; a killed one is stale', async () => {
  const a = await startGuest(ticker, uniqueUmid('disc-a'));
  const b = await startGuest(ticker, uniqueUmid('disc-b'));
  try {
    const found = listInstances(umlDir).filter((i) => i.umid === a.umid || i.umid === b.umid);
    assert.deepStrictEqual(found.map((i) => i.state), ['running', 'running']);
    const ia = found.find((i) => i.umid === a.umid)!;
    assert.strictEqual(ia.pid, a.proc.pid);
    assert.strictEqual(ia.mconsole, mconsoleSocket(umlDir, a.umid));
    assert.ok(Math.abs(Date.now() - ia.startedAt!) < 60000, 'start time from /proc');

    // Clean halt: UML removes its directory, the instance is gone.
    assert.ok((await mconsole(ia.mconsole!, 'halt')).ok);
    await until(() => !listInstances(umlDir).some((i) => i.umid === a.umid), 'halted instance disappears');

    // Killed: the directory stays behind with a dead pid.
    // The kernel's death takes its guest processes along: one listed may be gone by its turn.
    for (const p of umidProcesses(b.umid)) {
      try { process.kill(p, 'SIGKILL'); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e; }
    }
    await until(() => readInstance(umlDir, b.umid)?.state === 'stale', 'killed instance is stale');
    const row = instanceRow(readInstance(umlDir, b.umid)!, noMarks);
    assert.strictEqual(row.state, 'stale');
    assert.match(row.contextValue, /state-stale/);
  } finally {
    a.kill();
    b.kill();
  }
});

test('tree rows for real instances: running, paused by mconsole, stopped in the debugger, owned', async () => {
  const g = await startGuest(ticker, uniqueUmid('rows'));
  const dc = await startClient();
  const umid = uniqueUmid('rows-dbg');
  try {
    const running = instanceRow(readInstance(umlDir, g.umid)!, noMarks);
    assert.strictEqual(running.state, 'running');
    assert.match(running.description, new RegExp(`^pid ${g.proc.pid} · running · up \\d+s$`));
    assert.strictEqual(running.icon, 'vm-running');

    assert.ok((await mconsole(mconsoleSocket(umlDir, g.umid), 'stop')).ok);
    const paused = instanceRow(readInstance(umlDir, g.umid)!, { ...noMarks, paused: new Set([g.umid]) });
    assert.strictEqual(paused.state, 'paused');
    assert.match(paused.contextValue, /state-paused/);
    assert.ok((await mconsole(mconsoleSocket(umlDir, g.umid), 'go')).ok);

    // Under our debugger, stopped at a breakpoint: ptrace-stopped, and its mconsole cannot answer.
    const stopped = nextStop(dc);
    await launch(dc, testKernel(), { rootfs: ticker, umid }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] }));
    await stopped;
    const inst = readInstance(umlDir, umid)!;
    assert.strictEqual(inst.state, 'debugger');
    const row = instanceRow(inst, { ...noMarks, owned: new Set([umid]) });
    assert.match(row.description, /stopped in the debugger · up \d+s · debugging here/);
    assert.match(row.contextValue, /state-debugger owned/);
    await assert.rejects(mconsole(inst.mconsole!, 'version', { timeoutMs: 500 }), /does not answer.*stopped in the debugger/);
    await dc.disconnectRequest({ terminateDebuggee: true });
  } finally {
    await stopClient(dc);
    g.kill();
  }
  assert.deepStrictEqual(await waitGone(umid), []);
});

test('attach to a running guest by umid, hit cmdline_proc_show, detach: the guest keeps running', async () => {
  const g = await startGuest(ticker, uniqueUmid('attach'));
  const dc = await startClient();
  try {
    await g.waitFor(/TICK 2\b/);
    const stopped = nextStop(dc);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] })).then(() => dc.configurationDoneRequest()),
      dc.initializeRequest().then(() => dc.attachRequest({ umid: g.umid, trace: !!process.env.TRACE } as DebugProtocol.AttachRequestArguments)),
    ]);
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'cmdline_proc_show');
    assert.strictEqual(readInstance(umlDir, g.umid)!.state, 'debugger');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.disconnectRequest({});
    await stopClient(dc);
    const n = (g.output().match(/TICK \d+/g) ?? []).length;
    await g.waitFor(new RegExp(`TICK ${n + 3}\\b`));
    assert.strictEqual(readInstance(umlDir, g.umid)!.state, 'running');
    assert.ok((await mconsole(mconsoleSocket(umlDir, g.umid), 'version')).ok, 'mconsole answers again after detach');
  } finally {
    await stopClient(dc);
    g.kill();
  }
});

test('attach errors: no such umid, already being debugged', async () => {
  const dc = await startClient();
  try {
    await dc.initializeRequest();
    await assert.rejects(dc.attachRequest({ umid: 'no-such-instance' } as DebugProtocol.AttachRequestArguments), /No running UML instance "no-such-instance"/);
  } finally {
    await stopClient(dc);
  }
  const umid = uniqueUmid('attach-busy');
  const dc1 = await startClient();
  const dc2 = await startClient();
  try {
    await launch(dc1, testKernel(), { rootfs: ticker, umid });
    await until(() => !!readInstance(umlDir, umid), 'the debugged guest writes its pid file');
    await dc2.initializeRequest();
    await assert.rejects(dc2.attachRequest({ umid } as DebugProtocol.AttachRequestArguments), /already being debugged/);
    await dc1.disconnectRequest({ terminateDebuggee: true });
  } finally {
    await stopClient(dc1);
    await stopClient(dc2);
  }
  assert.deepStrictEqual(await waitGone(umid), []);
});

test('run without debugging: boots without gdb, shows up as an instance, stop halts it', () => withSession('nodebug', async (dc, umid, out) => {
  await launch(dc, testKernel(), { rootfs: ticker, umid, noDebug: true });
  await waitForOutput(dc, /TICK 2\b/, out);
  const inst = readInstance(umlDir, umid)!;
  assert.strictEqual(inst.state, 'running');
  assert.doesNotMatch(fs.readFileSync(`/proc/${inst.pid}/status`, 'utf8'), /TracerPid:\s*[1-9]/, 'no debugger attached');
  assert.ok((await mconsole(inst.mconsole!, 'version')).ok);
  const terminated = dc.waitForEvent('terminated');
  await dc.terminateRequest({});
  await terminated;
}));

test('run without debugging ends when the guest halts by itself', async () => {
  const dc = await startClient();
  const rootfs = makeRootfs('echo BYE\npoweroff -f');
  const umid = uniqueUmid('nodebug-off');
  try {
    const terminated = dc.waitForEvent('terminated', 60000);
    await launch(dc, testKernel(), { rootfs, umid, noDebug: true });
    await terminated;
  } finally {
    await stopClient(dc);
    removeRootfs(rootfs);
  }
  assert.deepStrictEqual(await waitGone(umid), []);
});
