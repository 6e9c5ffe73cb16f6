// Command palette: "UML: Apply XSAVE Host Fix to Kernel Tree" on a tree with the old
// fixed-size FPU code shows the patched registers.c as a diff first; Cancel leaves the tree
// as it was, "Apply Only" patches it, and a patched tree is recognised and left alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { registerDir, waitUntil, sleep, REPO } from './harness.mjs';

export const name = 'xsavefix';
export const timeoutMs = 3 * 60 * 1000;
const FILE = 'arch/x86/um/os-Linux/registers.c';
const PATCH = path.join(REPO, 'scripts/patches/0001-um-x86-host-sized-xstate-transfers.patch');
const MARKER = 'uml-kernel-debug xstate patch';

export function settings(ctx) {
  // A scratch tree of its own: the test kernel's Kconfig, and its registers.c as Debian ships it
  // (our patch taken back out of the patched test tree's copy).
  ctx.workspace = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-xsave-')));
  fs.mkdirSync(path.join(ctx.workspace, 'arch/um'), { recursive: true });
  fs.copyFileSync(path.join(ctx.tree, 'arch/um/Kconfig'), path.join(ctx.workspace, 'arch/um/Kconfig'));
  fs.mkdirSync(path.dirname(path.join(ctx.workspace, FILE)), { recursive: true });
  execFileSync('patch', ['--batch', '--reverse', '--fuzz=0', '--silent', '-o', path.join(ctx.workspace, FILE), path.join(ctx.tree, FILE), '-i', PATCH]);
  ctx.original = fs.readFileSync(path.join(ctx.workspace, FILE), 'utf8');
  if (ctx.original.includes(MARKER)) throw new Error('could not make an unpatched registers.c');
  return {};
}

export async function run(s, ctx) {
  const { page } = s;
  const file = path.join(ctx.workspace, FILE);
  const diffTab = page.locator('.tabs-container .tab', { hasText: 'with the XSAVE host fix' });
  const button = (label) => page.locator('.notifications-toasts .notification-toast .monaco-button', { hasText: label }).first();

  await s.step('open the kernel tree', async () => {
    await s.openWorkbench(ctx.workspace);
  });

  await s.step('the command shows the fix as a diff; Cancel leaves the tree alone', async () => {
    await s.palette('UML: Apply XSAVE Host Fix to Kernel Tree');
    await waitUntil('the diff editor', () => diffTab.isVisible(), 20000, 250);
    await waitUntil('the diff\'s added lines', () => page.locator('.editor-container .line-insert, .editor-container .char-insert').first().isVisible(), 20000, 250);
    await s.waitForNotification(/Apply the XSAVE host fix to/);
    await sleep(500);
    await s.shot('diff-preview');
    if (fs.readFileSync(file, 'utf8') !== ctx.original) throw new Error('the tree changed before any click');
    await button('Cancel').click();
    await waitUntil('the diff editor to close', async () => !(await diffTab.isVisible()), 10000, 250);
    if (fs.readFileSync(file, 'utf8') !== ctx.original) throw new Error('Cancel changed the tree');
  });

  await s.step('"Apply Only" patches registers.c', async () => {
    await s.palette('UML: Apply XSAVE Host Fix to Kernel Tree');
    await s.waitForNotification(/Apply the XSAVE host fix to/);
    await button('Apply Only').click();
    await s.waitForNotification(/XSAVE host fix applied/);
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(MARKER) || !text.includes('host_xstate_size')) throw new Error('registers.c was not patched');
    await s.shot('applied');
  });

  await s.step('a patched tree is recognised and left alone', async () => {
    const before = fs.readFileSync(file, 'utf8');
    await s.palette('UML: Apply XSAVE Host Fix to Kernel Tree');
    await s.waitForNotification(/already has the XSAVE host fix/);
    if (fs.readFileSync(file, 'utf8') !== before) throw new Error('a patched tree was changed again');
    await s.shot('already-fixed');
  });
}
