// Resuming from a breakpoint (stepOff.ts): what each stop on the way means, for each kind of
// resume. Stops are gdb's MI lines; the stack pointer a decision reads is given as gdb would.
import { test } from 'node:test';
import * as assert from 'assert';
import { MiCommands } from '../../src/gdb/commands';
import { parseMiLine } from '../../src/gdb/mi';
import { stopRecord } from '../../src/gdb/records';
import { Plan, Probe, ResumeKind, StepOff, breakpointPc, decide } from '../../src/debug/stepOff';
import { scripted } from '../support/scriptedGdb';

const A = '0x6014bf68';
/** A *stopped line as the runtime hands it on. */
const stop = (line: string) => stopRecord(parseMiLine(line));
const frame = (addr: string, func = 'cmdline_proc_show', line: string | undefined = '9') =>
  `frame={addr="${addr}",func="${func}",args=[]${line ? `,file="fs/proc/cmdline.c",fullname="/k/fs/proc/cmdline.c",line="${line}"` : ''}}`;
const hit = (addr = A, more = '') => stop(`*stopped,reason="breakpoint-hit",disp="keep",bkptno="2",${more}${frame(addr)},thread-id="1",stopped-threads="all"`);
const stepped = (addr: string, func?: string, line?: string) => stop(`*stopped,reason="end-stepping-range",${frame(addr, func, line)},thread-id="1",stopped-threads="all"`);
const signal = stop(`*stopped,reason="signal-received",signal-name="SIGINT",signal-meaning="Interrupt",${frame('0x60031234', 'hard_handler', undefined)},thread-id="1"`);

const plan = (kind: ResumeKind): Plan => ({ kind, thread: 1, stopThread: 1, from: { pc: A, func: 'cmdline_proc_show' }, sp: 0x7000n, again: 0 });
const probe = (sp: bigint | undefined, callers: string[] = []): Probe & { asked: number } => {
  const p = { asked: 0, sp: async () => { p.asked++; return sp; }, callers: async () => callers };
  return p;
};

/** The MI command a decision gives, as gdb would receive it. */
async function commandOf(n: Awaited<ReturnType<typeof decide>>): Promise<string> {
  if (n === 'again' || n === 'unwind') return n;
  if ('user' in n) return 'user';
  const { proc, gdb } = scripted();
  await n.resume(new MiCommands(gdb));
  return proc.commands.join('; ');
}

test('the same trap re-reported in the same frame is stepped again; deeper (a nested call) it is a real stop', async () => {
  assert.strictEqual(await decide(plan('continue'), hit(), probe(0x7000n)), 'again');
  assert.strictEqual(await commandOf(await decide(plan('continue'), hit(), probe(0x6e00n))), 'user');
  // Stepped, yet still there (the handler returned to it): again, but not for ever.
  assert.strictEqual(await decide(plan('continue'), stepped(A), probe(0x7000n)), 'again');
  assert.strictEqual(await commandOf(await decide({ ...plan('continue'), again: 20 }, stepped(A), probe(0x7000n))), 'user');
});

test('off the breakpoint: continue goes on, an instruction step was the step; a real stop on the way is the user\'s', async () => {
  const off = stepped('0x6014bf6c');
  assert.strictEqual(await commandOf(await decide(plan('continue'), off, probe(0x7000n))), '-exec-continue');
  assert.strictEqual(await commandOf(await decide(plan('stepi'), off, probe(0x7000n))), 'user');
  assert.strictEqual(await commandOf(await decide(plan('nexti'), off, probe(0x7000n))), 'user');
  assert.strictEqual(await commandOf(await decide(plan('continue'), hit('0x6014bf80'), probe(0x7000n))), 'user');
  assert.strictEqual(await commandOf(await decide(plan('continue'), signal, probe(0x7000n))), 'user');
});

test('next and step are gdb\'s own: given again when the stop is the same trap in the same frame; any other stop ends them', async () => {
  const p = probe(0x7000n);
  assert.strictEqual(await decide(plan('next'), hit(), p), 'again');
  assert.strictEqual(await decide(plan('step'), hit(), p), 'again');
  assert.strictEqual(await commandOf(await decide(plan('next'), hit(), probe(0x6e00n))), 'user', 'a recursive call reached the breakpoint');
  assert.strictEqual(await commandOf(await decide(plan('next'), stepped('0x6014bf70', 'cmdline_proc_show', '10'), p)), 'user');
  assert.strictEqual(await commandOf(await decide(plan('step'), stepped('0x60100000', 'seq_puts', '40'), p)), 'user');
  assert.strictEqual(await commandOf(await decide(plan('next'), signal, p)), 'user');
  assert.strictEqual(p.asked, 2, 'the stack pointer is read only for the trap at the same address');
});

test('a step derailed into UML\'s signal handler is finished back to where the signal came, then given again', async () => {
  const inHandler = stepped('0x60034899', 'hard_handler', '192');
  const derailed = probe(undefined, ['<signal handler called>', 'seq_puts', 'cmdline_proc_show']);
  assert.strictEqual(await decide({ ...plan('next'), sp: undefined }, inHandler, derailed), 'unwind');
  assert.strictEqual(await decide(plan('step'), inHandler, derailed), 'unwind');
  // Finished out of the handler: back in the function (or on the breakpoint itself): step again.
  const back = stop(`*stopped,${frame('0x6014bf70')},thread-id="1"`);
  assert.strictEqual(await decide({ ...plan('next'), phase: 'unwind' }, back, derailed), 'again');
  assert.strictEqual(await decide({ ...plan('next'), phase: 'unwind' }, hit(), derailed), 'again');
  assert.strictEqual(await commandOf(await decide({ ...plan('next'), phase: 'unwind' }, hit('0x6014bf80'), derailed)), 'user', 'another breakpoint on the way');
  // The handler of a signal that came elsewhere, or a step that started in the handler: the user's.
  assert.strictEqual(await commandOf(await decide(plan('next'), inHandler, probe(undefined, ['<signal handler called>', 'do_idle']))), 'user');
  const inside = { ...plan('next'), from: { pc: '0x60034880', func: 'hard_handler' } };
  assert.strictEqual(await commandOf(await decide(inside, stepped('0x600348a0', 'hard_handler', '195'), derailed)), 'user');
});

