import { test } from 'node:test';
import * as assert from 'assert';
import { toDapFrames, frameId, frameOf } from '../../src/debug/frames';
import { parseMiLine, list } from '../../src/gdb/mi';
import { breakpointRecord, frameRecord } from '../../src/gdb/records';

test('a pause in UML\'s signal handler: host frames labelled and de-emphasised, kernel frames plain', () => {
  const r = parseMiLine('^done,stack=[' +
    'frame={level="0",addr="0x1",func="hard_handler",file="arch/um/os-Linux/signal.c",fullname="/k/arch/um/os-Linux/signal.c",line="180"},' +
    'frame={level="1",addr="0x2",func="<signal handler called>"},' +
    'frame={level="2",addr="0x3",func="sigsuspend",from="/lib/x86_64-linux-gnu/libc.so.6"},' +
    'frame={level="3",addr="0x4",func="os_idle_sleep",file="arch/um/os-Linux/time.c",fullname="/k/arch/um/os-Linux/time.c",line="100"},' +
    'frame={level="4",addr="0x5",func="arch_cpu_idle",file="arch/um/kernel/process.c",fullname="/k/arch/um/kernel/process.c",line="218"}]');
  const frames = toDapFrames(1, list(r.results.stack).map(frameRecord));
  assert.deepStrictEqual(frames.map((f) => f.name), ['[host] hard_handler', '[host] <signal handler called>', '[host] sigsuspend', '[host] os_idle_sleep', 'arch_cpu_idle']);
  assert.deepStrictEqual(frames.map((f) => f.presentationHint), ['subtle', 'subtle', 'subtle', 'subtle', undefined]);
  assert.strictEqual(frames[4].source!.path, '/k/arch/um/kernel/process.c');
  assert.strictEqual(frames[4].line, 218);
  assert.strictEqual(frames[0].source!.presentationHint, 'deemphasize');
});

test('frame ids carry thread and level', () => {
  assert.deepStrictEqual(frameOf(frameId(3, 17)), { thread: 3, level: 17 });
});
