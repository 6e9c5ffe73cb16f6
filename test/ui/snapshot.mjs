// Crash snapshots in VS Code: F5 on a guest whose sh panics it through sysrq, with
// snapshotOnCrash in launch.json: the panic stop saves a snapshot; Stop; then "UML: Open Crash
// Snapshot..." from the palette (VS Code's own file dialog) opens it: the Call Stack shows the
// sysrq chain, the running task sh, and continuing is refused; Stop leaves no gdb.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerDir, registerUmid, umidProcesses, processesNamed, waitUntil, sleep } from './harness.mjs';
import { makeBusyboxRoot } from '../support/shared.cjs';

export const name = 'snapshot';
export const timeoutMs = 5 * 60 * 1000;

export function settings(ctx) {
  ctx.ws = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-snapshot-')));
  ctx.snaps = path.join(ctx.ws, 'snapshots');
  makeBusyboxRoot('sh -c "echo c > /proc/sysrq-trigger"\nsleep 100000', { dir: path.join(ctx.ws, 'rootfs') });
  fs.mkdirSync(path.join(ctx.ws, '.vscode'));
  fs.writeFileSync(path.join(ctx.ws, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'uml', request: 'launch', name: 'UML', kernel: path.join(ctx.tree, 'linux'), rootfs: '${workspaceFolder}/rootfs', init: '/init', mem: '128M', console: 'internalConsole', snapshotOnCrash: true, snapshotDir: ctx.snaps }],
  }, null, 2));
  return { 'debug.internalConsoleOptions': 'neverOpen' };
}

export async function run(s, ctx) {
  const { page } = s;
  const callStack = s.paneRows('Call Stack');
  let umid = '';
  let core = '';

  await s.step('F5: the guest panics, the Kernel panic stop saves a snapshot', async () => {
    await s.openWorkbench(ctx.ws);
    await s.pressF5();
    umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 60000, 250);
    registerUmid(umid, s.umlDir);
    await waitUntil('the Call Stack at panic', async () => (await s.texts(callStack)).some((r) => /^Stack Frame panic\b/.test(r)), 90000, 250);
    core = await waitUntil(`a snapshot in ${ctx.snaps}`, () => {
      const f = fs.existsSync(ctx.snaps) && fs.readdirSync(ctx.snaps).find((n) => n.endsWith('.core'));
      return f && fs.existsSync(path.join(ctx.snaps, `${f}.json`)) && path.join(ctx.snaps, f);
    }, 60000, 250);
    s.log(`snapshot: ${core} (${fs.statSync(core).size} bytes)`);
  });

  await s.step('Stop ends the kernel and gdb', async () => {
    await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
    await waitUntil(`no process with umid=${umid} and no gdb`, () => umidProcesses(umid).length === 0 && processesNamed('gdb').length === 0, 20000, 250);
    await waitUntil('the debug toolbar gone', async () => !(await page.locator('.debug-toolbar').isVisible()), 15000, 250);
  });

  await s.step('UML: Open Crash Snapshot... from the palette: the panic as it was, sh running, the sysrq chain', async () => {
    await s.palette('UML: Open Crash Snapshot...');
    // VS Code's own file dialog in the browser: a Quick Input holding a path.
    const input = await s.quickInput();
    await input.fill(core);
    await sleep(300);
    await input.press('Enter');
    const rows = await waitUntil('the snapshot\'s stack in the Call Stack', async () => {
      const r = await s.texts(callStack);  // the stopped thread's frames, drawn at the top
      return r.some((x) => /^Stack Frame sysrq_handle_crash\b/.test(x)) && r;
    }, 60000, 500).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts(callStack))}; notifications ${JSON.stringify(await s.notifications())}`); });
    s.log(`call stack: ${JSON.stringify(rows.slice(0, 12))}`);
    if (!rows.some((x) => /^Thread \[\d+\] sh \(running\)/.test(x))) throw new Error(`sh is not the running task: ${JSON.stringify(rows.slice(0, 5))}`);
    if (!rows.some((x) => /Paused on exception/.test(x))) throw new Error(`not paused on the exception: ${JSON.stringify(rows.slice(0, 5))}`);
    await s.shot('snapshot-opened');
  });

  await s.step('Continue is refused: a snapshot does not run', async () => {
    await s.clearNotifications();
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
    await s.waitForNotification(/A crash snapshot does not run/, 15000);
    await s.shot('continue-refused');
  });

  await s.step('Stop ends the snapshot session and its gdb', async () => {
    await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
    await waitUntil('no gdb', () => processesNamed('gdb').length === 0, 20000, 250);
  });
}