test('finish: still in the function, finish it; the breakpoint was on its return, so the step already left it', async () => {
  assert.strictEqual(await commandOf(await decide(plan('finish'), stepped('0x6014bf6c'), probe(0x7000n))), '-exec-finish --thread 1');
  assert.strictEqual(await commandOf(await decide(plan('finish'), stepped('0x60200010', 'seq_read_iter', '230'), probe(0x7008n))), 'user');
});

test('a stop on a breakpoint is one to step off; a temporary breakpoint is gone; gdb may give two reasons', () => {
  assert.strictEqual(breakpointPc(hit()), A);
  assert.strictEqual(breakpointPc(stepped(A)), undefined);
  assert.strictEqual(breakpointPc(stop(`*stopped,reason="breakpoint-hit",disp="del",bkptno="1",${frame(A)},thread-id="1"`)), undefined);
  const both = stop(`*stopped,reason="function-finished",reason="breakpoint-hit",disp="keep",bkptno="3",${frame('0x6014bf90')},thread-id="1"`);
  assert.deepStrictEqual(both.reasons, ['function-finished', 'breakpoint-hit']);
  assert.strictEqual(breakpointPc(both), '0x6014bf90');
});

test('StepOff: no breakpoint at the pc costs no gdb read; from one, stepi until off it, then continue; next is given again after a re-report', async () => {
  let resumes = 0;
  const p = probe(0x7000n);
  const off = new StepOff(p, () => resumes);
  const { proc, gdb } = scripted();
  const mi = new MiCommands(gdb);
  const run = async (c: (m: MiCommands) => Promise<void>) => { resumes++; await c(mi); };

  assert.strictEqual(await off.next(signal), undefined, 'a pause is the user\'s stop');
  await run(await off.begin('continue'));
  assert.strictEqual(p.asked, 0);
  assert.deepStrictEqual(proc.commands, ['-exec-continue']);

  assert.strictEqual(await off.next(hit()), undefined, 'the breakpoint stop is the user\'s');
  await run(await off.begin('continue'));
  for (const stop of [hit(), stepped('0x6014bf6c')]) {  // the same call reported again, then off
    const more = await off.next(stop);
    assert.ok(more);
    await run(more);
  }
  assert.deepStrictEqual(proc.commands.slice(1), ['-exec-step-instruction --thread 1', '-exec-step-instruction --thread 1', '-exec-continue']);

  assert.strictEqual(await off.next(hit()), undefined, 'the next call is the user\'s');
  await run(await off.begin('next', 1));
  const again = await off.next(hit());
  assert.ok(again);
  await run(again);
  assert.deepStrictEqual(proc.commands.slice(4), ['-exec-next --thread 1', '-exec-next --thread 1']);
  assert.strictEqual(await off.next(stepped('0x6014bf70', 'cmdline_proc_show', '10')), undefined, 'the step\'s end is the user\'s');
});

test('StepOff: a next derailed into the signal handler: finish out of it, next again; no breakpoint, no gdb read before', async () => {
  let resumes = 0;
  const p = probe(0x7000n, ['<signal handler called>', 'seq_puts', 'cmdline_proc_show']);
  const off = new StepOff(p, () => resumes);
  const { proc, gdb } = scripted();
  const mi = new MiCommands(gdb);
  const run = async (c: (m: MiCommands) => Promise<void>) => { resumes++; await c(mi); };
  assert.strictEqual(await off.next(stepped('0x6014bf6c')), undefined);  // stopped by a step, not on a breakpoint
  await run(await off.begin('next', 1));
  assert.strictEqual(p.asked, 0);
  for (const s of [stepped('0x60034899', 'hard_handler', '192'), stop(`*stopped,${frame('0x6014bf6c')},thread-id="1"`)]) {
    const more = await off.next(s);
    assert.ok(more);
    await run(more);
  }
  assert.deepStrictEqual(proc.commands, ['-exec-next --thread 1', '-exec-finish --thread 1 --frame 1', '-exec-next --thread 1']);
  assert.strictEqual(await off.next(stepped('0x6014bf70', 'cmdline_proc_show', '10')), undefined);
});

test('StepOff: a resume it did not give (a breakpoint change while running), or a pause, ends the step off', async () => {
  let resumes = 0;
  const off = new StepOff(probe(0x7000n), () => resumes);
  const { gdb } = scripted();
  const mi = new MiCommands(gdb);
  assert.strictEqual(await off.next(hit()), undefined);
  resumes++; await (await off.begin('continue'))(mi);
  resumes++;  // withStopped interrupted the step and continued
  assert.strictEqual(await off.next(hit()), undefined, 'a new call with the same frame is a real stop');

  resumes++; await (await off.begin('continue'))(mi);
  off.cancel();
  assert.strictEqual(await off.next(hit()), undefined, 'after a pause, the next stop is shown');
  off.reset();
  resumes++; await (await off.begin('continue'))(mi);
  assert.strictEqual(await off.next(hit()), undefined, 'a new boot starts on no breakpoint');
});
