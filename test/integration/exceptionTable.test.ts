// The exception filters against every way the guest fails or ends, on the real kernel: for each
// filter set and trigger, whether the session stops (once, with the kernel's message), what
// Continue does, the session's last line, and that nothing is left running. Non-fatal triggers
// (WARN, a guest process killed by SIGSEGV) and a guest reboot share one session per filter set
// (the second boot WARNs again: breakpoints survive UML re-executing itself); each fatal
// trigger takes a boot of its own. The README's table of filters says the same.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as os from 'os';
import * as path from 'path';
import { testKernel, testKernelDir, rootfsPool } from '../support/testKernel';
import { launch, waitForOutput, withSession } from '../support/dap';
import { mconsole, mconsoleSocket } from '../../src/uml/mconsole';
import { runningPid } from '../../src/uml/host';

type Filter = 'panic' | 'oops' | 'warn' | 'signal';
const FILTER_SETS: Array<[string, Filter[]]> = [
  ['none', []], ['panic', ['panic']], ['oops', ['oops']], ['warn', ['warn']], ['signal', ['signal']], ['all', ['panic', 'oops', 'warn', 'signal']],
];

const LKDTM = 'mount -t debugfs none /sys/kernel/debug';
const provoke = (what: string) => `echo ${what} > /sys/kernel/debug/provoke-crash/DIRECT`;

interface Trigger {
  name: string;
  script: string;
  /** The filters that stop on it (every other filter set runs through). */
  stopsOn: Filter[];
  stop?: RegExp;
  /** After the stop (or none), the session's last line. */
  end: RegExp;
}

