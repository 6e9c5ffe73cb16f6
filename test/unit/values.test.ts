// Hex display and Debug Console completion: pure helpers.
import { test } from 'node:test';
import * as assert from 'assert';
import { completionItems, completionQuery, formatVariables, toHex } from '../../src/debug/values';

test('integers become hex by their type\'s size; characters keep their glyph; the rest stays', () => {
  assert.strictEqual(toHex('42', 'int'), '0x2a');
  assert.strictEqual(toHex('-1', 'int'), '0xffffffff');
  assert.strictEqual(toHex('-1', 'const short'), '0xffff');
  assert.strictEqual(toHex('-2', 'long'), '0xfffffffffffffffe');
  assert.strictEqual(toHex("65 'A'", 'char'), "0x41 'A'");
  assert.strictEqual(toHex('-1', 'u8'), '0xff');
  assert.strictEqual(toHex('0x60a57690', 'struct seq_file *'), '0x60a57690');
  assert.strictEqual(toHex('1.5', 'double'), '1.5');
  assert.strictEqual(toHex('3', 'double'), '3');
  assert.strictEqual(toHex('{...}', 'struct file'), '{...}');
  assert.strictEqual(toHex('true', 'bool'), 'true');
  assert.deepStrictEqual(formatVariables([{ name: 'n', value: '16', type: 'int', variablesReference: 0 }], { hex: true })[0].value, '0x10');
  assert.deepStrictEqual(formatVariables([{ name: 'n', value: '16', type: 'int', variablesReference: 0 }], {})[0].value, '16');
});

test('completion: gdb commands as typed after -exec, expressions as print EXPR', () => {
  assert.deepStrictEqual(completionQuery('-exec info reg'), { query: 'info reg', strip: 0, prefix: '-exec ' });
  assert.deepStrictEqual(completionQuery('> lx-dm'), { query: 'lx-dm', strip: 0, prefix: '> ' });
  assert.deepStrictEqual(completionQuery('init_task.co'), { query: 'print init_task.co', strip: 6, prefix: '' });
});

test('completion items replace the word being typed, once each, fields marked as properties', () => {
  assert.deepStrictEqual(completionItems(['print init_task.comm', 'print init_task.comm', 'print init_task.completion'], 6),
    [{ label: 'comm', text: 'comm', type: 'property' }, { label: 'completion', text: 'completion', type: 'property' }]);
  assert.deepStrictEqual(completionItems(['info registers'], 0), [{ label: 'registers', text: 'registers', type: 'keyword' }]);
  assert.deepStrictEqual(completionItems(['print saved_command_line'], 6), [{ label: 'saved_command_line', text: 'saved_command_line', type: 'variable' }]);
  assert.deepStrictEqual(completionItems(['print m->buf'], 6), [{ label: 'buf', text: 'buf', type: 'property' }]);
});
