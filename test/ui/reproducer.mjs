// "UML: Debug Reproducer..." in a real VS Code: a C file with a compile error is refused (its
// error in Problems, nothing started); one that writes `c` to /proc/sysrq-trigger is built with
// gcc -static, run in the guest after boot, and the session stops at the crash (panic, with
// sysrq_handle_crash on the stack); Stop ends it and the root filesystem is as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerDir, registerUmid, waitUntil } from './harness.mjs';
import { makeBusyboxRoot } from '../support/shared.cjs';

export const name = 'reproducer';
export const timeoutMs = 5 * 60 * 1000;

const CRASH = `#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int fd = open("/proc/sysrq-trigger", O_WRONLY);
  if (fd < 0) return 1;
  write(fd, "c", 1);
  return 0;
}
`;

/** Every file under `dir` (relative), to compare a root filesystem before and after. */
const listing = (dir) => fs.readdirSync(dir, { recursive: true }).map(String).sort();

export function settings(ctx) {
  ctx.ws = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-repro-')));
  // No applets installed at boot (install: false): the guest's own init leaves the root as it is, so what changes would be ours.
  ctx.rootfs = makeBusyboxRoot('/bin/busybox echo REAL-INIT-RAN\n/bin/busybox sleep 600', { dir: path.join(ctx.ws, 'rootfs'), install: false });
  fs.writeFileSync(path.join(ctx.ws, 'crash.c'), CRASH);
  fs.writeFileSync(path.join(ctx.ws, 'bad.c'), 'int main(void) {\n  return nope;\n}\n');
  fs.mkdirSync(path.join(ctx.ws, '.vscode'));
  fs.writeFileSync(path.join(ctx.ws, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'uml', request: 'launch', name: 'UML', kernel: path.join(ctx.tree, 'linux'), rootfs: '${workspaceFolder}/rootfs', init: '/init', mem: '128M' }],
  }, null, 2));
  ctx.before = listing(ctx.rootfs);
  return {};
}

export async function run(s, ctx) {
  const { page } = s;

  await s.step('a reproducer that does not compile: its error in Problems, nothing started', async () => {
    await s.openWorkbench(ctx.ws);
    await s.openFile('bad.c');
    await s.palette('UML: Debug Reproducer...');
    const said = await waitUntil('the build failure message', async () => (await s.notifications()).find((n) => /The reproducer did not build/.test(n)), 60000, 500)
      .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}`); });
    if (!/1 error \(see Problems\)\. Nothing was started\./.test(said)) throw new Error(`the message: ${said}`);
    await waitUntil('the gcc error as a squiggle in bad.c', async () => (await page.locator('.part.editor .squiggly-error').count()) > 0, 20000, 250);
    if (await page.locator('.debug-toolbar').isVisible()) throw new Error('a session was started');
    await s.clearNotifications();
  });

  await s.step('crash.c: built, run in the guest, the session stops in panic with sysrq_handle_crash on the stack', async () => {
    await s.openFile('crash.c');
    await s.palette('UML: Debug Reproducer...');
    const umid = await waitUntil(`an instance under ${s.umlDir}`, () => fs.existsSync(s.umlDir) && fs.readdirSync(s.umlDir)[0], 90000, 250);
    registerUmid(umid, s.umlDir);
    const rows = await waitUntil('the Call Stack at panic', async () => {
      const r = await s.texts(s.paneRows('Call Stack'));
      return r.some((x) => /^Stack Frame panic\b/.test(x)) && r;
    }, 120000, 500).catch(async (e) => { throw new Error(`${e.message}; call stack: ${JSON.stringify(await s.texts(s.paneRows('Call Stack')))}; notifications: ${JSON.stringify(await s.notifications())}`); });
    s.log(`call stack: ${JSON.stringify(rows.slice(0, 12))}`);
    // VS Code shows the stopped thread's top frame first, the rest on "Load More Stack Frames"
    // (or by itself a moment later: the row may go while we reach for it).
    const more = page.locator(`${s.paneRows('Call Stack')}:has-text("Load More Stack Frames")`).first();
    await waitUntil('sysrq_handle_crash under the reproducer\'s thread', async () => {
      if ((await s.texts(s.paneRows('Call Stack'))).some((x) => /^Stack Frame sysrq_handle_crash\b/.test(x))) return true;
      if (await more.count()) await more.click({ timeout: 2000 }).catch(() => {});
      return false;
    }, 20000, 250)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await s.texts(s.paneRows('Call Stack'))).slice(0, 30))}`); });
    if (!rows.some((x) => /^Thread \[\d+\] crash \(running\) Paused on exception/.test(x))) throw new Error(`the reproducer's task is not the stopped thread: ${JSON.stringify(rows.slice(0, 5))}`);
    await s.shot('stopped-at-crash');
  });

  await s.step('Stop ends the session; the root filesystem is as it was', async () => {
    await page.keyboard.press('Shift+F5');
    await waitUntil('no debug toolbar', async () => !(await page.locator('.debug-toolbar').isVisible()), 30000, 250);
    await waitUntil('the payload directory gone from the root', () => JSON.stringify(listing(ctx.rootfs)) === JSON.stringify(ctx.before), 15000, 250)
      .catch(() => { throw new Error(`the root changed: ${JSON.stringify(listing(ctx.rootfs).filter((f) => !ctx.before.includes(f)))}`); });
  });
}
