// A kernel in QEMU from VS Code: a launch.json with a "qemu" block (the x86_64 test kernel from
// scripts/qemu-kernel.sh, a BusyBox initramfs with a shell on the serial console), a function
// breakpoint on cmdline_proc_show, F5: QEMU's console is the "UML console" terminal, typing
// `cat /proc/cmdline` there stops in cmdline_proc_show (kernel tasks as threads), Continue
// prints the command line (nokaslr added), Stop ends QEMU.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { registerDir, processesNamed, waitUntil, REPO } from './harness.mjs';

export const name = 'qemu';
export const timeoutMs = 5 * 60 * 1000;
const require = createRequire(import.meta.url);

export function settings(ctx) {
  const tree = execFileSync('bash', [path.join(REPO, 'scripts', 'qemu-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const { makeInitramfs } = require(path.join(REPO, 'out', 'test', 'support', 'testKernel.js'));
  ctx.initrd = makeInitramfs('echo QEMU-SHELL-READY\nexec sh');
  registerDir(path.dirname(ctx.initrd));
  ctx.ws = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-qemu-')));
  fs.mkdirSync(path.join(ctx.ws, '.vscode'));
  fs.writeFileSync(path.join(ctx.ws, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'uml', request: 'launch', name: 'Kernel in QEMU', kernel: path.join(tree, 'vmlinux'), qemu: { kernel: path.join(tree, 'arch/x86/boot/bzImage'), initrd: ctx.initrd, append: 'console=ttyS0 quiet' } }],
  }, null, 2));
  return {};
}

const qemus = (ctx) => processesNamed('qemu-system-x86')  // comm: 15 characters.filter((p) => p.args.includes(ctx.initrd));

export async function run(s, ctx) {
  const { page } = s;
  await s.step('open the workspace, add a function breakpoint on cmdline_proc_show', async () => {
    await s.openWorkbench(ctx.ws);
    await s.addFunctionBreakpoint('cmdline_proc_show');
  });

  await s.step('F5: QEMU boots the kernel, its serial console is the terminal, with a shell', async () => {
    await s.pressF5();
    await waitUntil('QEMU running', () => qemus(ctx).length === 1, 60000, 250)
      .catch(async (e) => { throw new Error(`${e.message}; notifications: ${JSON.stringify(await s.notifications())}`); });
    let text = '';
    await waitUntil('the guest shell in the terminal', async () => {
      await s.showTerminalPanel();
      text = await s.terminalText();
      return /QEMU-SHELL-READY[\s\S]*\/ #/.test(text);  // late kernel messages may follow the prompt
    }, 120000, 1000).catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    s.log(`terminals: ${JSON.stringify(await s.terminalNames())}`);
    await s.shot('qemu-shell');
  });

  await s.step('`cat /proc/cmdline` stops in cmdline_proc_show', async () => {
    await s.typeInTerminal('cat /proc/cmdline');
    await waitUntil('the Call Stack at cmdline_proc_show', async () => (await s.texts(s.paneRows('Call Stack'))).some((x) => /^Stack Frame cmdline_proc_show\b/.test(x)), 90000, 250);
    const rows = await s.allPaneRows('Call Stack');  // the threads below the stack may be out of sight
    s.log(`call stack: ${JSON.stringify(rows.slice(0, 30))}`);
    // Kernel tasks as threads, as for UML: the one running on the virtual CPU first, pid 1 (the initramfs init became sh) among the rest.
    if (!/^Thread \[\d+\] cat \(running\)/.test(rows[0])) throw new Error(`the first thread is not the running cat: ${rows[0]}`);
    if (!rows.some((x) => /\[1\] sh \(S: sleeping\)/.test(x))) throw new Error(`no thread for pid 1 (init, exec sh): ${JSON.stringify(rows)}`);
    await s.shot('qemu-stopped');
  });

  await s.step('Continue prints the command line with nokaslr; Stop ends QEMU', async () => {
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
    let text = '';
    await waitUntil('the command line in the terminal', async () => { text = await s.terminalText(); return /console=ttyS0 quiet nokaslr/.test(text); }, 30000, 500)
      .catch((e) => { throw new Error(`${e.message}\nterminal shows:\n${text.slice(-1500)}`); });
    await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
    await waitUntil('no QEMU and no gdb', () => qemus(ctx).length === 0 && processesNamed('gdb').length === 0, 30000, 250)
      .catch((e) => { throw new Error(`${e.message}: ${JSON.stringify([...qemus(ctx), ...processesNamed('gdb')])}`); });
  });
}
