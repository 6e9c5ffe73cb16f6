// The same debugger for an x86_64 kernel in QEMU (seed 002's workflow), with real QEMU (software
// emulation) and a real kernel built from linux-source-6.1 by scripts/qemu-kernel.sh: a launch
// that starts QEMU stops at cmdline_proc_show when the guest reads /proc/cmdline (stack,
// variables, lx-ps, lx-cmdline) and Stop ends QEMU; attach to a QEMU started by hand checks the
// vmlinux against the running kernel, stops, and detaches leaving the guest running; bad input
// (nothing listening, QEMU missing, the wrong vmlinux) is a clear error with nothing left running.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, ChildProcess } from 'child_process';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { qemuKernelDir, makeInitramfs, testKernel } from '../support/testKernel';
import { startClient, stopClient, collectOutput, waitForOutput, nextStop, topFrame } from '../support/dap';
import { processesWhere, pollUntil } from '../support/shared';
import { qemuArgs, kvmProblem } from '../../src/targets/qemu/qemuArgs';
import { freePort } from '../../src/targets/qemu/plans';

let tree: string;
let bzImage: string;
let vmlinux: string;
let once: string;
let ticking: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qemu-test-'));

before(() => {
  tree = qemuKernelDir();
  bzImage = path.join(tree, 'arch/x86/boot/bzImage');
  vmlinux = path.join(tree, 'vmlinux');
  once = makeInitramfs('echo QEMU-READY\ncat /proc/cmdline\necho QEMU-DONE\nreboot -f');
  ticking = makeInitramfs('echo QEMU-READY\ni=0\nwhile true; do i=$((i+1)); cat /proc/cmdline >/dev/null; echo "TICK $i"; sleep 1; done');
});
after(() => {
  for (const f of [once, ticking]) if (f) fs.rmSync(path.dirname(f), { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** QEMU processes whose command line carries this file (our initramfs). */
function qemuWith(file: string): number[] {
  return processesWhere((argv) => argv.includes(file));
}

/** A QEMU started by hand, running (no -S), its serial console collected. */
async function handStartedQemu(initrd: string): Promise<{ port: number; proc: ChildProcess; out: () => string; waitFor: (re: RegExp) => Promise<void> }> {
  const port = await freePort();
  const args = qemuArgs({ kernel: bzImage, initrd, append: 'console=ttyS0' }, port, 'stdio').filter((a) => a !== '-S');
  const proc = spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const waitFor = async (re: RegExp) => {
    if (!await pollUntil(() => re.test(text), 120000, 100)) throw new Error(`QEMU never printed ${re}:\n${text.slice(-2000)}`);
  };
  return { port, proc, out: () => text, waitFor };
}

test('launch with a qemu block: QEMU boots the kernel, cat /proc/cmdline stops at cmdline_proc_show; stack, variables, lx-ps, lx-cmdline; the guest runs on and QEMU ends', async () => {
  const dc = await startClient();
  const out = collectOutput(dc);
  try {
    const stopped = nextStop(dc, 120000);
    await Promise.all([
      dc.waitForEvent('initialized', 60000).then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] })).then(() => dc.configurationDoneRequest()),
      dc.initializeRequest().then(() => dc.launchRequest({ kernel: vmlinux, console: 'internalConsole', qemu: { kernel: bzImage, initrd: once, append: 'console=ttyS0' } } as DebugProtocol.LaunchRequestArguments)),
    ]);
    assert.strictEqual(qemuWith(once).length, 1, 'QEMU runs');
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'breakpoint');
    const top = await topFrame(dc, ev.body.threadId!);
    assert.strictEqual(top.name, 'cmdline_proc_show');
    assert.match(top.source?.path ?? '', /fs\/proc\/cmdline\.c$/);
    // Kernel tasks as threads, as for UML: the one running on the virtual CPU first; a sleeping
    // task's stack unwinds from the frame __switch_to_asm left on its stack.
    const threads = (await dc.threadsRequest()).body.threads;
    assert.match(threads[0].name, /^\[\d+\] cat \(running\)$/, JSON.stringify(threads.slice(0, 5)));
    const init = threads.find((t) => /^\[1\] init \(S: sleeping\)$/.test(t.name));
    assert.ok(init, JSON.stringify(threads));
    const initStack = (await dc.stackTraceRequest({ threadId: init.id, startFrame: 0, levels: 20 })).body.stackFrames.map((f) => f.name);
    assert.ok(initStack.includes('schedule') || initStack.includes('__schedule'), `init's stack: ${JSON.stringify(initStack)}`);
    assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'cmdline_proc_show', 'the running task\'s registers are back');
    const scopes = await dc.scopesRequest({ frameId: top.id });
    const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
    assert.ok(vars.body.variables.some((v) => v.name === 'm'), JSON.stringify(vars.body.variables));
    // Kernel data on an SMP x86_64 kernel: a per-CPU variable's copies are at its .data..percpu
    // offset plus __per_cpu_offset[cpu] (forks were counted on them); lists and the cat's maple tree as on UML.
    const pc = await dc.evaluateRequest({ expression: 'process_counts', frameId: top.id, context: 'watch' });
    assert.match(pc.body.result, /^per-CPU unsigned long: \d+ possible CPUs?$/);
    const copies = (await dc.variablesRequest({ variablesReference: pc.body.variablesReference })).body.variables;
    assert.ok(copies.length >= 1 && copies.every((c, i) => c.name === `[${i}]` && /^\d+$/.test(c.value)), JSON.stringify(copies));
    assert.ok(copies.reduce((n, c) => n + Number(c.value), 0) > 0, `forks counted: ${JSON.stringify(copies)}`);
    const tasks = await dc.evaluateRequest({ expression: 'init_task.tasks', frameId: top.id, context: 'watch' });
    const cat = (await dc.variablesRequest({ variablesReference: tasks.body.variablesReference })).body.variables.find((e) => /comm = "cat"/.test(e.value));
    assert.ok(cat, 'cat on init_task.tasks');
    const mt = await dc.evaluateRequest({ expression: `${cat.evaluateName}->mm->mm_mt`, frameId: top.id, context: 'watch' });
    const ranges = (await dc.variablesRequest({ variablesReference: mt.body.variablesReference })).body.variables.filter((e) => /^\[0x[0-9a-f]+-0x[0-9a-f]+\]$/.test(e.name));
    const mapCount = Number((await dc.evaluateRequest({ expression: `${cat.evaluateName}->mm->map_count`, frameId: top.id, context: 'watch' })).body.result);
    assert.strictEqual(ranges.length, mapCount, JSON.stringify(ranges));
    const ps = (await dc.evaluateRequest({ expression: '-exec lx-ps', context: 'repl' })).body.result + out.text();
    assert.match(ps, /\binit\b/, 'lx-ps lists init');
    const cmdline = (await dc.evaluateRequest({ expression: '-exec lx-cmdline', context: 'repl' })).body.result + out.text();
    assert.match(cmdline, /console=ttyS0 nokaslr/, 'the adapter booted it with nokaslr');
    const terminated = dc.waitForEvent('terminated', 120000);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: ev.body.threadId! });
    await waitForOutput(dc, /QEMU-DONE/, out, 120000);
    await terminated;  // reboot -f with -no-reboot ends QEMU, and the session with it
  } finally {
    await stopClient(dc);
  }
  await pollUntil(() => !qemuWith(once).length, 10000, 100);
  assert.deepStrictEqual(qemuWith(once), [], 'no QEMU left');
});

