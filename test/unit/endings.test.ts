// How UML ends, read from uml_cleanup()'s stack and the kernel's system_state, and the one line
// the session ends with. Stacks are function names, innermost first, as -stack-list-frames gives them.
import { test } from 'node:test';
import * as assert from 'assert';
import { endingOf, endMessage, rebootNote } from '../../src/debug/endings';

const CLEANUP = ['uml_cleanup'];

test('the way UML ends, from the stack at uml_cleanup', () => {
  assert.deepStrictEqual(endingOf([...CLEANUP, 'machine_power_off', 'kernel_power_off', '__do_sys_reboot', 'do_syscall_64'], 'SYSTEM_POWER_OFF'), { kind: 'poweroff' });
  assert.deepStrictEqual(endingOf([...CLEANUP, 'machine_power_off', 'machine_halt', 'kernel_halt', '__do_sys_reboot'], 'SYSTEM_HALT'), { kind: 'halt' });
  assert.deepStrictEqual(endingOf([...CLEANUP, 'machine_restart', 'kernel_restart', '__do_sys_reboot'], 'SYSTEM_RESTART'), { kind: 'reboot' });
  assert.deepStrictEqual(endingOf([...CLEANUP, 'machine_power_off', 'machine_halt', 'mconsole_halt', 'mc_work_proc'], 'SYSTEM_RUNNING'), { kind: 'mconsole-halt' });
  assert.deepStrictEqual(endingOf([...CLEANUP, 'machine_restart', 'mconsole_reboot', 'mc_work_proc'], 'SYSTEM_RUNNING'), { kind: 'mconsole-reboot' });
  assert.deepStrictEqual(endingOf([...CLEANUP, 'last_ditch_exit', '<signal handler called>'], 'SYSTEM_RUNNING', 15), { kind: 'signal', signal: 'SIGTERM' });
  assert.deepStrictEqual(endingOf([...CLEANUP, 'last_ditch_exit'], 'SYSTEM_RUNNING', 2), { kind: 'signal', signal: 'SIGINT' });
  // Inlined or tail-called frames missing: system_state still tells.
  assert.deepStrictEqual(endingOf(CLEANUP, 'SYSTEM_HALT'), { kind: 'halt' });
  assert.deepStrictEqual(endingOf(CLEANUP, 'SYSTEM_RESTART'), { kind: 'reboot' });
});

test('the session\'s last line: one reason per ending, gdb\'s words when nothing is known', () => {
  const generic = 'The kernel exited.';
  assert.strictEqual(endMessage({ kind: 'panic', message: 'sysrq triggered crash' }, { signal: 'SIGABRT' }, generic), 'The kernel panicked: sysrq triggered crash. UML ended.');
  assert.strictEqual(endMessage({ kind: 'panic', message: 'BUG!' }, { signal: 'SIGABRT' }, generic), 'The kernel panicked: BUG! UML ended.');
  assert.strictEqual(endMessage({ kind: 'panic', message: 'Attempted to kill init! exitcode=0x00000300' }, { signal: 'SIGABRT' }, generic),
    'The kernel panicked: Attempted to kill init! exitcode=0x00000300 (the guest\'s init process ended). UML ended.');
  assert.strictEqual(endMessage({ kind: 'poweroff' }, {}, generic), 'The guest powered off. UML ended.');
  assert.strictEqual(endMessage({ kind: 'halt' }, {}, generic), 'The guest halted. UML ended.');
  assert.match(endMessage({ kind: 'mconsole-halt' }, {}, generic), /^UML was halted through its mconsole .*UML ended\.$/);
  assert.strictEqual(endMessage({ kind: 'signal', signal: 'SIGTERM' }, { code: '01' }, generic), 'UML received SIGTERM from the host and shut down. UML ended.');
  assert.match(endMessage({ kind: 'reboot' }, {}, generic), /noreboot/);
  // A followed reboot's record is the old boot's: a new boot killed or ended otherwise says so instead.
  assert.match(endMessage({ kind: 'reboot' }, { signal: 'SIGKILL' }, 'The kernel was killed by SIGKILL.'), /^The kernel was killed by SIGKILL from outside/);
  assert.strictEqual(endMessage({ kind: 'mconsole-reboot' }, { code: '01' }, 'The kernel exited with code 1.'), 'The kernel exited with code 1.');
  assert.match(endMessage(undefined, { signal: 'SIGKILL' }, 'The kernel was killed by SIGKILL.'), /^The kernel was killed by SIGKILL from outside the debugger .*UML ended\.$/);
  assert.strictEqual(endMessage(undefined, { code: '03' }, 'The kernel exited with code 3.'), 'The kernel exited with code 3.');
  assert.strictEqual(endMessage(undefined, { signal: 'SIGSEGV' }, 'The kernel was killed by SIGSEGV.'), 'The kernel was killed by SIGSEGV.');
});

test('a reboot is followed, and said so', () => {
  assert.match(rebootNote({ kind: 'reboot' }), /^The guest rebooted: UML starts again .*breakpoints kept\.$/);
  assert.match(rebootNote({ kind: 'mconsole-reboot' }), /^UML was rebooted through its mconsole: /);
});
