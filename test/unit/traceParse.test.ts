// Kernel traces as links (and what gdb is asked, the Debug Console's order): UML's `[<ADDR>] ? func+0x../0x..`, x86's ORC frames with modules,
// RIP lines, UML's `ip 0x...`, WARNING/EXPECTATION positions, bare file:line; the kernel a trace
// names, and a trace from another build told apart.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { linksInLine, parseTrace, otherBuild, frameText, identityIn } from '../../src/stacktrace/traceParse';
import { printedPosition } from '../../src/stacktrace/decodeTrace';
import { decodeArgument } from '../../src/stacktrace/decode';
import { TraceOutput } from '../../src/debug/traceOutput';

const UML_WARN = `------------[ cut here ]------------
WARNING: CPU: 0 PID: 1 at drivers/misc/lkdtm/bugs.c:85 lkdtm_WARNING+0x37/0x3a
Modules linked in:
CPU: 0 PID: 1 Comm: init Not tainted 6.1.192 #1
Stack:
 6038a9e4 604587cb 8c803b80 60372d75
Call Trace:
 [<6038a9e4>] ? _printk+0x0/0x94
 [<60020f87>] show_stack+0x184/0x193
 [<602727fb>] lkdtm_WARNING+0x37/0x3a
 [<6001fd3e>] new_thread_handler+0xae/0xb0
---[ end trace 0000000000000000 ]---`;

test('UML call trace: every frame a link with its address, symbol, offset and size; `?` kept; stack words are not frames', () => {
  const { links, kernel } = parseTrace(UML_WARN);
  const frames = links.filter((l) => l.frame);
  assert.deepStrictEqual(frames.map((l) => frameText(l.frame!)), [
    'lkdtm_WARNING+0x37/0x3a', '[<6038a9e4>] _printk+0x0/0x94', '[<60020f87>] show_stack+0x184/0x193', '[<602727fb>] lkdtm_WARNING+0x37/0x3a', '[<6001fd3e>] new_thread_handler+0xae/0xb0']);
  assert.strictEqual(frames[1].frame!.unreliable, true);
  assert.strictEqual(frames[2].frame!.unreliable, undefined);
  assert.deepStrictEqual(frames[2].frame, { addr: '60020f87', func: 'show_stack', off: 0x184, size: 0x193 });
  const line8 = UML_WARN.split('\n')[8];
  assert.strictEqual(line8.slice(frames[2].start, frames[2].start + frames[2].length), '[<60020f87>] show_stack+0x184/0x193');
  const pos = links.find((l) => l.file)!;
  assert.deepStrictEqual([pos.line, pos.file, pos.fileLine], [1, 'drivers/misc/lkdtm/bugs.c', 85]);
  assert.deepStrictEqual(kernel, { release: '6.1.192', build: '#1', line: 3 });
});

test('x86 ORC frames (no address), modules, RIP, UML ip, KUnit expectations', () => {
  assert.deepStrictEqual(linksInLine('  ? lkdtm_do_action+0x3b/0x3d [lkdtm]').map((l) => l.frame), [{ func: 'lkdtm_do_action', off: 0x3b, size: 0x3d, module: 'lkdtm', unreliable: true }]);
  assert.deepStrictEqual(linksInLine(' direct_entry.cold+0x12/0x20').map((l) => l.frame?.func), ['direct_entry.cold']);
  const rip = linksInLine('RIP: 0010:sysrq_handle_crash+0x16/0x20');
  assert.deepStrictEqual(rip.map((l) => [l.start, l.frame]), [[10, { func: 'sysrq_handle_crash', off: 0x16, size: 0x20 }]]);
  assert.deepStrictEqual(linksInLine('RIP: 0033:lkdtm_EXCEPTION+0x2/0xa').map((l) => l.frame?.func), ['lkdtm_EXCEPTION']);
  assert.deepStrictEqual(linksInLine('Kernel panic - not syncing: Kernel mode fault at addr 0x0, ip 0x60272429').map((l) => l.frame), [{ addr: '60272429' }]);
  assert.deepStrictEqual(linksInLine('Oops: Kernel mode fault at addr 0x0, ip 0x60272429 (lkdtm_EXCEPTION+2)').map((l) => l.frame), [{ addr: '60272429', func: 'lkdtm_EXCEPTION', off: 2 }]);
  assert.deepStrictEqual(linksInLine('    # list_test_list_add: EXPECTATION FAILED at lib/list-test.c:33').map((l) => [l.file, l.fileLine]), [['lib/list-test.c', 33]]);
  assert.deepStrictEqual(linksInLine('see fs/proc/inode.c:352:5 and (include/linux/list.h:10)').map((l) => [l.file, l.fileLine]), [['fs/proc/inode.c', 352], ['include/linux/list.h', 10]]);
  assert.deepStrictEqual(linksInLine('mem=128M umid=x version 6.1:2 0x1234+0x5/0x6'), [], 'nothing that is not a frame or a source file');
});

