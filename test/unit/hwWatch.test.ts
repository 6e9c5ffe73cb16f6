// The hardware-watchpoint host probe: gdb's output as it prints it (captured from real runs of
// probeArgs on Debian's gdb 13.1; the no-trap runs had the watchpoint disabled, which is what a
// host that loses the trap looks like), and data breakpoints refused on such a host.
import { test } from 'node:test';
import * as assert from 'assert';
import { hwWatchRefusal, parseHwWatchProbe, probeArgs } from '../../src/hostcompat/hwWatch';
import { Breakpoints } from '../../src/debug/breakpoints';
import { MiCommands } from '../../src/gdb/commands';
import { scripted } from '../support/scriptedGdb';

const HEAD = `
Program stopped.
0x00007f98f4dd5b70 in _start () from /lib64/ld-linux-x86-64.so.2
ukd-probe before=0
Hardware watchpoint 1: -location *$ukd_slot
`;

const TRAPPED = `${HEAD}Catchpoint 2 (syscall 'exit_group' [231])

Hardware watchpoint 1: -location *$ukd_slot

Old value = 0
New value = 140294919904120
_dl_start (arg=0x7ffe251458c0) at ./elf/rtld.c:520
520\t./elf/rtld.c: No such file or directory.
ukd-probe after=140294919904120
`;

const LOST = `${HEAD}Catchpoint 2 (syscall 'exit_group' [231])
[Thread debugging using libthread_db enabled]
Using host libthread_db library "/lib/x86_64-linux-gnu/libthread_db.so.1".

Catchpoint 2 (call to syscall exit_group), __GI__exit (status=status@entry=0) at ../sysdeps/unix/sysv/linux/_exit.c:30
30\t../sysdeps/unix/sysv/linux/_exit.c: No such file or directory.
ukd-probe after=56
`;

// A gdb without syscall names: no catchpoint, the program runs to its end.
const EXITED = `${HEAD}Unknown syscall name 'exit_group'.
[Thread debugging using libthread_db enabled]
Using host libthread_db library "/lib/x86_64-linux-gnu/libthread_db.so.1".
[Inferior 1 (process 19933) exited normally]
ukd-probe after=Cannot access memory at address 0x7fffffffe7c8
`;

test('probe: the trap stops the write where the host delivers it', () => {
  assert.deepStrictEqual(parseHwWatchProbe(TRAPPED), { traps: 'delivered', detail: 'the watched write stopped it' });
  assert.strictEqual(hwWatchRefusal(parseHwWatchProbe(TRAPPED)), undefined);
});

test('probe: a write that changed the word without a stop means the trap is lost', () => {
  const lost = parseHwWatchProbe(LOST);
  assert.deepStrictEqual(lost, { traps: 'missing', reason: 'no-trap', detail: 'the watched write did not stop it' });
  assert.strictEqual(hwWatchRefusal({ ...lost, program: '/bin/true' }),
    'This host does not deliver hardware watchpoint traps (checked with gdb on /bin/true: the watched write did not stop it; some hypervisors do not pass debug-register traps to their VMs): a data breakpoint would never stop. Use a host or VM with debug-register support.');
  assert.strictEqual(parseHwWatchProbe(EXITED).traps, 'missing');
});

test('probe: an unwritten word, a probe that could not run or was cut short says unknown (and data breakpoints stay allowed)', () => {
  assert.strictEqual(parseHwWatchProbe(LOST.replace('after=56', 'after=0')).traps, 'unknown');
  const noPtrace = parseHwWatchProbe('warning: Error disabling address space randomization: Operation not permitted\nptrace: Operation not permitted.\nNo registers.\nThe program is not being run.\n');
  assert.strictEqual(noPtrace.traps, 'unknown');
  assert.match(noPtrace.detail, /Operation not permitted/);
  assert.strictEqual(parseHwWatchProbe('').traps, 'unknown');
  assert.strictEqual(parseHwWatchProbe(HEAD).traps, 'unknown');
  assert.strictEqual(hwWatchRefusal(noPtrace), undefined);
});