test('crash snapshot of a QEMU guest: saved at the sysrq panic (QEMU\'s own dump), the session ends as QEMU does; opened: the panic stop, the sysrq chain, sh, the same kernel log', async () => {
  const panics = makeInitramfs('echo QEMU-READY\nsh -c "echo c > /proc/sysrq-trigger"\nsleep 100000');
  const snaps = fs.mkdtempSync(path.join(tmp, 'snaps-'));
  let core = '';
  let live: { text: string; log: string[] };
  const dc = await startClient();
  const out = collectOutput(dc);
  try {
    const stopped = nextStop(dc, 180000);
    await Promise.all([
      dc.waitForEvent('initialized', 60000).then(() => dc.configurationDoneRequest()),
      // panic=1 and QEMU's -no-reboot: the panic's reboot ends QEMU, as UML ends at its panic.
      dc.initializeRequest().then(() => dc.launchRequest({ kernel: vmlinux, console: 'internalConsole', snapshotOnCrash: true, snapshotDir: snaps, qemu: { kernel: bzImage, initrd: panics, append: 'console=ttyS0 panic=1' } } as DebugProtocol.LaunchRequestArguments)),
    ]);
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'exception');
    await waitForOutput(dc, /Crash snapshot saved: (\S+\.core)/, out, 120000);
    core = /Crash snapshot saved: (\S+\.core)/.exec(out.text())![1];
    assert.strictEqual(JSON.parse(fs.readFileSync(`${core}.json`, 'utf8')).target, 'qemu');
    live = { text: ev.body.text!, log: ((await dc.customRequest('umlKernelLog', {})).body as { lines: string[] }).lines };
    const terminated = dc.waitForEvent('terminated', 120000);
    await dc.continueRequest({ threadId: ev.body.threadId! });
    await terminated;
  } finally {
    await stopClient(dc);
  }
  assert.deepStrictEqual(qemuWith(panics), [], 'QEMU ended');

  const dc2 = await startClient();
  try {
    const stopped = nextStop(dc2, 60000);
    await Promise.all([
      dc2.waitForEvent('initialized', 60000).then(() => dc2.configurationDoneRequest()),
      dc2.initializeRequest().then(() => dc2.launchRequest({ snapshot: core, console: 'internalConsole' } as DebugProtocol.LaunchRequestArguments)),
    ]);
    const ev = await stopped;
    assert.deepStrictEqual([ev.body.reason, ev.body.text], ['exception', live.text]);
    const names = (await dc2.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 30 })).body.stackFrames.map((f) => f.name);
    for (const f of ['panic', 'sysrq_handle_crash', '__handle_sysrq', 'write_sysrq_trigger']) assert.ok(names.includes(f), `${f} in ${JSON.stringify(names)}`);
    const threads = (await dc2.threadsRequest()).body.threads.map((t) => t.name);
    assert.ok(threads.some((t) => /^\[\d+\] sh \(running\)$/.test(t)), JSON.stringify(threads.slice(0, 5)));
    const init = (await dc2.threadsRequest()).body.threads.find((t) => /^\[1\] init /.test(t.name))!;
    const initStack = (await dc2.stackTraceRequest({ threadId: init.id, startFrame: 0, levels: 20 })).body.stackFrames.map((f) => f.name);
    assert.ok((initStack.includes('schedule') || initStack.includes('__schedule')) && !initStack.includes('panic'), `init's own stack in the snapshot: ${JSON.stringify(initStack)}`);
    assert.deepStrictEqual((await dc2.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 30 })).body.stackFrames.map((f) => f.name), names);
    const log = ((await dc2.customRequest('umlKernelLog', {})).body as { lines: string[] }).lines;
    assert.deepStrictEqual(log.slice(-10), live.log.slice(-10));
  } finally {
    await stopClient(dc2);
    fs.rmSync(path.dirname(panics), { recursive: true, force: true });
  }
});

