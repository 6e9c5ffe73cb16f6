// In VS Code the extension host runs the session inline, and VS Code shows the debug toolbar only
// once the launch is answered: there the answer goes as soon as the plan holds (bad input is
// still a failed launch), before gdb starts; what fails after it ends the session, said through
// the host (launchFailed: a notification in VS Code), with nothing left running.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { UmlDebugSession } from '../../src/debug/session';
import { testKernel, makeRootfs, removeRootfs } from '../support/testKernel';
import { uniqueUmid, waitGone } from '../support/dap';
import { waitUntil } from '../support/shared';

let rootfs: string;
before(() => { rootfs = makeRootfs('cat /proc/cmdline\npoweroff -f'); });
after(() => removeRootfs(rootfs));

/** The session as the extension host runs it: messages in, every message out in order. */
function inline(launchFailed: (m: string) => void) {
  const session = new UmlDebugSession({ launchFailed });
  const sent: DebugProtocol.ProtocolMessage[] = [];
  session.onDidSendMessage((m) => sent.push(m as DebugProtocol.ProtocolMessage));
  let seq = 1;
  const request = (command: string, args: unknown = {}) => { session.handleMessage({ type: 'request', seq, command, arguments: args } as DebugProtocol.Request); return seq++; };
  const response = (s: number) => sent.find((m) => m.type === 'response' && (m as DebugProtocol.Response).request_seq === s) as DebugProtocol.Response | undefined;
  const event = (name: string) => sent.findIndex((m) => m.type === 'event' && (m as DebugProtocol.Event).event === name);
  return { session, sent, request, response, event };
}

test('answered before gdb starts; a failure after the answer ends the session saying why, nothing left', async () => {
  const failures: string[] = [];
  const c = inline((m) => failures.push(m));
  const umid = uniqueUmid('early-fail');
  c.request('initialize', { adapterID: 'uml', linesStartAt1: true, columnsStartAt1: true });
  // The plan holds (kernel, rootfs, umid); gdb then refuses the gdbinit's own line.
  const launch = c.request('launch', { kernel: testKernel(), rootfs, init: '/init', umid, console: 'internalConsole', mem: '128M', setupCommands: ['no-such-gdb-command-ukd'] });
  await waitUntil('the terminated event', () => c.event('terminated') >= 0, 60000, 50);
  const answer = c.response(launch)!;
  assert.ok(answer?.success, `the launch was answered at once, successfully: ${JSON.stringify(answer)}`);
  assert.strictEqual(c.event('initialized'), -1, 'gdb never got the kernel: no configuration was asked for');
  assert.strictEqual(failures.length, 1, 'the host was told once');
  assert.match(failures[0], /no-such-gdb-command-ukd/);
  assert.ok(c.sent.indexOf(answer) < c.event('terminated'));
  assert.deepStrictEqual(await waitGone(umid), [], 'nothing of the instance is left');
  c.session.dispose();
});

test('bad input is still a failed launch, and a good launch is answered before its configuration is asked for', async () => {
  const failures: string[] = [];
  const c = inline((m) => failures.push(m));
  c.request('initialize', { adapterID: 'uml' });
  const bad = c.request('launch', { kernel: '/nonexistent/linux', umid: uniqueUmid('early-bad'), console: 'internalConsole' });
  await waitUntil('the failed launch', () => c.response(bad), 10000, 20);
  assert.strictEqual(c.response(bad)!.success, false);
  assert.match(c.response(bad)!.message ?? '', /Kernel not found: \/nonexistent\/linux/);
  assert.strictEqual(failures.length, 0, 'a failed launch says it in its answer, not twice');
  c.session.dispose();

  const g = inline((m) => failures.push(m));
  const umid = uniqueUmid('early-good');
  g.request('initialize', { adapterID: 'uml' });
  const launch = g.request('launch', { kernel: testKernel(), rootfs, init: '/init', umid, console: 'internalConsole', mem: '128M' });
  await waitUntil('the initialized event', () => g.event('initialized') >= 0, 60000, 20);
  assert.ok(g.response(launch)?.success);
  assert.ok(g.sent.indexOf(g.response(launch)!) < g.event('initialized'), 'answered before gdb had loaded the kernel');
  g.request('setFunctionBreakpoints', { breakpoints: [{ name: 'cmdline_proc_show' }] });
  g.request('configurationDone');
  await waitUntil('the stop at cmdline_proc_show', () => g.event('stopped') >= 0, 60000, 50);
  g.request('disconnect', { terminateDebuggee: true });
  await waitUntil('the session ended', () => g.event('terminated') >= 0 || g.sent.some((m) => m.type === 'response' && (m as DebugProtocol.Response).command === 'disconnect'), 15000, 50);
  assert.deepStrictEqual(await waitGone(umid), []);
  assert.strictEqual(failures.length, 0);
  g.session.dispose();
});