test('probe: gdb that cannot use the debug registers at all (refused, or only software watchpoints)', () => {
  const refused = parseHwWatchProbe(`${HEAD}Catchpoint 2 (syscall 'exit_group' [231])\nWarning:\nCould not insert hardware watchpoint 1.\nCould not insert hardware breakpoints:\nYou may have requested too many hardware breakpoints/watchpoints.\n\nCommand aborted.\n`);
  assert.deepStrictEqual(refused, { traps: 'missing', reason: 'no-registers', detail: 'gdb said "Could not insert hardware watchpoint 1."' });
  assert.match(hwWatchRefusal(refused)!, /^This host gives gdb no hardware watchpoints \(checked with gdb on \/bin\/true: gdb said "Could not insert .*single-steps the whole kernel\. Use a host or VM with debug-register support\.$/);
  const software = parseHwWatchProbe(TRAPPED.replace(/Hardware watchpoint/g, 'Watchpoint'));
  assert.strictEqual(software.reason, 'no-registers');
});

test('probe arguments: no init files, no shell, the program last', () => {
  const a = probeArgs('/bin/true');
  assert.deepStrictEqual(a.slice(0, 2), ['-nx', '--batch']);
  assert.strictEqual(a[a.length - 1], '/bin/true');
  assert.ok(a.includes('set startup-with-shell off'));
});

const HOST = 'This host does not deliver hardware watchpoint traps (test): a data breakpoint would never stop.';

test('data breakpoints on a host that loses the trap: each refused with the host named, said once, gdb not asked', async () => {
  const { proc, gdb } = scripted();
  const warned: string[] = [];
  let probes = 0;
  const bps = new Breakpoints(new MiCommands(gdb), (m) => warned.push(m), async () => { probes++; return HOST; });
  const dataId = (label: string) => JSON.stringify({ expr: `{int} 0x60000000`, label });
  const set = await bps.setData([{ dataId: dataId('(m)->count'), accessType: 'write' }, { dataId: dataId('panic_timeout') }]);
  assert.deepStrictEqual(set, [
    { verified: false, message: `Cannot watch (m)->count: ${HOST}` },
    { verified: false, message: `Cannot watch panic_timeout: ${HOST}` },
  ]);
  assert.deepStrictEqual(await bps.setData([{ dataId: dataId('jiffies_64') }]), [{ verified: false, message: `Cannot watch jiffies_64: ${HOST}` }]);
  assert.deepStrictEqual(await bps.setData([]), []);
  assert.deepStrictEqual(warned, [HOST], 'the Debug Console hears it once');
  assert.strictEqual(probes, 1, 'the host is asked once per session');
  assert.ok(!proc.commands.some((c) => c.startsWith('-break-watch')), proc.commands.join('\n'));
});

test('data breakpoints where the host delivers traps: gdb watches as before; no data breakpoint: no probe', async () => {
  const { proc, gdb } = scripted((c, t, g) => {
    if (c.startsWith('-break-watch')) { g.write(`${t}^done,hw-awpt={number="7",exp="{int} 0x60000000"}`); return true; }
    if (c === '-break-info 7') { g.write(`${t}^done,BreakpointTable={body=[bkpt={number="7",type="acc watchpoint"}]}`); return true; }
    return false;
  });
  let probes = 0;
  const bps = new Breakpoints(new MiCommands(gdb), () => assert.fail('nothing to warn of'), async () => { probes++; return undefined; });
  assert.deepStrictEqual(await bps.setData([]), []);
  assert.strictEqual(probes, 0);
  const set = await bps.setData([{ dataId: JSON.stringify({ expr: '{int} 0x60000000', label: 'panic_timeout' }), accessType: 'readWrite' }]);
  assert.deepStrictEqual(set, [{ id: 7, verified: true, message: 'watching panic_timeout' }]);
  assert.ok(proc.commands.includes('-break-watch -a "{int} 0x60000000"'), proc.commands.join('\n'));
  assert.strictEqual(probes, 1);
});
