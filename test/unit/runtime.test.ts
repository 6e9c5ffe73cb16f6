// The runtime's state machine over a scripted MI stream: a pause racing a breakpoint change,
// an interrupt that fails or never stops the kernel, gdb dying, stepping off a breakpoint.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Runtime } from '../../src/debug/runtime';
import { StepOff, gdbProbe } from '../../src/debug/stepOff';
import { UmlPlan } from '../../src/targets/uml/plans';
import { UmlTarget } from '../../src/targets/uml/umlTarget';
import type { Stop } from '../../src/gdb/records';
import { Gdb } from '../../src/gdb/gdb';
import { ScriptedGdb, scripted } from '../support/scriptedGdb';

const STOPPED_SIGINT = '*stopped,reason="signal-received",signal-name="SIGINT",thread-id="1",frame={addr="0x10",func="hard_handler"}';

/** An attached runtime (no kernel process involved) over a scripted gdb; `more` answers first. */
async function attached(more: (c: string, t: number, g: ScriptedGdb) => boolean = () => false) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-unit-'));
  const plan: UmlPlan = {
    mode: 'attach', attachPid: 2 ** 22 + 1, kernel: { kernel: '/nonexistent/linux', buildDir: dir }, id: 'unit', umid: 'unit', umlDir: dir,
    gdbPath: 'gdb', args: [], gdbinitPath: path.join(dir, 's', 'gdbinit'), gdbinitText: '', sessionDir: path.join(dir, 's'), indexCacheDir: path.join(dir, 'idx'),
    console: 'internalConsole', stopOnEntry: false,
  };
  let proc!: ScriptedGdb;
  const rt = new Runtime(new UmlTarget(plan), () => undefined, {
    stopTimeoutMs: 200,
    startGdb: () => {
      const s = scripted((c, t, g) => {
        if (more(c, t, g)) return true;
        if (c.startsWith('-target-attach')) { g.write(`${t}^done`, '*stopped,reason="signal-received",signal-name="SIGSTOP",thread-id="1",frame={addr="0x1"}'); return true; }
        if (c === '-exec-continue') { g.write(`${t}^running`, '*running,thread-id="all"'); return true; }
        return false;
      });
      proc = s.proc;
      return s.gdb as Gdb;
    },
  });
  const stops: Stop[] = [];
  rt.on('stopped', (r: Stop) => stops.push(r));
  await rt.start();  // the UML target attaches once the kernel is loaded
  await rt.resume(() => rt.mi.execContinue());
  assert.strictEqual(rt.state, 'running');
  const done = async () => { await rt.dispose(); fs.rmSync(dir, { recursive: true, force: true }); };
  return { rt, proc, stops, done };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

test('a pause then a breakpoint change: the user sees the stop, the change runs stopped and does not resume', async () => {
  const { rt, proc, stops, done } = await attached((c, t, g) => {
    if (c === '-exec-interrupt') { g.write(`${t}^done`); setTimeout(() => g.write(STOPPED_SIGINT), 30); return true; }
    return false;
  });
  try {
    const seen: string[] = [];
    const paused = rt.exclusive(() => rt.pause());
    const changed = rt.withStopped(async () => { seen.push(rt.state); });
    await Promise.all([paused, changed]);
    await tick();
    assert.deepStrictEqual(seen, ['stopped']);
    assert.strictEqual(stops.length, 1, 'the user\'s SIGINT stop is shown');
    assert.strictEqual(stops[0].signal?.name, 'SIGINT');
    assert.strictEqual(rt.state, 'stopped');
    assert.strictEqual(proc.commands.filter((c) => c === '-exec-interrupt').length, 1);
    assert.strictEqual(proc.commands.lastIndexOf('-exec-continue'), proc.commands.indexOf('-exec-continue'), 'nothing resumed the guest');
  } finally { await done(); }
});

test('an interrupt that fails: the change fails with gdb\'s words, and the next real stop is the user\'s', async () => {
  const { rt, proc, stops, done } = await attached((c, t, g) => {
    if (c === '-exec-interrupt') { g.write(`${t}^error,msg="Cannot execute this command while the target is running."`); return true; }
    return false;
  });
  try {
    await assert.rejects(rt.withStopped(async () => assert.fail('ran without a stop')), /Cannot execute this command/);
    proc.write('*stopped,reason="breakpoint-hit",bkptno="2",thread-id="1",frame={addr="0x6014bf68",func="cmdline_proc_show"}');
    await tick();
    assert.strictEqual(stops.length, 1);
    assert.deepStrictEqual(stops[0].reasons, ['breakpoint-hit']);
  } finally { await done(); }
});

test('an interrupt that never stops the kernel: a clear timeout, and a later stop is not swallowed', async () => {
  const { rt, proc, stops, done } = await attached();  // -exec-interrupt: ^done, no *stopped
  try {
    await assert.rejects(rt.withStopped(async () => undefined), /gdb did not stop the kernel within 0.2 s \(interrupt\)/);
    await assert.rejects(rt.exclusive(() => rt.pause()), /did not stop the kernel within 0.2 s of the pause/);
    proc.write(STOPPED_SIGINT);
    await tick();
    assert.strictEqual(stops.length, 1);
  } finally { await done(); }
});

