import { test } from 'node:test';
import * as assert from 'assert';
import { parseMiLine, MiReader, miQuote, tuple, list, str } from '../../src/gdb/mi';

test('result record with token, tuples and lists', () => {
  const r = parseMiLine('12^done,bkpt={number="1",type="breakpoint",addr="0x000000006014beb9",func="cmdline_proc_show",file="fs/proc/cmdline.c",line="9",thread-groups=["i1"],times="0"}');
  assert.strictEqual(r.type, 'result');
  assert.strictEqual(r.token, 12);
  assert.strictEqual(r.cls, 'done');
  const b = tuple(r.results.bkpt)!;
  assert.strictEqual(str(b.func), 'cmdline_proc_show');
  assert.deepStrictEqual(b['thread-groups'], ['i1']);
});

test('stopped record: frame with args list of tuples', () => {
  const r = parseMiLine('*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",frame={addr="0x6014beb9",func="cmdline_proc_show",args=[{name="m",value="0x60a62690"},{name="v",value="0x1"}],file="fs/proc/cmdline.c",line="9"},thread-id="1",stopped-threads="all"');
  assert.strictEqual(r.type, 'exec');
  assert.strictEqual(r.cls, 'stopped');
  const args = list(tuple(r.results.frame)!.args).map((a) => str(tuple(a)!.name));
  assert.deepStrictEqual(args, ['m', 'v']);
});

test('list of results keeps values (stack=[frame=...,frame=...])', () => {
  const r = parseMiLine('^done,stack=[frame={level="0",func="a"},frame={level="1",func="b"}]');
  assert.deepStrictEqual(list(r.results.stack).map((f) => str(tuple(f)!.func)), ['a', 'b']);
});

test('repeated keys in a tuple become a list', () => {
  const r = parseMiLine('^done,bkpt={number="1"},bkpt={number="2"},bkpt={number="3"}');
  assert.deepStrictEqual(list(r.results.bkpt).map((b) => str(tuple(b)!.number)), ['1', '2', '3']);
});

test('stream records unescape c-strings, including octal UTF-8 bytes', () => {
  assert.deepStrictEqual(parseMiLine('~"Linux version 6.1\\n\\t\\"x\\"\\\\"'), { type: 'console', cls: '', results: {}, text: 'Linux version 6.1\n\t"x"\\' });
  assert.strictEqual(parseMiLine('~"caf\\303\\251"').text, 'café');
  assert.strictEqual(parseMiLine('&"warning: x\\n"').type, 'log');
  assert.strictEqual(parseMiLine('@"target"').type, 'target');
});

test('prompt, notify, and foreign text', () => {
  assert.strictEqual(parseMiLine('(gdb) ').type, 'prompt');
  const n = parseMiLine('=thread-group-started,id="i1",pid="4242"');
  assert.strictEqual(n.type, 'notify');
  assert.strictEqual(str(n.results.pid), '4242');
  assert.deepStrictEqual(parseMiLine('Checking that ptrace can change system call numbers...OK'), { type: 'other', cls: '', results: {}, text: 'Checking that ptrace can change system call numbers...OK' });
  assert.strictEqual(parseMiLine('^done,x={a="1"').type, 'other', 'truncated record is not trusted');
});

test('reader joins records split across chunks, byte by byte', () => {
  const text = '~"Reading symbols...\\n"\n12^done,value="42"\r\n*stopped,reason="end-stepping-range",thread-id="1"\n(gdb) \n';
  const rd = new MiReader();
  const recs = [...text].flatMap((ch) => rd.push(ch));
  assert.deepStrictEqual(recs.map((r) => r.type), ['console', 'result', 'exec', 'prompt']);
  assert.strictEqual(str(recs[1].results.value), '42');
  assert.deepStrictEqual(rd.flush(), []);
});

test('reader separates foreign text glued in front of a record', () => {
  const rd = new MiReader();
  const recs = rd.push('Checking syscall emulation...OK*stopped,reason="signal-received",signal-name="SIGINT"\n');
  assert.deepStrictEqual(recs.map((r) => r.type), ['other', 'exec']);
  assert.strictEqual(recs[0].text, 'Checking syscall emulation...OK');
  assert.strictEqual(str(recs[1].results['signal-name']), 'SIGINT');
});

test('reader flushes a last line without newline', () => {
  const rd = new MiReader();
  assert.deepStrictEqual(rd.push('^exit'), []);
  assert.strictEqual(rd.flush()[0].cls, 'exit');
});

test('miQuote escapes for MI c-string arguments', () => {
  assert.strictEqual(miQuote('source /a b/"x"\\n'), '"source /a b/\\"x\\"\\\\n"');
  assert.strictEqual(parseMiLine(`~${miQuote('a"b\\c\nd')}`).text, 'a"b\\c\nd');
});
