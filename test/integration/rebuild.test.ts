// The edit-rebuild-debug loop on a scratch copy of the test kernel's tree (the cached tree is
// never built in): the "uml: linux (if changed)" task's process skips make on an unchanged tree,
// stops on a compiler error with the error where the problem matcher finds it, and after an edit
// rebuilds; Restart then boots the rebuilt kernel in the same gdb with the breakpoints re-bound.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile, execFileSync } from 'child_process';
import { testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launch, nextStop, topFrame, withSession, waitForOutput } from '../support/dap';
import { matchProblems } from '../../src/tasks/problemMatchers';
import { makeCommand } from '../../src/tasks/makeTask';
import type { DebugProtocol } from '@vscode/debugprotocol';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let scratch: string;
let tree: string;
let rootfs: string;
let original: string;

before(() => {
  const source = testKernelDir();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-rebuild-'));
  tree = path.join(scratch, 'linux');
  execFileSync('cp', ['-a', source, tree]);  // a full copy: make must never write into the cached tree
  original = fs.readFileSync(path.join(tree, 'fs/proc/cmdline.c'), 'utf8');
  rootfs = makeRootfs('echo BOOTED\ncat /proc/cmdline\nsleep 600');
});
after(() => { removeRootfs(rootfs); fs.rmSync(scratch, { recursive: true, force: true }); });

const cmdlineC = () => path.join(tree, 'fs/proc/cmdline.c');
const kernel = () => path.join(tree, 'linux');
const stamp = () => { const s = fs.statSync(kernel()); return `${s.mtimeMs}:${s.size}`; };

/** Runs the task's process as the task does: node dist/buildIfChanged.js TREE KERNEL -- make ... */
function buildIfChanged(): Promise<{ code: number; out: string }> {
  const make = makeCommand({ type: 'uml', target: 'linux' }, tree);
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist', 'buildIfChanged.js'), tree, kernel(), '--', make.command, ...make.args],
      { cwd: tree, maxBuffer: 64 * 1024 * 1024 }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, out: stdout + stderr }));
  });
}

test('an unchanged tree: make is skipped, the kernel untouched', async () => {
  const before = stamp();
  const r = await buildIfChanged();
  assert.strictEqual(r.code, 0, r.out);
  assert.match(r.out, /linux is up to date: none of \d+ source files changed since it was linked; make skipped/);
  assert.doesNotMatch(r.out, /ARCH=um/, 'make did not run');
  assert.strictEqual(stamp(), before);
});

test('a compiler error: the build fails with the error at its file and line for the Problems view, the kernel stays as it was', async () => {
  const before = stamp();
  try {
    fs.writeFileSync(cmdlineC(), original.replace('\tseq_putc(m, \'\\n\');', '\tseq_putc(m, );'));
    const r = await buildIfChanged();
    assert.notStrictEqual(r.code, 0, 'the task fails, so VS Code does not start the debugger');
    assert.match(r.out, /Changed since linux was linked: fs\/proc\/cmdline\.c\. Building\./);
    const errors = matchProblems(r.out).filter((p) => p.severity === 'error');
    assert.ok(errors.some((p) => p.file === 'fs/proc/cmdline.c' && p.line === 10), `the $uml-gcc matcher finds fs/proc/cmdline.c:10 in:\n${r.out.slice(-3000)}`);
    assert.strictEqual(stamp(), before, 'nothing was linked');
  } finally {
    fs.writeFileSync(cmdlineC(), original);
  }
});

test('edit, rebuild, Restart: the same gdb loads the new kernel, breakpoints re-bound (a moved one says so), the edited code runs', () => withSession('rebuild', async (dc, umid, out) => {
  let first!: DebugProtocol.Breakpoint[];
  const stopped = nextStop(dc);
  await launch(dc, kernel(), { rootfs, umid }, async () => {
    first = (await dc.setBreakpointsRequest({ source: { path: cmdlineC() }, breakpoints: [{ line: 9 }] })).body.breakpoints;
  });
  assert.strictEqual(first[0].verified, true);
  const ev = await stopped;
  assert.strictEqual((await topFrame(dc, ev.body.threadId!)).line, 9);

  // The edit: two lines above seq_puts. As VS Code does on save, the breakpoint follows its
  // statement (now line 11); a second one sits on the new comment line, where no code will be.
  const edited = original.replace('{\n\tseq_puts(m, saved_command_line);', '{\n\t/* the loop test was here */\n\tseq_puts(m, "REBUILT ");\n\tseq_puts(m, saved_command_line);');
  assert.notStrictEqual(edited, original);
  fs.writeFileSync(cmdlineC(), edited);
  await dc.setBreakpointsRequest({ source: { path: cmdlineC() }, breakpoints: [{ line: 11 }, { line: 9 }] });

  const r = await buildIfChanged();
  assert.strictEqual(r.code, 0, r.out.slice(-3000));
  assert.match(r.out, /Changed since linux was linked: fs\/proc\/cmdline\.c\. Building\./);

  const moved: DebugProtocol.Breakpoint[] = [];
  dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => moved.push(e.body.breakpoint));
  const again = nextStop(dc, 120000);
  await dc.customRequest('restart', {});
  await waitForOutput(dc, /linux was rebuilt since gdb loaded it: gdb re-reads its symbols/, out);
  const ev2 = await again;
  assert.strictEqual(ev2.body.reason, 'breakpoint');
  const top = await topFrame(dc, ev2.body.threadId!);
  assert.deepStrictEqual([top.name, top.line], ['cmdline_proc_show', 10], 'the comment line\'s breakpoint now stops at the first statement after it');
  const note = moved.find((b) => b.line === 10);
  assert.ok(note, `a breakpoint event moves the comment line's breakpoint to line 10: ${JSON.stringify(moved)}`);
  assert.match(note.message ?? '', /No code at line 9 in this build: the breakpoint moved to line 10/);

  const third = nextStop(dc);
  await dc.continueRequest({ threadId: ev2.body.threadId! });
  const ev3 = await third;
  assert.strictEqual((await topFrame(dc, ev3.body.threadId!)).line, 11, 'the moved statement\'s breakpoint, re-bound in the new binary');
  await dc.setBreakpointsRequest({ source: { path: cmdlineC() }, breakpoints: [] });
  await dc.continueRequest({ threadId: ev3.body.threadId! });
  await waitForOutput(dc, /REBUILT \S+/, out);  // the rebuilt kernel's /proc/cmdline
  await dc.disconnectRequest({ terminateDebuggee: true });
}));
