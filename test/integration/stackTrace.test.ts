// Kernel traces to source lines on the real kernel: a WARN and an Oops provoked through LKDTM
// print their traces on the console; every frame decoded through the session's gdb (the
// umlDecodeFrames request) names the same functions, files and lines, inline frames included,
// as `addr2line -i` does (decode_stacktrace.sh's tool) and its innermost line is gdb's own
// `info line`; the standalone decoder (no session) agrees; a frame in a loaded module resolves
// to the module's source at its load address; a trace from another build is refused, both named.
import { test, before, after } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { testKernel, testKernelDir, rootfsPool } from '../support/testKernel';
import { buildTestModule } from '../support/testModule';
import { launch, nextStop, waitForOutput, withSession } from '../support/dap';
import { DECODE_FRAMES_REQUEST, DecodeFramesResponse } from '../../src/shared/messages';
import { parseTrace, TraceFrame } from '../../src/stacktrace/traceParse';
import { StandaloneDecoder, DecodedEntry } from '../../src/stacktrace/decode';
import { decodeTrace, OtherBuildError, decodedDocument } from '../../src/stacktrace/decodeTrace';
import { cacheDir } from '../../src/uml/host';

const LKDTM = 'mount -t debugfs none /sys/kernel/debug';
const provoke = (what: string) => `echo ${what} > /sys/kernel/debug/provoke-crash/DIRECT`;
const pool = rootfsPool(LKDTM);
let moduleDir: string;
before(() => { testKernelDir(); moduleDir = buildTestModule(); });
after(() => { pool.removeAll(); fs.rmSync(moduleDir, { recursive: true, force: true }); });

/** addr2line -i -f, decode_stacktrace.sh's way: per address, [func, file, line] innermost first. */
function addr2line(file: string, addrs: string[]): Array<Array<[string, string, number]>> {
  return addrs.map((a) => {
    const lines = execFileSync('addr2line', ['-i', '-f', '-e', file, a], { encoding: 'utf8' }).trim().split('\n');
    const out: Array<[string, string, number]> = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const m = /^(.*):(\d+)(?: \(discriminator \d+\))?$/.exec(lines[i + 1])!;
      out.push([lines[i], path.resolve(m[1]), Number(m[2])]);
    }
    return out;
  });
}

/** gdb's own `info line *ADDR` for each address (a gdb of the test's, not ours): [file, line]. */
function gdbInfoLine(kernel: string, addrs: string[]): Array<[string, number]> {
  const out = execFileSync('gdb', ['-batch', '-nx', kernel, ...addrs.flatMap((a) => ['-ex', `info line *0x${a}`])], { encoding: 'utf8' });
  return [...out.matchAll(/^Line (\d+) of "([^"]+)"/gm)].map((m) => [m[2], Number(m[1])]);
}

const chain = (e: DecodedEntry) => e.frames.map((f) => [f.func, f.file && path.resolve(f.file), f.line]);

/** The trace in the console output from `start` to its end marker, its frames and their decoding by the session. */
async function decodeInSession(dcReq: (frames: TraceFrame[]) => Promise<DecodeFramesResponse>, text: string) {
  const { links } = parseTrace(text);
  const frames = links.filter((l) => l.frame).map((l) => l.frame!);
  return { frames, r: await dcReq(frames) };
}

function assertLikeAddr2line(kernel: string, frames: TraceFrame[], entries: DecodedEntry[], what: string): void {
  const withAddr = frames.map((f, i) => [f, entries[i]] as const).filter(([f]) => f.addr);
  assert.ok(withAddr.length >= 8, `${what}: the trace has its frames (${withAddr.length})`);
  const expected = addr2line(kernel, withAddr.map(([f]) => f.addr!));
  const info = gdbInfoLine(kernel, withAddr.map(([f]) => f.addr!));
  withAddr.forEach(([f, e], i) => {
    assert.strictEqual(e.error, undefined, `${what}: ${f.func} decoded`);
    assert.strictEqual(e.pc, `0x${f.addr}`);
    // The functions, inlined ones first, and the call sites as addr2line -i lists them; the
    // innermost line as gdb's `info line` gives it (where several line entries share an
    // address, a function's first byte, addr2line takes the first and gdb the last: gdb's word).
    const label = `${what}: [<${f.addr}>] ${f.func}`;
    assert.deepStrictEqual(e.frames.map((x) => x.func), expected[i].map((x) => x[0]), `${label}: functions as addr2line -i lists them`);
    assert.deepStrictEqual(chain(e).slice(1), expected[i].slice(1), `${label}: call sites as addr2line -i lists them`);
    assert.deepStrictEqual([path.resolve(testKernelDir(), info[i][0]), info[i][1]], [e.frames[0].file, e.frames[0].line], `${label}: gdb's info line`);
  });
  // The symbolic frames (no address: `lkdtm_WARNING+0x37/0x3a`, `RIP: 0033:func+..`) land where their address does.
  for (const [f, e] of frames.map((g, i) => [g, entries[i]] as const).filter(([g]) => !g.addr)) {
    const same = withAddr.find(([g]) => g.func === f.func && g.off === f.off);
    if (same) assert.deepStrictEqual(chain(e), chain(same[1]), `${what}: ${f.func}+0x${f.off?.toString(16)} without its address`);
    else assert.ok(e.frames[0]?.file, `${what}: ${f.func} resolved by its name: ${JSON.stringify(e)}`);
  }
}

