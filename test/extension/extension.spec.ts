// Runs inside a real VS Code extension host, with the test kernel tree as the workspace.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

const ID = 'uml-kernel-debug.uml-kernel-debug';

describe('UML Kernel Debug in the extension host', () => {
  it('activates in a kernel tree and contributes its commands', async () => {
    const ext = vscode.extensions.getExtension(ID);
    assert.ok(ext, 'extension installed');
    const api = await ext.activate() as { activationMs: number };
    assert.ok(ext.isActive);
    assert.ok(api.activationMs > 0 && api.activationMs < 10000, `activation took ${api.activationMs} ms`);
    (globalThis as { umlActivationMs?: number }).umlActivationMs = api.activationMs;
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['umlKernelDebug.createRootfs', 'umlKernelDebug.checkConfig', 'umlKernelDebug.runWithoutDebugging', 'umlKernelDebug.instance.version', 'umlKernelDebug.instance.attach']) {
      assert.ok(cmds.includes(c), `command ${c}`);
    }
  });

  it('provides the ARCH=um make tasks, linux as the build task', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'uml' });
    const names = tasks.map((t) => t.name).sort();
    assert.deepStrictEqual(names, ['clean', 'compile_commands.json', 'defconfig', 'linux', 'linux (if changed)', 'menuconfig', 'modules', 'mrproper', 'olddefconfig', 'scripts_gdb']);
    const linux = tasks.find((t) => t.name === 'linux')!;
    assert.strictEqual(linux.group?.id, vscode.TaskGroup.Build.id);
    assert.match(linux.detail ?? '', /^make ARCH=um SUBARCH=x86_64 -j\d+ linux/);
    assert.deepStrictEqual(linux.problemMatchers, ['$uml-gcc', '$uml-ld', '$uml-kconfig']);
    // The change check runs make through dist/buildIfChanged.js, with the editor's own node.
    const ifChanged = tasks.find((t) => t.name === 'linux (if changed)')!;
    assert.strictEqual(ifChanged.group, undefined, 'one build task: the plain linux');
    assert.match(ifChanged.detail ?? '', /^when a source is newer than the kernel: make ARCH=um/);
    const exec = ifChanged.execution as vscode.ProcessExecution;
    assert.match(exec.args[0], /dist\/buildIfChanged\.js$/);
    assert.deepStrictEqual(exec.args.slice(exec.args.indexOf('--') + 1, exec.args.indexOf('--') + 3), ['make', 'ARCH=um']);
    assert.deepStrictEqual(ifChanged.problemMatchers, ['$uml-gcc', '$uml-ld', '$uml-kconfig']);
  });

  it('creates a BusyBox root filesystem through the command', async () => {
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ext-')), 'rootfs');
    const r = await vscode.commands.executeCommand<{ rootfs: string; kind: string; init?: string }>('umlKernelDebug.createRootfs', { recipe: 'busybox', target, output: 'dir', hostname: 'exthost' });
    assert.deepStrictEqual(r, { rootfs: target, kind: 'hostfs', init: '/init' });
    assert.strictEqual(fs.readFileSync(path.join(target, 'etc', 'hostname'), 'utf8'), 'exthost\n');
    fs.rmSync(path.dirname(target), { recursive: true, force: true });
  });
});
