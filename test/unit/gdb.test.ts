// gdb.ts and the typed MI commands over a scripted MI stream: tokens, errors, console capture,
// async records, and gdb dying mid-command.
import { test } from 'node:test';
import * as assert from 'assert';
import { GdbError } from '../../src/gdb/gdb';
import { MiCommands } from '../../src/gdb/commands';
import { MiRecord, parseMiLine, tuple } from '../../src/gdb/mi';
import { breakpointRecord, frameRecord } from '../../src/gdb/records';
import { Breakpoints, toDap } from '../../src/debug/breakpoints';
import { scripted } from '../support/scriptedGdb';

test('results go to their command by token; ^error rejects with gdb\'s message', async () => {
  const { proc, gdb } = scripted((c, t, g) => {
    if (c.startsWith('-break-insert')) { g.write(`${t}^error,msg="Function \\"nosuch\\" not defined."`); return true; }
    if (c === '-data-evaluate-expression "jiffies"') { g.write(`${t}^done,value="7"`); return true; }
    return false;
  });
  const mi = new MiCommands(gdb);
  const [value, err] = await Promise.all([mi.dataEvaluateExpression('jiffies'), mi.breakInsert({ location: 'nosuch' }).catch((e) => e)]);
  assert.strictEqual(value, '7');
  assert.ok(err instanceof GdbError);
  assert.strictEqual(err.message, 'Function "nosuch" not defined.');
  assert.strictEqual(err.command, '-break-insert -f "nosuch"');
  assert.deepStrictEqual(proc.commands, ['-data-evaluate-expression "jiffies"', '-break-insert -f "nosuch"']);
});

test('console text is captured for a CLI command; other console text is its own stream', async () => {
  const { gdb } = scripted((c, t, g) => {
    if (c.startsWith('-interpreter-exec console')) { g.write('~"Num     Type\\n"', '~"1       breakpoint\\n"', `${t}^done`); return true; }
    if (c === '-exec-finish --thread 1') { g.write('~"Run till exit from #0\\n"', `${t}^running`, '*running,thread-id="all"'); return true; }
    return false;
  });
  const streams: string[] = [];
  const execs: string[] = [];
  gdb.on('stream', (r: MiRecord) => streams.push(r.text ?? ''));
  gdb.on('exec', (r: MiRecord) => execs.push(r.cls));
  const mi = new MiCommands(gdb);
  assert.strictEqual(await mi.consoleExec('info breakpoints'), 'Num     Type\n1       breakpoint\n');
  await mi.execFinish(1);
  await new Promise((r) => setImmediate(r));
  assert.deepStrictEqual(streams, ['Run till exit from #0\n']);
  assert.deepStrictEqual(execs, ['running']);
});

test('gdb dying mid-command: the command fails, later ones fail at once, exit is reported', async () => {
  const { proc, gdb } = scripted((c, _t, g) => { if (c === '-exec-run') { g.die(); return true; } return false; });
  const exited = new Promise<string>((r) => gdb.on('exit', (_code: unknown, signal: string) => r(signal)));
  const mi = new MiCommands(gdb);
  await assert.rejects(mi.execRun(), (e: Error) => e instanceof GdbError && /gdb exited/.test(e.message));
  assert.strictEqual(await exited, 'SIGKILL');
  await assert.rejects(mi.execContinue(), /gdb has exited/);
  assert.deepStrictEqual(proc.commands, ['-exec-run']);
});