test('a WARN\'s trace: every frame as addr2line -i and gdb give it, through the session and with no session, and linked in the Debug Console; another build refused', () => withSession('trace-warn', async (dc, umid, out) => {
  const linked: DebugProtocol.OutputEvent[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.source) linked.push(e); });
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs: pool.make(`${provoke('WARNING')}\necho AFTER-WARN\ncat /proc/cmdline\npoweroff -f`), umid }, async () => {
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] });
  });
  await stopped;
  await waitForOutput(dc, /AFTER-WARN/, out);
  const all = out.text();
  const text = all.slice(all.indexOf('------------[ cut here ]'), all.indexOf('AFTER-WARN'));
  assert.match(text, /Call Trace:/);
  const { frames, r } = await decodeInSession(async (f) => (await dc.customRequest(DECODE_FRAMES_REQUEST, { frames: f })).body, text);
  assert.match(r.banner ?? '', /^Linux version /);
  assert.strictEqual(r.kernel, testKernel());
  assertLikeAddr2line(testKernel(), frames, r.entries, 'WARN (session)');
  const warn = r.entries[frames.findIndex((f) => f.func === 'lkdtm_WARNING')];
  assert.match(warn.frames[0].file!, /drivers\/misc\/lkdtm\/bugs\.c$/);

  // The Debug Console: each frame line of the console's trace came with its source line beside it.
  const frameLines = text.split('\n').filter((l) => parseTrace(l).links.some((k) => k.frame));
  for (const [i, f] of frames.entries()) {
    const e = r.entries[i];
    const line = frameLines.find((l) => l.includes(f.addr ? `[<${f.addr}>]` : `${f.func}+0x${f.off!.toString(16)}`))!;
    const ev = linked.find((x) => x.body.output.trim() === line.trim());
    assert.ok(ev, `the Debug Console line "${line.trim()}" has a source: ${JSON.stringify(linked.slice(0, 3).map((x) => x.body))}`);
    assert.deepStrictEqual([ev.body.source?.path, ev.body.line], [e.frames[0].file, e.frames[0].line], line);
  }

  // No session: our own gdb on the same kernel, and the document "Decode Stack Trace" shows.
  const standalone = new StandaloneDecoder(testKernel(), { indexCacheDir: path.join(cacheDir(), 'gdb-index') });
  try {
    const t = await decodeTrace(text, standalone);
    assert.deepStrictEqual(t.entries.map(chain), r.entries.map(chain), 'the same frames with no session');
    const doc = decodedDocument(t, testKernelDir());
    assert.match(doc.text, /=> lkdtm_WARNING drivers\/misc\/lkdtm\/bugs\.c:\d+ {4}\| WARN_ON\(1\);|=> lkdtm_WARNING drivers\/misc\/lkdtm\/bugs\.c:\d+ {4}\| /);
    assert.ok(doc.targets.length >= frames.length, 'each decoded frame is a link');
    for (const tg of doc.targets.slice(0, 5)) assert.strictEqual(doc.text.split('\n')[tg.line].slice(tg.start, tg.start + tg.length), `${path.relative(testKernelDir(), tg.file)}:${tg.fileLine}`);

    // The same trace as another build printed it (its identity line names another release and build): refused, both named.
    const ours = /CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: \S+ .*?(\d+\.\d+\.\d+\S*) (#\d+)/.exec(text)!;
    const other = text.replace(`${ours[1]} ${ours[2]}`, `${ours[1].replace(/^(\d+)\.(\d+)/, (_m, a, b) => `${a}.${Number(b) + 1}`)} #99`);
    await assert.rejects(decodeTrace(other, standalone), (e: Error) => {
      assert.ok(e instanceof OtherBuildError);
      assert.match(e.message, / #99/);
      assert.ok(e.message.includes(r.banner!.trim()) && e.message.includes(testKernel()), e.message);
      return true;
    });
  } finally {
    standalone.dispose();
  }
}));

