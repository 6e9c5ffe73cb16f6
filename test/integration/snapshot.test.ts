// Crash snapshots on the real kernel: a guest whose `sh` panics it through sysrq, under a session
// with snapshotOnCrash: the snapshot is saved at the panic stop, and the session ends as the
// panic ends UML. Opening the snapshot shows the panic stop, the sysrq call chain, the task list
// with sh in it and the same kernel log as the live session; nothing runs. Bad snapshots (not
// ELF, truncated, another kernel's, without the kernel's memory, no JSON) each say what is wrong.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launch, nextStop, startClient, stopClient, waitForOutput, withSession, collectOutput } from '../support/dap';
import { processesWhere } from '../support/shared';

let rootfs: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uml-snapshots-'));
before(() => { testKernelDir(); rootfs = makeRootfs('echo SNAPSHOT-MARK > /dev/kmsg\nsh -c "echo c > /proc/sysrq-trigger"\nsleep 100000'); });
after(() => { removeRootfs(rootfs); fs.rmSync(dir, { recursive: true, force: true }); });

let core = '';
let liveLog: string[] = [];
let liveText = '';

async function stackNames(dc: DebugClient, threadId: number): Promise<string[]> {
  return (await dc.stackTraceRequest({ threadId, startFrame: 0, levels: 30 })).body.stackFrames.map((f) => f.name);
}

test('at a panic stop with snapshotOnCrash the snapshot is saved, then the session ends with UML', () => withSession('snap-save', async (dc, umid, out) => {
  await dc.initializeRequest();
  const stopped = nextStop(dc, 90000);
  await launch(dc, testKernel(), { rootfs, umid, snapshotOnCrash: true, snapshotDir: dir });
  const ev = await stopped;
  assert.strictEqual(ev.body.reason, 'exception');
  assert.match(ev.body.text ?? '', /^Kernel panic: sysrq triggered crash$/);
  liveText = ev.body.text!;
  await waitForOutput(dc, /Crash snapshot saved: (\S+\.core) \(\d+ MB in [\d.]+ s\)/, out, 60000);
  core = /Crash snapshot saved: (\S+\.core)/.exec(out.text())![1];
  assert.strictEqual(path.dirname(core), dir);
  const meta = JSON.parse(fs.readFileSync(`${core}.json`, 'utf8'));
  assert.deepStrictEqual([meta.version, meta.target, meta.kernel, meta.reason, meta.text, meta.umid], [1, 'uml', testKernel(), 'exception', liveText, umid]);
  assert.match(meta.buildId, /^[0-9a-f]{40}$/);
  assert.ok(!fs.existsSync(`${core}.partial`), 'no partial file left');
  liveLog = ((await dc.customRequest('umlKernelLog', {})).body as { lines: string[] }).lines;
  assert.ok(liveLog.some((l) => /SNAPSHOT-MARK/.test(l)), 'the guest\'s own line is in the log');
  const ended = dc.waitForEvent('terminated', 60000);
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await ended;
}));

test('the snapshot opens as the stop it was: the sysrq chain, sh among the tasks, the same kernel log; nothing runs', async () => {
  assert.ok(core, 'the first test saved a snapshot');
  const dc = await startClient();
  const out = collectOutput(dc);
  try {
    await dc.initializeRequest();
    const stopped = nextStop(dc, 60000);
    await Promise.all([
      dc.waitForEvent('initialized', 60000).then(() => dc.configurationDoneRequest()),
      dc.launchRequest({ snapshot: core, console: 'internalConsole' } as DebugProtocol.LaunchRequestArguments),
    ]);
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'exception');
    assert.strictEqual(ev.body.text, liveText);
    assert.match(out.text(), /Crash snapshot .*\.core: UML instance \S+, saved /);
    const names = await stackNames(dc, ev.body.threadId!);
    for (const f of ['panic', 'sysrq_handle_crash', '__handle_sysrq', 'write_sysrq_trigger']) assert.ok(names.includes(f), `${f} in ${JSON.stringify(names)}`);
    const threads = (await dc.threadsRequest()).body.threads.map((t) => t.name);
    assert.ok(threads.some((t) => /^\[\d+\] sh \(running\)$/.test(t)), `sh is the running task: ${JSON.stringify(threads.slice(0, 5))}`);
    assert.ok(threads.some((t) => /^\[1\] init /.test(t)) && threads.some((t) => /^\[2\] kthreadd /.test(t)), JSON.stringify(threads));
    // A task that was not running: its own stack, from its saved context (the core's registers stay).
    const init = (await dc.threadsRequest()).body.threads.find((t) => /^\[1\] init /.test(t.name))!;
    const initStack = await stackNames(dc, init.id);
    assert.ok(initStack.includes('__schedule') || initStack.includes('schedule'), `init's stack: ${JSON.stringify(initStack)}`);
    assert.ok(!initStack.includes('panic'), `init's own frames, not the running task's: ${JSON.stringify(initStack)}`);
    const sched = (await dc.stackTraceRequest({ threadId: init.id, startFrame: 0, levels: 30 })).body.stackFrames.find((f) => f.name === '__schedule')!;
    const prev = await dc.evaluateRequest({ expression: 'prev->pid', frameId: sched.id, context: 'watch' });
    assert.strictEqual(prev.body.result, '1', 'a task frame\'s variables: __schedule\'s prev is init');
    assert.deepStrictEqual(await stackNames(dc, ev.body.threadId!), names, 'the running task\'s stack as it was');
    const log = ((await dc.customRequest('umlKernelLog', {})).body as { lines: string[] }).lines;
    assert.deepStrictEqual(log.slice(-10), liveLog.slice(-10), 'the same kernel log tail as the live session');
    const frame = (await dc.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 1 })).body.stackFrames[0];
    const comm = await dc.evaluateRequest({ expression: 'init_task.comm', frameId: frame.id, context: 'watch' });
    assert.match(comm.body.result, /swapper/);
    const refused = await dc.continueRequest({ threadId: ev.body.threadId! }).then(() => undefined, (e: Error) => e.message);
    assert.match(refused ?? '', /A crash snapshot does not run/);
    const saved = await dc.customRequest('umlSaveSnapshot', {}).then(() => undefined, (e: Error) => e.message);
    assert.match(saved ?? '', /This is a snapshot already/);
  } finally {
    await stopClient(dc);
  }
  assert.deepStrictEqual(processesWhere((argv) => argv.some((a) => a.includes(core))), [], 'gdb ended');
});

