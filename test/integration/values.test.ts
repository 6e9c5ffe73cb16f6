// Hex display, setExpression (the Watch view's edit) and Debug Console completion (gdb's own),
// on the real kernel stopped in cmdline_proc_show.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import { testKernel, testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { launchToFunction, waitForOutput, withSession } from '../support/dap';

let rootfs: string;
before(() => { testKernelDir(); rootfs = makeRootfs('cat /proc/cmdline >/dev/null\ncat /proc/sys/kernel/panic\necho DONE\npoweroff -f'); });
after(() => removeRootfs(rootfs));

test('hex values, setExpression, completion of expressions and gdb commands', () => withSession('values', async (dc, umid, out) => {
  const caps = (await dc.initializeRequest()).body!;
  assert.ok(caps.supportsValueFormattingOptions && caps.supportsSetExpression && caps.supportsCompletionsRequest);
  const { t, frame } = await launchToFunction(dc, testKernel(), { rootfs, umid });

  const pid = await dc.evaluateRequest({ expression: 'init_task.prio', frameId: frame.id, context: 'watch', format: { hex: true } });
  const dec = await dc.evaluateRequest({ expression: 'init_task.prio', frameId: frame.id, context: 'watch' });
  assert.strictEqual(pid.body.result, `0x${Number(dec.body.result).toString(16)}`);
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const regs = scopes.body.scopes.find((s) => s.name === 'Registers')!;
  const hexVars = await dc.variablesRequest({ variablesReference: regs.variablesReference, format: { hex: true } } as never);
  assert.ok(hexVars.body.variables.every((v) => /^0x|^\[/.test(v.value) || !/^\d+$/.test(v.value)), JSON.stringify(hexVars.body.variables.slice(0, 5)));

  // The Watch view's edit: panic_timeout = 7; the guest then reads 7.
  const set = await dc.customRequest('setExpression', { expression: 'panic_timeout', value: '7', frameId: frame.id });
  assert.strictEqual(set.body.value, '7');
  const bad = await dc.customRequest('setExpression', { expression: 'no_such_symbol_here', value: '1', frameId: frame.id }).then(() => undefined, (e: Error) => e);
  assert.match(bad?.message ?? 'accepted', /No symbol "no_such_symbol_here" in current context/);

  const fields = await dc.customRequest('completions', { text: 'init_task.com', column: 14, frameId: frame.id });
  assert.ok(fields.body.targets.some((c: { label: string }) => c.label === 'comm'), JSON.stringify(fields.body.targets));
  const cmd = await dc.customRequest('completions', { text: '-exec info regi', column: 16 });
  assert.ok(cmd.body.targets.some((c: { label: string }) => c.label === 'registers'), JSON.stringify(cmd.body.targets));
  const lx = await dc.customRequest('completions', { text: '-exec lx-dm', column: 12 });
  assert.ok(lx.body.targets.some((c: { label: string }) => c.label === 'dmesg' || c.label === 'lx-dmesg'), JSON.stringify(lx.body.targets));

  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  await dc.continueRequest({ threadId: t });
  await waitForOutput(dc, /^7\r?$/m, out);
  await waitForOutput(dc, /DONE/, out);
}));