test('gdb dying while the guest runs ends the runtime with a message', async () => {
  const { rt, proc, done } = await attached();
  try {
    const exited = new Promise<string>((r) => rt.once('exited', r));
    proc.die('SIGKILL');
    assert.match(await exited, /gdb was killed by SIGKILL unexpectedly/);
    assert.strictEqual(rt.state, 'exited');
    assert.throws(() => rt.requireStopped('see the call stack'), /not stopped \(exited\)/);
  } finally { await done(); }
});

test('stepping off a breakpoint: a re-executed trap at the same address is stepped again, then continue; one stop shown', async () => {
  let steps = 0;
  const { rt, proc, done } = await attached((c, t, g) => {
    if (c === '-exec-interrupt') { g.write(`${t}^done`, STOPPED_SIGINT); return true; }
    if (c.startsWith('-data-evaluate-expression --thread 1 --frame 0 "$sp"')) { g.write(`${t}^done,value="(void *) 0x7000"`); return true; }
    if (c.startsWith('-exec-step-instruction')) {
      steps++;
      g.write(`${t}^running`, '*running,thread-id="all"', steps === 1
        ? '*stopped,reason="breakpoint-hit",disp="keep",bkptno="2",thread-id="1",frame={addr="0x6014bf68"}'
        : '*stopped,reason="end-stepping-range",thread-id="1",frame={addr="0x6014bf6c"}');
      return true;
    }
    return false;
  });
  try {
    // The session's glue: each stop goes to the step off first; the rest are the user's.
    const off = new StepOff(gdbProbe(rt.mi), () => rt.resumes);
    const shown: Stop[] = [];
    rt.on('stopped', (r: Stop) => void off.next(r).then(async (more) => { if (more) await rt.resume(() => more(rt.mi)); else shown.push(r); }));
    proc.write('*stopped,reason="breakpoint-hit",disp="keep",bkptno="2",thread-id="1",frame={addr="0x6014bf68"}');
    await tick();
    assert.strictEqual(rt.state, 'stopped');
    const before = proc.commands.length;
    await rt.exclusive(async () => { const c = await off.begin('continue'); await rt.resume(() => c(rt.mi)); });
    for (let i = 0; i < 20 && !proc.commands.includes('-exec-continue', before); i++) await tick();
    assert.deepStrictEqual(proc.commands.slice(before).map((c) => c.split(' ')[0]),
      ['-data-evaluate-expression', '-exec-step-instruction', '-data-evaluate-expression', '-exec-step-instruction', '-exec-continue']);
    assert.strictEqual(shown.length, 1, 'only the breakpoint stop was shown');
    assert.throws(() => rt.requireStopped('see variables'), /The guest is running: pause it \(F6\) to see variables/);
  } finally { await done(); }
});

test('a resume gdb answers, then cannot do (too many hardware watchpoints): the kernel is stopped again, and said why', async () => {
  let continues = 0;
  const { rt, proc, done } = await attached((c, t, g) => {
    if (c !== '-exec-continue' || ++continues < 2) return false;
    g.write(`${t}^running`, '*running,thread-id="all"', '&"Could not insert hardware watchpoint 2.\\n"', '&"You may have requested too many hardware breakpoints/watchpoints.\\n"', `${t}^error,msg="Command aborted."`);
    return true;
  });
  try {
    const failed: string[] = [];
    rt.on('resume-failed', (why: string) => failed.push(why));
    proc.write('*stopped,reason="breakpoint-hit",bkptno="2",thread-id="1",frame={addr="0x6014bf68",func="cmdline_proc_show"}');
    await tick();
    assert.strictEqual(rt.state, 'stopped');
    await rt.resume(() => rt.mi.execContinue());
    await tick();
    assert.strictEqual(rt.state, 'stopped', 'no *stopped came, yet the kernel never ran');
    assert.strictEqual(failed.length, 1);
    assert.match(failed[0], /Could not insert hardware watchpoint 2\.\s+You may have requested too many.*Command aborted\./s);
    // The next command still gets its own answer (the late error took no one else's).
    assert.strictEqual((await rt.mi.threadInfo()).length, 0);
  } finally { await done(); }
});

test('a resume while UML ends (a thread gone under gdb: "No such process"): no failed resume, the exit ends the session', async () => {
  let continues = 0;
  const { rt, proc, done } = await attached((c, t, g) => {
    if (c !== '-exec-continue' || ++continues < 2) return false;
    g.write(`${t}^running`, '*running,thread-id="all"', `${t}^error,msg="Couldn't get registers: No such process."`);
    return true;
  });
  try {
    const failed: string[] = [];
    const exited: string[] = [];
    rt.on('resume-failed', (why: string) => failed.push(why));
    rt.on('exited', (why: string) => exited.push(why));
    proc.write('*stopped,reason="breakpoint-hit",bkptno="1",thread-id="1",frame={addr="0x60021efc",func="uml_cleanup"}');
    await tick();
    await rt.resume(() => rt.mi.execContinue());
    await tick();
    assert.strictEqual(rt.state, 'running', 'the rest of the kernel runs on');
    proc.write('*stopped,reason="exited-normally"');
    await tick();
    assert.deepStrictEqual([failed, exited], [[], ['The kernel exited.']]);
  } finally { await done(); }
});