test('the kernel a trace names: banner first, then the taint line; another build is told apart', () => {
  const banner = 'Linux version 6.1.192 (root@vm) (gcc (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 Mon Dec  7 22:18:19 UTC 2026';
  assert.deepStrictEqual(identityIn('Pid: 1, comm: init Tainted: G        W          6.1.192'), { release: '6.1.192', line: 0 });
  assert.deepStrictEqual(identityIn('CPU: 0 UID: 0 PID: 1 Comm: init Tainted: G        W          6.12.118 #1'), { release: '6.12.118', build: '#1', line: 0 });
  const t = parseTrace(`CPU: 0 PID: 1 Comm: init Not tainted 6.1.192 #1\n[    0.000000] ${banner}\n`);
  assert.strictEqual(t.kernel?.banner, banner);
  assert.strictEqual(otherBuild(t.kernel, `${banner}\n`), undefined, 'the same banner');
  assert.strictEqual(otherBuild(parseTrace('CPU: 0 PID: 1 Comm: init Not tainted 6.1.192 #1').kernel, banner), undefined, 'same release and build counter');
  assert.strictEqual(otherBuild(parseTrace('CPU: 0 PID: 1 Comm: init Not tainted 6.12.118 #1').kernel, banner), 'Linux 6.12.118 #1');
  assert.strictEqual(otherBuild(parseTrace('CPU: 0 PID: 1 Comm: init Not tainted 6.1.192 #7').kernel, banner), 'Linux 6.1.192 #7');
  assert.match(otherBuild(parseTrace(banner.replace('22:18:19', '23:00:00')).kernel, banner)!, /23:00:00/, 'a banner with another build time');
  assert.strictEqual(otherBuild(undefined, banner), undefined, 'a trace that names no kernel is not refused');
});

test('a printed source position found in the tree (KUnit output links); what gdb is asked for each frame', () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-tree-'));
  try {
    fs.mkdirSync(path.join(tree, 'lib'));
    fs.writeFileSync(path.join(tree, 'lib', 'list-test.c'), '\n');
    assert.deepStrictEqual(printedPosition('    # list_test_list_add: EXPECTATION FAILED at lib/list-test.c:33', tree), { file: path.join(tree, 'lib', 'list-test.c'), line: 33 });
    assert.strictEqual(printedPosition('    # EXPECTATION FAILED at lib/nosuch.c:3', tree), undefined, 'not a file of the tree');
    assert.strictEqual(printedPosition('ok 1 list_test_list_init', tree), undefined);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
  assert.deepStrictEqual(JSON.parse(decodeArgument([{ addr: '6001fd3e', func: 'f', off: 1, size: 2, module: 'm' }, { func: 'g', off: 3 }])), [
    { addr: '0x6001fd3e', func: 'f', off: 1, size: 2, module: 'm' }, { addr: null, func: 'g', off: 3, size: 0, module: null }]);
});

test('the Debug Console: output keeps its order; a trace line goes alone, after the text before it, with its source when decoded', async () => {
  const sent: Array<[string, string, unknown]> = [];
  const out = new TraceOutput((t, c, w) => sent.push([t, c, w]), () => undefined);
  out.push('boot\n', 'stdout');
  assert.deepStrictEqual(sent, [['boot\n', 'stdout', undefined]], 'no trace: sent at once');
  out.push('Call Trace:\n [<6001fd3e>] new_thread_handler+0xae/0xb0\nafter\n', 'stdout');
  out.push('a note\n', 'console');
  assert.strictEqual(sent.length, 1, 'behind the trace: waits for it');
  await out.flush();
  assert.deepStrictEqual(sent.map(([t, c]) => [t, c]), [['boot\n', 'stdout'], ['Call Trace:\n', 'stdout'], [' [<6001fd3e>] new_thread_handler+0xae/0xb0\n', 'stdout'], ['after\n', 'stdout'], ['a note\n', 'console']]);
  out.push('later\n', 'stdout');
  assert.deepStrictEqual(sent[sent.length - 1], ['later\n', 'stdout', undefined], 'nothing waits: at once again');
});