test('an Oops\'s trace (the session stopped at it, then let it end), its RIP line and UML\'s `ip 0x...`: lkdtm_EXCEPTION', () => withSession('trace-oops', async (dc, umid, out) => {
  const stopped = nextStop(dc);
  const ended = dc.waitForEvent('terminated', 60000);
  await launch(dc, testKernel(), { rootfs: pool.make(provoke('EXCEPTION')), umid }, () => dc.setExceptionBreakpointsRequest({ filters: ['oops'] }));
  const ev = await stopped;
  assert.match(ev.body.text ?? '', /^Oops: Kernel mode fault/);
  await dc.continueRequest({ threadId: ev.body.threadId! });
  await ended;
  const all = out.text();
  const text = all.slice(all.indexOf('lkdtm: Performing direct entry EXCEPTION'));
  assert.match(text, /Call Trace:[\s\S]*new_thread_handler/, 'the kernel printed its trace before it ended');
  // The session is over: the trace is read as a bug report is, by our own gdb on the kernel.
  const standalone = new StandaloneDecoder(testKernel(), { indexCacheDir: path.join(cacheDir(), 'gdb-index') });
  try {
    const t = await decodeTrace(text, standalone);
    const frames = t.links.filter((l) => l.frame).map((l) => l.frame!);
    assertLikeAddr2line(testKernel(), frames, t.entries, 'Oops (no session)');
    const rip = frames.findIndex((f) => f.func === 'lkdtm_EXCEPTION' && !f.addr);
    assert.ok(rip >= 0, `the RIP line is a frame: ${text.slice(0, 800)}`);
    assert.strictEqual(t.entries[rip].frames[0].func, 'lkdtm_EXCEPTION');
    assert.match(t.entries[rip].frames[0].file!, /drivers\/misc\/lkdtm\/bugs\.c$/);
    const ip = frames.findIndex((f) => f.addr && !f.size);
    assert.ok(ip >= 0, 'UML\'s "ip 0x..." is a frame');
    assert.deepStrictEqual(chain(t.entries[ip]), chain(t.entries[rip]), 'ip 0x... is where RIP says');
  } finally {
    standalone.dispose();
  }
}));

test('a frame in a loaded module resolves to the module\'s source at its load address', () => withSession('trace-module', async (dc, umid) => {
  const rootfs = pool.make('insmod /ukd_hello.ko\ncat /proc/cmdline\npoweroff -f');
  fs.copyFileSync(path.join(moduleDir, 'ukd_hello.ko'), path.join(rootfs, 'ukd_hello.ko'));
  const source = path.join(moduleDir, 'ukd_hello.c');
  const stopped = nextStop(dc);
  await launch(dc, testKernel(), { rootfs, umid }, () => dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: 11 }] }));
  const ev = await stopped;
  const top = (await dc.stackTraceRequest({ threadId: ev.body.threadId!, startFrame: 0, levels: 1 })).body.stackFrames[0];
  assert.strictEqual(top.name, 'ukd_hello_init');
  const ev2 = async (e: string) => (await dc.evaluateRequest({ expression: e, frameId: top.id, context: 'watch' })).body.result;
  const pc = BigInt(await ev2('(unsigned long) $pc'));
  const start = BigInt(await ev2('(unsigned long) &ukd_hello_init'));
  const frames: TraceFrame[] = [{ addr: pc.toString(16) }, { func: 'ukd_hello_init', off: Number(pc - start), size: 0x40, module: 'ukd_hello' }];
  const r = (await dc.customRequest(DECODE_FRAMES_REQUEST, { frames })).body as DecodeFramesResponse;
  for (const e of r.entries) {
    assert.deepStrictEqual([e.frames[0]?.func, e.frames[0]?.file, e.frames[0]?.line], ['ukd_hello_init', source, top.line], JSON.stringify(e));
    assert.match(e.objfile ?? '', /\/ukd_hello[^/]*\.ko$/, 'the module\'s symbols (a copy of the .ko where the adapter rewrote it)');
  }

  // No session: the .ko found through its build directory's modules.order; the frame as a trace
  // prints it (address and `func+off [module]`) lands by its function, the address being the guest's.
  const standalone = new StandaloneDecoder(testKernel(), { indexCacheDir: path.join(cacheDir(), 'gdb-index'), moduleDirs: [moduleDir] });
  try {
    const [e] = await standalone.decode([{ ...frames[1], addr: pc.toString(16) }]);
    assert.deepStrictEqual([e.frames[0]?.func, e.frames[0]?.file, e.frames[0]?.line], ['ukd_hello_init', source, top.line], JSON.stringify(e));
    const [missing] = await standalone.decode([{ func: 'nosuch_init', off: 4, size: 0x40, module: 'nosuch' }]);
    assert.match(missing.error ?? '', /no function nosuch_init in the debug info \(module nosuch not loaded\)/);
  } finally {
    standalone.dispose();
  }
}));
