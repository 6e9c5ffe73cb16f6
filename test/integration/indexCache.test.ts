// gdb's index cache on the real test kernel: filled once, shared by concurrent warm-ups, and a
// launch that finds it cold fills it before its own gdb loads the kernel (so the first stop's
// variables come from a warm index).
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testKernel, makeRootfs, removeRootfs } from '../support/testKernel';
import { withSession, launch, nextStop, topFrame } from '../support/dap';
import { buildIdOf, indexCached, warmIndex } from '../../src/gdb/indexCache';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'idx-int-'));

test('warmIndex fills the cache for the kernel\'s build-id once; a second warm-up finds it', async () => {
  const dir = tmp();
  try {
    const id = buildIdOf(testKernel());
    assert.match(id ?? '', /^[0-9a-f]{40}$/);
    const first = await warmIndex(testKernel(), dir);
    assert.strictEqual(first.state, 'filled', JSON.stringify(first));
    assert.ok(indexCached(dir, id!));
    assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.warming')), [], 'no lock left');
    assert.strictEqual((await warmIndex(testKernel(), dir)).state, 'warm');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('two warm-ups of the same kernel at once: one gdb fills, the other waits for it', async () => {
  const dir = tmp();
  try {
    const states = (await Promise.all([warmIndex(testKernel(), dir), warmIndex(testKernel(), dir)])).map((r) => r.state).sort();
    assert.deepStrictEqual(states, ['filled', 'waited']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a cancelled warm-up ends its gdb and leaves no lock', async () => {
  const dir = tmp();
  try {
    const ac = new AbortController();
    const p = warmIndex(testKernel(), dir, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    assert.strictEqual((await p).state, 'cancelled');
    assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.warming')), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('F5 with a cold index cache: the cache is filled before gdb loads the kernel, the first stop shows m', async () => {
  const cache = tmp();
  const rootfs = makeRootfs('cat /proc/cmdline\npoweroff -f');
  try {
    await withSession('coldidx', async (dc, umid, out) => {
      const stopped = nextStop(dc);
      await launch(dc, testKernel(), { rootfs, umid }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'cmdline_proc_show' }] }));
      const ev = await stopped;
      const frame = await topFrame(dc, ev.body.threadId!);
      assert.strictEqual(frame.name, 'cmdline_proc_show');
      const scopes = await dc.scopesRequest({ frameId: frame.id });
      const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
      assert.ok(vars.body.variables.some((v) => v.name === 'm' && /^0x[0-9a-f]+/.test(v.value)), JSON.stringify(vars.body.variables));
      assert.match(out.text(), /gdb's index cache did not know this kernel \(build-id [0-9a-f]{40}\): filled it first/);
      const idx = path.join(cache, 'uml-kernel-debug', 'gdb-index');
      assert.ok(indexCached(idx, buildIdOf(testKernel())!), `the cache under ${idx} holds the kernel`);
      const timeline = JSON.parse(fs.readFileSync(path.join(cache, 'uml-kernel-debug', 'sessions', umid, 'timeline.json'), 'utf8')) as { marks: Array<{ name: string }> };
      const order = timeline.marks.map((m) => m.name);
      for (const [a, b] of [['index-cache', 'gdb-started'], ['gdb-started', 'symbols-loaded'], ['symbols-loaded', 'running'], ['running', 'first-stop'], ['first-stop', 'first-variables']]) {
        assert.ok(order.indexOf(a) >= 0 && order.indexOf(a) < order.indexOf(b), `${a} before ${b}: ${order.join(', ')}`);
      }
      await dc.disconnectRequest({ terminateDebuggee: true });
    }, { XDG_CACHE_HOME: cache });
  } finally {
    removeRootfs(rootfs);
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