test('Stop ends the QEMU the adapter started', async () => {
  const dc = await startClient();
  try {
    const stopped = nextStop(dc, 120000);
    await Promise.all([
      dc.waitForEvent('initialized', 60000).then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] })).then(() => dc.configurationDoneRequest()),
      dc.initializeRequest().then(() => dc.launchRequest({ kernel: vmlinux, console: 'internalConsole', qemu: { kernel: bzImage, initrd: ticking } } as DebugProtocol.LaunchRequestArguments)),
    ]);
    await stopped;
    assert.strictEqual(qemuWith(ticking).length, 1);
    await dc.disconnectRequest({ terminateDebuggee: true });
  } finally {
    await stopClient(dc);
  }
  assert.deepStrictEqual(qemuWith(ticking), [], 'Stop ended QEMU');
});

test('attach to a running QEMU: the wrong vmlinux is refused, the right one stops at cmdline_proc_show, detach leaves the guest running', async () => {
  const q = await handStartedQemu(ticking);
  try {
    await q.waitFor(/TICK 2\b/);
    // A copy of the vmlinux whose banner differs by one letter: "the vmlinux of another kernel".
    const other = path.join(tmp, 'vmlinux');
    const bytes = fs.readFileSync(vmlinux);
    let flipped = 0;
    for (let at = bytes.indexOf('Linux version 6.1'); at >= 0; at = bytes.indexOf('Linux version 6.1', at + 1), flipped++) bytes[at] = 'l'.charCodeAt(0);
    assert.ok(flipped > 0);
    fs.writeFileSync(other, bytes);
    const bad = await startClient();
    try {
      await bad.initializeRequest();
      bad.once('initialized', () => void bad.configurationDoneRequest().catch(() => undefined));  // should it get that far
      const err = await bad.attachRequest({ target: `127.0.0.1:${q.port}`, kernel: other } as DebugProtocol.AttachRequestArguments).then(() => undefined, (e: Error) => e);
      assert.match(err?.message ?? 'attached', /The running kernel does not match .*vmlinux: gdb reads .*Linux version 6\.1.* where the vmlinux has .*linux version 6\.1/);
    } finally {
      await stopClient(bad);
    }
    assert.ok(q.proc.exitCode === null, 'QEMU still runs after the refused attach');

    const dc = await startClient();
    try {
      const stopped = nextStop(dc, 60000);
      await Promise.all([
        dc.waitForEvent('initialized', 60000).then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] })).then(() => dc.configurationDoneRequest()),
        dc.initializeRequest().then(() => dc.attachRequest({ target: `127.0.0.1:${q.port}`, kernel: vmlinux } as DebugProtocol.AttachRequestArguments)),
      ]);
      const ev = await stopped;
      assert.strictEqual((await topFrame(dc, ev.body.threadId!)).name, 'cmdline_proc_show');
      await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
      await dc.disconnectRequest({});
    } finally {
      await stopClient(dc);
    }
    const n = (q.out().match(/TICK \d+/g) ?? []).length;
    await q.waitFor(new RegExp(`TICK ${n + 2}\\b`));  // detached: the guest runs on
  } finally {
    q.proc.kill('SIGKILL');
  }
});