/** Each ends UML: one boot per filter set. */
const FATAL: Trigger[] = [
  { name: 'sysrq c', script: 'echo c > /proc/sysrq-trigger', stopsOn: ['panic'], stop: /^Kernel panic: sysrq triggered crash$/,
    end: /^The kernel panicked: sysrq triggered crash\. UML ended\.$/ },
  { name: 'LKDTM EXCEPTION (an oops)', script: provoke('EXCEPTION'), stopsOn: ['panic', 'oops'], stop: /^Oops: Kernel mode fault at addr 0x0, ip 0x[0-9a-f]+ \(lkdtm_EXCEPTION\+\d+\)$/,
    end: /^The kernel panicked: Kernel mode fault at addr 0x0, ip 0x[0-9a-f]+\. UML ended\.$/ },
  { name: 'LKDTM BUG', script: provoke('BUG'), stopsOn: ['panic', 'oops'], stop: /^BUG\(\) hit: see the caller frame/,
    end: /^The kernel panicked: BUG! UML ended\.$/ },
  // exit 3: the kernel's message carries the exit status (3 << 8), formatted at the stop as at the end.
  { name: 'init exiting', script: 'exit 3', stopsOn: ['panic'], stop: /^Kernel panic: Attempted to kill init! exitcode=0x00000300$/,
    end: /^The kernel panicked: Attempted to kill init! exitcode=0x00000300 \(the guest's init process ended\)\. UML ended\.$/ },
];

const WARN: Trigger = { name: 'LKDTM WARNING', script: provoke('WARNING'), stopsOn: ['warn'], stop: /^WARNING at drivers\/misc\/lkdtm\/bugs\.c:\d+ \(lkdtm_WARNING\+\d+\)/, end: /./ };
const SEGV: Trigger = { name: 'a guest process killed by SIGSEGV', script: 'sh -c \'kill -SEGV $$\'', stopsOn: ['signal'], stop: /^Guest process sh \(pid \d+\) killed by SIGSEGV$/, end: /./ };
/**
 * What `poweroff -f` ends with: the kernel's own word. A kernel without a power-off handler
 * (UML in 6.1 has none; 6.12 registers one) turns it into a halt and prints "System halted".
 */
function poweroffEnd(out: string): RegExp {
  if (/^reboot: Power down\r?$/m.test(out)) return /^The guest powered off\. UML ended\.$/;
  assert.match(out, /^reboot: System halted\r?$/m, 'the kernel says it powered down or halted');
  return /^The guest halted\. UML ended\.$/;
}
const REBOOTED = /^The guest rebooted: UML starts again \(it re-executes itself\) under the same gdb; the session follows it, breakpoints kept\.$/m;

/** First boot: WARN, SEGV, reboot -f; second boot (a file on the hostfs root tells): WARN, poweroff -f. */
const REBOOT_SCRIPT = [
  'if [ -e /rebooted ]; then echo SECOND-BOOT', WARN.script, 'echo AFTER-WARN-2', 'poweroff -f', 'fi',
  'touch /rebooted', WARN.script, 'echo AFTER-WARN', SEGV.script, 'echo AFTER-SEGV', 'reboot -f',
].join('\n');

const pool = rootfsPool(LKDTM);
const rootfs = pool.make;
before(() => testKernelDir());
after(() => pool.removeAll());

interface Stop { reason: string; text: string; info: string; at: number }
interface Run { stops: Stop[]; out: string }

/**
 * One session: the filters set before the guest boots, every stop answered by Continue (after
 * reading its Exception info), `act` while the guest runs; resolves when the session has ended
 * (withSession then checks that no process and no ~/.uml/<umid> is left).
 */
async function session(tag: string, filters: Filter[], root: string, act?: (umid: string, waitFor: (re: RegExp) => Promise<void>) => Promise<void>): Promise<Run> {
  const run: Run = { stops: [], out: '' };
  await withSession(tag, async (dc, umid, out) => {
    dc.on('stopped', (e) => {
      const t = e.body.threadId!;
      void dc.customRequest('exceptionInfo', { threadId: t }).then((r) => r.body.description as string, (err: Error) => `no info: ${err.message}`)
        .then((info) => {
          run.stops.push({ reason: e.body.reason, text: e.body.text ?? '', info, at: out.text().length });
          return dc.continueRequest({ threadId: t });
        }).catch(() => undefined);
    });
    const ended = dc.waitForEvent('terminated', 60000);
    await launch(dc, testKernel(), { rootfs: root, umid, mem: '64M' }, () => dc.setExceptionBreakpointsRequest({ filters }));
    await act?.(umid, (re) => waitForOutput(dc, re, out));
    await ended;
    run.out = out.text();
  });
  return run;
}

const lastLine = (out: string) => out.trimEnd().split(/\r?\n/).pop() ?? '';
const stopsOn = (t: Trigger, filters: Filter[]) => t.stopsOn.some((f) => filters.includes(f));

/** The stops, in order, each an exception with the expected text and the same Exception info. */
function assertStops(run: Run, expected: Trigger[], cell: string): void {
  const seen = run.stops.map((s) => `${s.reason}: ${s.text}`);
  assert.strictEqual(run.stops.length, expected.length, `${cell}: stops ${JSON.stringify(seen)}, expected ${expected.map((t) => t.name).join(', ') || 'none'}\n${run.out.slice(-3000)}`);
  expected.forEach((t, i) => {
    const s = run.stops[i];
    assert.strictEqual(s.reason, 'exception', `${cell}: ${seen[i]}`);
    assert.match(s.text, t.stop!, `${cell}: ${t.name}`);
    assert.strictEqual(s.info, s.text, `${cell}: Exception info says what the stop said`);
  });
}

for (const [setName, filters] of FILTER_SETS) {
  test(`filters ${setName}: WARN, a SIGSEGV'd guest process, reboot -f, then WARN and poweroff -f on the second boot`, async () => {
    const run = await session(`tbl-rb-${setName}`, filters, rootfs(REBOOT_SCRIPT));
    const cell = `filters ${setName} x WARN/SIGSEGV/reboot/poweroff`;
    const expected = [WARN, SEGV, WARN].filter((t) => stopsOn(t, filters));
    assertStops(run, expected, cell);
    // Continue goes on: each stop is followed by the guest's next line.
    const after = { [WARN.name]: 'AFTER-WARN', [SEGV.name]: 'AFTER-SEGV' };
    expected.forEach((t, i) => assert.ok(run.out.indexOf(after[t.name], run.stops[i].at) >= 0, `${cell}: the guest went on after ${t.name}`));
    for (const marker of ['AFTER-WARN', 'AFTER-SEGV', 'SECOND-BOOT', 'AFTER-WARN-2']) assert.match(run.out, new RegExp(`^${marker}\\r?$`, 'm'), `${cell}: ${marker}`);
    assert.strictEqual(run.out.match(new RegExp(REBOOTED.source, 'gm'))?.length, 1, `${cell}: the reboot is said once`);
    assert.ok(run.out.search(REBOOTED) < run.out.indexOf('SECOND-BOOT'), `${cell}: said before the second boot`);
    assert.match(run.out, /WARNING: CPU: 0 PID: \d+ at drivers\/misc\/lkdtm\/bugs\.c/, `${cell}: the kernel's WARN reaches the console`);
    assert.match(lastLine(run.out), poweroffEnd(run.out.slice(run.out.indexOf('SECOND-BOOT'))), `${cell}: the session's last line`);
  });

  test(`filters ${setName}: ${FATAL.map((t) => t.name).join(', ')}`, async () => {
    for (const t of FATAL) {
      const cell = `filters ${setName} x ${t.name}`;
      const run = await session(`tbl-${setName}-${t.name.split(' ')[0].toLowerCase()}`, filters, rootfs(t.script));
      assertStops(run, stopsOn(t, filters) ? [t] : [], cell);
      // Continue (or no stop at all): UML's abort after the panic is passed, the session ends saying why.
      assert.match(lastLine(run.out), t.end, `${cell}: the session's last line\n${run.out.slice(-2000)}`);
      assert.match(run.out, /Kernel panic - not syncing: /, `${cell}: the kernel's panic line reaches the Debug Console`);
    }
  });
}

const IDLE = 'echo IDLE-UP\nwhile true; do sleep 1; done';
const ALL: Filter[] = ['panic', 'oops', 'warn', 'signal'];

test('every other way UML ends says so in one line, with every filter on and no stop', async () => {
  const umlDir = path.join(os.homedir(), '.uml');
  const cases: Array<[string, string, ((umid: string) => Promise<void>) | undefined, RegExp]> = [
    ['guest halt -f', 'halt -f', undefined, /^The guest halted\. UML ended\.$/],
    ['mconsole halt (the sidebar\'s Halt)', IDLE, async (umid) => { assert.ok((await mconsole(mconsoleSocket(umlDir, umid), 'halt')).ok); },
      /^UML was halted through its mconsole \(Halt in the UML sidebar, or uml_mconsole halt\)\. UML ended\.$/],
    ['SIGTERM to the kernel', IDLE, async (umid) => { process.kill(runningPid(umlDir, umid)!, 'SIGTERM'); },
      /^UML received SIGTERM from the host and shut down\. UML ended\.$/],
    ['SIGKILL to the kernel', IDLE, async (umid) => { process.kill(runningPid(umlDir, umid)!, 'SIGKILL'); },
      /^The kernel was killed by SIGKILL from outside the debugger \(kill -9, or the host's OOM killer\)\. UML ended\.$/],
  ];
  for (const [name, script, act, end] of cases) {
    const run = await session(`tbl-end-${name.split(' ')[1]}`, ALL, rootfs(script), act && (async (umid, waitFor) => {
      await waitFor(/IDLE-UP/);
      await act(umid);
    }));
    assertStops(run, [], name);
    assert.match(lastLine(run.out), end, `${name}: the session's last line\n${run.out.slice(-2000)}`);
  }
});