/** A launch of `snapshot` that must fail: its message. */
async function refusal(snapshot: string, extra: Record<string, unknown> = {}): Promise<string> {
  const dc = await startClient();
  try {
    await dc.initializeRequest();
    // (one that opens after all must not wait for a configurationDone forever)
    dc.once('initialized', () => void dc.configurationDoneRequest().catch(() => undefined));
    return await dc.launchRequest({ snapshot, console: 'internalConsole', ...extra } as DebugProtocol.LaunchRequestArguments).then(() => 'opened', (e: Error) => e.message);
  } finally {
    await stopClient(dc);
  }
}

/** A copy of the snapshot (core and JSON) that `change` spoils. */
function spoiled(name: string, change: (file: string, meta: Record<string, unknown>) => Record<string, unknown> | void): string {
  const file = path.join(dir, `${name}.core`);
  fs.copyFileSync(core, file);
  const meta = JSON.parse(fs.readFileSync(`${core}.json`, 'utf8'));
  fs.writeFileSync(`${file}.json`, JSON.stringify(change(file, meta) ?? meta));
  return file;
}

test('bad snapshots say what is wrong: not ELF, truncated, another kernel, no kernel memory, no JSON', async () => {
  assert.ok(core, 'the first test saved a snapshot');
  const notElf = spoiled('notelf', (f) => fs.writeFileSync(f, 'just text\n'));
  assert.match(await refusal(notElf), /is not an ELF file, so not a core dump/);

  const truncated = spoiled('truncated', (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2)));
  assert.match(await refusal(truncated), /is truncated: the memory at 0x[0-9a-f]+ needs bytes up to \d+, the file has \d+/);

  const other = spoiled('other', (_f, m) => ({ ...m, buildId: '0123456789abcdef0123456789abcdef01234567' }));
  assert.match(await refusal(other), /was saved from a kernel with build-id 0123456789abcdef0123456789abcdef01234567 .*has build-id [0-9a-f]{40}: open it with the kernel it was saved from/);

  // The kernel's memory left out, as a core of only what is mapped read-only would be: every
  // writable segment keeps its place but none of its bytes.
  const noMemory = spoiled('nomemory', (f) => {
    const fd = fs.openSync(f, 'r+');
    try {
      const h = Buffer.alloc(64);
      fs.readSync(fd, h, 0, 64, 0);
      const phoff = Number(h.readBigUInt64LE(0x20)); const phentsize = h.readUInt16LE(0x36); const phnum = h.readUInt16LE(0x38);
      const ph = Buffer.alloc(phentsize * phnum);
      fs.readSync(fd, ph, 0, ph.length, phoff);
      for (let i = 0; i < phnum; i++) {
        if (ph.readUInt32LE(i * phentsize) === 1 && ph.readUInt32LE(i * phentsize + 4) & 2) ph.writeBigUInt64LE(0n, i * phentsize + 0x20);  // PT_LOAD, PF_W: p_filesz = 0
      }
      fs.writeSync(fd, ph, 0, ph.length, phoff);
    } finally { fs.closeSync(fd); }
  });
  assert.match(await refusal(noMemory), /does not hold the kernel's memory/);

  const noJson = path.join(dir, 'nojson.core');
  fs.copyFileSync(core, noJson);
  assert.match(await refusal(noJson), /has no .*nojson\.core\.json beside it/);
  assert.match(await refusal(path.join(dir, 'missing.core')), /Crash snapshot not found/);
});
