#!/usr/bin/env node
// The main job, end to end: boots the test kernel under the real adapter (dist/debugAdapter.js),
// stops at cmdline_proc_show when the guest runs `cat /proc/cmdline`, prints the stack, the
// arguments and lx-cmdline, then lets the guest power off. It checks its own result: it exits
// non-zero, saying why, unless it stopped at cmdline_proc_show and the guest powered off cleanly.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { makeBusyboxRoot } from '../test/support/shared.cjs';

const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const root = new URL('..', import.meta.url).pathname;
const kernelDir = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();

const rootfs = makeBusyboxRoot('echo "guest: cat /proc/cmdline"\ncat /proc/cmdline\npoweroff -f', { prefix: 'uml-demo-rootfs-' });

const dc = new DebugClient('node', join(root, 'dist/debugAdapter.js'), 'uml');
dc.defaultTimeout = 60000;
await dc.start();
let atLineStart = true;
let output = '';
/** Ends the demo as failed, with the reason. */
class DemoFailure extends Error {}
const fail = (why) => { throw new DemoFailure(why); };
dc.on('output', (e) => {
  const t = e.body.output.replace(/\r/g, '');
  output += t;
  process.stdout.write((atLineStart ? '  | ' : '') + t.replace(/\n(?=.)/g, '\n  | '));
  atLineStart = t.endsWith('\n');
});
try {
  const stopped = dc.waitForEvent('stopped', 60000);
  await Promise.all([
    dc.waitForEvent('initialized').then(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] })).then(() => dc.configurationDoneRequest()),
    dc.initializeRequest().then(() => dc.launchRequest({ kernel: join(kernelDir, 'linux'), rootfs, init: '/init', console: 'internalConsole', mem: '128M' })),
  ]);
  const ev = await stopped;
  const st = await dc.stackTraceRequest({ threadId: ev.body.threadId, levels: 12 });
  console.log(`\nStopped (${ev.body.reason}). Call stack:`);
  for (const f of st.body.stackFrames) console.log(`  ${f.name}  ${f.source?.path ? `${f.source.path.replace(kernelDir + '/', '')}:${f.line}` : ''}`);
  const top = st.body.stackFrames[0]?.name ?? '';
  if (ev.body.reason !== 'breakpoint' || !/^cmdline_proc_show\b/.test(top)) {
    fail(`expected a breakpoint stop in cmdline_proc_show, got "${ev.body.reason}" in ${top || 'no frame'}${ev.body.text ? `: ${ev.body.text}` : ''}`);
  }
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
  const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  console.log('Arguments:');
  for (const v of vars.body.variables) console.log(`  ${v.name}: ${v.type} = ${v.value}`);
  const lx = await dc.evaluateRequest({ expression: '-exec lx-cmdline', context: 'repl', frameId: st.body.stackFrames[0].id });
  console.log(`lx-cmdline: ${lx.body.result}\n`);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  const ended = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new DemoFailure('the guest did not power off within 60 s')), 60000);
    dc.once('stopped', (e) => { clearTimeout(timer); resolve(e); });
    dc.once('terminated', () => { clearTimeout(timer); resolve(undefined); });
  });
  await dc.continueRequest({ threadId: ev.body.threadId });
  const again = await ended;
  if (again) fail(`the guest stopped again (${again.body.reason}${again.body.text ? `: ${again.body.text}` : ''}) instead of powering off`);
  // A clean poweroff: the session's last line says so (a kernel without a power-off handler,
  // like 6.1's UML, halts instead). A panic or a signal ends it otherwise, and says that.
  const end = /^(The kernel |The guest |UML (was|received) )[^\n]*$/gm;
  const last = [...output.matchAll(end)].pop()?.[0];
  if (!/^The guest (powered off|halted)\. UML ended\.$/.test(last ?? '')) fail(`the guest did not power off cleanly: ${last ?? 'no exit seen'}`);
  console.log(`\n${last.replace(/\. UML ended\.$/, '')}; session ended.`);
} catch (e) {
  process.exitCode = 1;
  const why = e instanceof DemoFailure ? e.message : `the session failed: ${e.message}`;
  console.error(`\nDEMO FAILED: ${why}`);
} finally {
  await dc.stop().catch(() => undefined);
  rmSync(rootfs, { recursive: true, force: true });
}