test('bad input: nothing listening, QEMU missing, a bad target, a UML binary as the vmlinux, KVM where the host has none; each names the fix, nothing starts', async () => {
  const port = await freePort();
  const cases: Array<[Record<string, unknown>, RegExp, 'attach' | 'launch']> = [
    [{ target: `127.0.0.1:${port}`, kernel: vmlinux }, new RegExp(`Nothing answers as a gdbstub at 127\\.0\\.0\\.1:${port} .*Start QEMU with -s -S`), 'attach'],
    [{ kernel: vmlinux, qemu: { kernel: bzImage, qemuPath: '/nonexistent/qemu-system-x86_64' } }, /qemu-system-x86_64 not found: install QEMU \(Debian: sudo apt-get install qemu-system-x86\)/, 'launch'],
    [{ target: 'localhost:99999', kernel: vmlinux }, /"target": "localhost:99999" is not host:port/, 'attach'],
    [{ target: `127.0.0.1:${port}`, kernel: testKernel() }, /is a User-Mode Linux kernel: launch it without "qemu" and "target"/, 'attach'],
  ];
  // KVM where this host cannot do it (here: /dev/kvm exists, but the VM offers no vmx/svm).
  const kvm = kvmProblem();
  if (kvm) cases.push([{ kernel: vmlinux, qemu: { kernel: bzImage, initrd: once, accel: 'kvm' } }, /KVM is not available: .*Use "accel": "tcg"/, 'launch']);
  for (const [args, re, kind] of cases) {
    const dc = await startClient();
    try {
      await dc.initializeRequest();
      const r = kind === 'attach' ? dc.attachRequest(args as DebugProtocol.AttachRequestArguments) : dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
      const err = await r.then(() => undefined, (e: Error) => e);
      assert.match(err?.message ?? 'started', re);
    } finally {
      await stopClient(dc);
    }
  }
});