test('typed results: threads, frame variables, varobjs, children, registers', async () => {
  const answers: Record<string, string> = {
    '-thread-info': '^done,threads=[{id="1",target-id="Thread 0x7f (LWP 100)"},{id="2",target-id="Thread 0x7e (LWP 101)"}]',
    '-stack-list-variables --thread 1 --frame 0 --simple-values': '^done,variables=[{name="m",arg="1",type="struct seq_file *",value="0x60a64690"},{name="n",type="int",value="3"}]',
    '-var-create - @ "jiffies"': '^done,name="var1",numchild="0",value="4294",type="unsigned long"',
    '-var-list-children --all-values var2 0 2': '^done,numchild="2",children=[child={name="var2.a",exp="a",numchild="0",value="1",type="int"},child={name="var2.b",exp="b",numchild="3",type="struct x"}]',
    '-data-list-register-values --thread 1 --frame 2 --skip-unavailable x 0 16': '^done,register-values=[{number="0",value="0x1"},{number="16",value="0x6000"}]',
  };
  const { gdb } = scripted((c, t, g) => { const a = answers[c]; if (a) { g.write(`${t}${a}`); return true; } return false; });
  const mi = new MiCommands(gdb);
  assert.deepStrictEqual(await mi.threadInfo(), [{ id: 1, targetId: 'Thread 0x7f (LWP 100)' }, { id: 2, targetId: 'Thread 0x7e (LWP 101)' }]);
  assert.deepStrictEqual(await mi.stackListVariables({ thread: 1, frame: 0 }), [
    { name: 'm', type: 'struct seq_file *', value: '0x60a64690', arg: true },
    { name: 'n', type: 'int', value: '3', arg: false },
  ]);
  assert.deepStrictEqual(await mi.varCreate('jiffies'), { name: 'var1', type: 'unsigned long', value: '4294', numchild: 0 });
  const kids = await mi.varListChildren('var2', { from: 0, to: 2 });
  assert.deepStrictEqual(kids.map((k) => [k.exp, k.value, k.numchild]), [['a', '1', 0], ['b', undefined, 3]]);
  assert.deepStrictEqual(await mi.dataListRegisterValues({ thread: 1, frame: 2 }, [0, 16]), [{ number: 0, value: '0x1' }, { number: 16, value: '0x6000' }]);
});

test('=breakpoint-modified: a pending breakpoint turning verified is news, a hit count is not', async () => {
  const { gdb } = scripted((c, t, g) => {
    if (c === '-break-insert -f "mymod_init"') { g.write(`${t}^done,bkpt={number="3",type="breakpoint",addr="<PENDING>",pending="mymod_init",times="0"}`); return true; }
    return false;
  });
  const bps = new Breakpoints(new MiCommands(gdb));
  const [pending] = await bps.setFunctions([{ name: 'mymod_init' }]);
  assert.strictEqual(pending.verified, false);
  const resolved = tuple(parseMiLine('=breakpoint-modified,bkpt={number="3",type="breakpoint",addr="0x7f001000",func="mymod_init",fullname="/k/mymod.c",line="12",times="0"}').results.bkpt)!;
  const changed = bps.modified(3, toDap(breakpointRecord(resolved)));
  assert.deepStrictEqual(changed, { id: 3, verified: true, line: 12, source: { path: '/k/mymod.c' }, instructionReference: '0x7f001000' });
  const hit = tuple(parseMiLine('=breakpoint-modified,bkpt={number="3",type="breakpoint",addr="0x7f001000",func="mymod_init",fullname="/k/mymod.c",line="12",times="1"}').results.bkpt)!;
  assert.strictEqual(bps.modified(3, toDap(breakpointRecord(hit))), undefined, 'a hit only changes the count');
  assert.strictEqual(bps.modified(99, toDap({ ...breakpointRecord(hit), number: 99 })), undefined, 'not one of ours (the panic breakpoint)');
});

test('a KVM guest: breakpoints are hardware ones, and a fifth one says the 4 debug registers are taken', async () => {
  let n = 0;
  const sent: string[] = [];
  const { gdb } = scripted((c, t, g) => {
    if (!c.startsWith('-break-insert')) return false;
    sent.push(c);
    n++;
    g.write(`${t}^done,bkpt={number="${n}",type="hw breakpoint",addr="0x${n}",fullname="/k/f.c",line="${n}",times="0"}`);
    return true;
  });
  const mi = new MiCommands(gdb);
  mi.hardwareBreakpoints = true;
  const bps = new Breakpoints(mi);
  const r = await bps.setFunctions(['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })));
  assert.deepStrictEqual(r.map((b) => b.verified), [true, true, true, true, false]);
  assert.match(r[4].message!, /KVM: the 4 x86 debug registers are in use/);
  assert.ok(sent.every((c) => c.startsWith('-break-insert -f -h ')), JSON.stringify(sent));
});

test('a remote\'s answer (@ records, QEMU\'s monitor through `monitor`) is the captured output of its command', async () => {
  const { gdb } = scripted((c, t, g) => {
    if (!c.includes('monitor info kvm')) return false;
    g.write('@"kvm support: disabled\\r\\n"');
    g.write(`${t}^done`);
    return true;
  });
  assert.match(await new MiCommands(gdb).consoleExec('monitor info kvm'), /^kvm support: disabled/);
});
