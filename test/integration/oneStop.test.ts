// One call gives one stop and one log line, on a loaded host. A UML signal (timer, I/O) that
// arrives while gdb steps over a breakpoint can make gdb report the same call again (its dprintf
// does); the adapter leaves the breakpoint first on every resume (stepOff.ts). Two CPU hogs make
// such signals land inside the step far more often.
//
// Truth from the kernel, not from counting: at each stop the test writes a tag of its own into
// the call's seq_file (m->private, unused by /proc/cmdline), and the logpoint further down the
// same function logs it. A real call runs from the stop to the logpoint, so stops and log lines
// alternate, each line carrying the tag of the stop before it. A phantom stop comes twice with
// no line between; a phantom log line repeats a tag with no stop between. (The first read of
// /proc/cmdline may call show() twice: a real second call, stop and line as well.)
//
// Steps from the breakpoint (next, step in, step out, by instruction) must each end where gdb's
// step does: on 6.12 a signal while gdb steps at the function's entry (seq_puts inlined there)
// derails about 1 next in 3 into UML's signal handler, unless the adapter brings it back.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, ChildProcess } from 'child_process';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launch, nextStop, topFrame, withSession } from '../support/dap';

const READS = 20;
let rootfs: string;
before(() => {
  testKernelDir();
  rootfs = makeRootfs(`for i in $(seq 1 ${READS}); do echo "MARK $i"; cat /proc/cmdline >/dev/null; done\necho READS-DONE\npoweroff -f`);
});
after(() => removeRootfs(rootfs));

/** Processes that spin on the host's CPUs until killed. */
function cpuHogs(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
}

/** The first place where stops and log lines do not alternate tag by tag, or undefined. */
function firstBreak(events: string[]): number | undefined {
  for (let i = 0; i < events.length; i++) {
    const want = i % 2 === 0 ? 'S' : `L${events[i - 1].slice(1)}`;
    if (i % 2 === 0 ? !events[i].startsWith('S') : events[i] !== want) return i;
  }
  return events.length % 2 ? events.length - 1 : undefined;  // the last stop logged nothing
}

test(`one call gives one stop and one log line, ${READS} reads of ${READS}, with two CPU hogs on the host`, async () => {
  const hogs = cpuHogs(2);
  try {
    await withSession('onestop', async (dc, umid, out) => {
      const cmdline = path.join(testKernelDir(), 'fs', 'proc', 'cmdline.c');
      const putcLine = fs.readFileSync(cmdline, 'utf8').split('\n').findIndex((l) => l.includes("seq_putc(m, '\\n');")) + 1;
      assert.ok(putcLine > 0, `no seq_putc line in ${cmdline}`);
      // In the order the adapter said it: S<tag> for a stop, L<tag> for a log line.
      const events: string[] = [];
      const pids = new Set<string>();
      let tags = 0;
      let fail!: (e: Error) => void;
      const failed = new Promise<never>((_, reject) => { fail = reject; });
      dc.on('output', (e: DebugProtocol.OutputEvent) => {
        if (e.body.category !== 'console') return;
        for (const m of e.body.output.matchAll(/^CALL-TAG (?:\(void \*\) )?(0x[0-9a-f]+)$/gm)) events.push(`L${m[1]}`);
      });
      const onStop = async (e: DebugProtocol.StoppedEvent) => {
        const top = await topFrame(dc, e.body.threadId!);
        assert.strictEqual(top.name, 'cmdline_proc_show', `stopped (${e.body.reason}) in ${top.name}`);
        const tag = `0x${(0x1000 + ++tags).toString(16)}`;
        events.push(`S${tag}`);
        // Which read this is: each `cat` is a process of its own.
        pids.add((await dc.evaluateRequest({ expression: '((struct task_struct *)cpu_tasks[0].task)->pid', frameId: top.id, context: 'watch' })).body.result);
        await dc.customRequest('setExpression', { expression: 'm->private', value: `(void *)${tag}`, frameId: top.id });
        await dc.continueRequest({ threadId: e.body.threadId! });
      };
      dc.on('stopped', (e: DebugProtocol.StoppedEvent) => { onStop(e).catch(fail); });
      const terminated = dc.waitForEvent('terminated', 240000);
      await launch(dc, testKernel(), { rootfs, umid }, async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] });
        const lp = await dc.setBreakpointsRequest({ source: { path: cmdline }, breakpoints: [{ line: putcLine, logMessage: 'CALL-TAG {m->private}' }] });
        assert.strictEqual(lp.body.breakpoints[0].verified, true);
      });
      await Promise.race([terminated, failed]).catch((e: Error) => { throw new Error(`${e.message}\nevents: ${events.join(' ')}\nguest: ${out.text().slice(-1500)}`); });
      assert.match(out.text(), /READS-DONE/);
      const stops = events.filter((e) => e.startsWith('S')).length;
      const at = firstBreak(events);
      assert.strictEqual(at, undefined, `a call gave more than one stop or log line: ${events.slice(Math.max(0, (at ?? 0) - 4), (at ?? 0) + 4).join(' ')} (event ${at} of ${events.length}; all: ${events.join(' ')})`);
      assert.strictEqual(pids.size, READS, `every read stopped: ${pids.size} of ${READS} (${stops} stops)`);
      assert.ok(stops >= READS, `${stops} stops for ${READS} reads`);
    });
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
  }
});

test(`each step from a breakpoint gives one stop where the step ends, ${READS} of ${READS}, with two CPU hogs on the host`, async () => {
  const hogs = cpuHogs(2);
  try {
    await withSession('onestep', async (dc, umid, out) => {
      const cmdline = path.join(testKernelDir(), 'fs', 'proc', 'cmdline.c');
      const putcLine = fs.readFileSync(cmdline, 'utf8').split('\n').findIndex((l) => l.includes("seq_putc(m, '\\n');")) + 1;
      // Where each step from the breakpoint (the first line of cmdline_proc_show) ends. Every other
      // one is a next: a signal derails it most (gdb stepping at the entry, seq_puts inlined on 6.12).
      const kinds: Array<[string, (t: number) => Promise<unknown>, (f: DebugProtocol.StackFrame, next: bigint) => string | undefined]> = [
        ['next', (t) => dc.nextRequest({ threadId: t }), (f) => (f.name === 'cmdline_proc_show' && f.line === putcLine ? undefined : `${f.name}:${f.line}, not line ${putcLine}`)],
        ['stepIn', (t) => dc.stepInRequest({ threadId: t }), (f) => (f.name === 'seq_puts' ? undefined : `in ${f.name}, not seq_puts`)],
        ['stepOut', (t) => dc.stepOutRequest({ threadId: t }), (f) => (f.name === 'seq_read_iter' ? undefined : `in ${f.name}, not seq_read_iter`)],
        ['next instruction', (t) => dc.nextRequest({ threadId: t, granularity: 'instruction' }), (f, next) => (BigInt(f.instructionPointerReference!) === next ? undefined : `at ${f.instructionPointerReference}, not 0x${next.toString(16)}`)],
        ['step instruction', (t) => dc.stepInRequest({ threadId: t, granularity: 'instruction' }), (f, next) => (BigInt(f.instructionPointerReference!) === next ? undefined : `at ${f.instructionPointerReference}, not 0x${next.toString(16)}`)],
      ];
      const wrong: string[] = [];
      let calls = 0;
      let stops = 0;
      dc.on('stopped', () => { stops++; });
      const terminated = dc.waitForEvent('terminated', 120000);
      let stopped = nextStop(dc, 120000);
      await launch(dc, testKernel(), { rootfs, umid }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] }));
      for (; calls < READS; calls++) {
        const ev = await stopped;
        const t = ev.body.threadId!;
        const top = await topFrame(dc, t);
        assert.strictEqual(`${ev.body.reason} ${top.name}`, 'breakpoint cmdline_proc_show', `call ${calls + 1}`);
        // The instruction after the breakpoint's (its first one is not a call).
        const [, second] = (await dc.customRequest('disassemble', { memoryReference: top.instructionPointerReference, instructionCount: 2 })).body.instructions as Array<{ address: string }>;
        const [name, step, check] = calls % 2 === 0 ? kinds[0] : kinds[1 + ((calls - 1) / 2) % (kinds.length - 1)];
        const done = nextStop(dc, 60000);
        await step(t);
        const sev = await done;
        const where = await topFrame(dc, t);
        const bad = sev.body.reason !== 'step' ? `stopped for '${sev.body.reason}' in ${where.name}:${where.line}` : check(where, BigInt(second.address));
        if (bad) wrong.push(`call ${calls + 1}, ${name}: ${bad}`);
        if (calls + 1 < READS) stopped = nextStop(dc, 60000);
        await dc.continueRequest({ threadId: t });
      }
      await terminated;  // the guest powered off after its last read
      assert.deepStrictEqual(wrong, [], `${wrong.length} of ${READS} steps did not end where they should`);
      assert.strictEqual(stops, 2 * READS, 'a stop at each call and one where its step ended, no more');
      assert.match(out.text(), /READS-DONE/);
    });
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
  }
});
