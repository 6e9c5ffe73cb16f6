// ARCH=um builds through the tasks' command lines, on a scratch copy of the test kernel tree:
// an incremental build, real compiler / linker / Kconfig errors through the problem matchers,
// and the config doctor on real .config files.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execa } from 'execa';
import { testKernelDir } from '../support/testKernel';
import { makeCommand, UmlTaskDefinition } from '../../src/tasks/makeTask';
import { matchProblems } from '../../src/tasks/problemMatchers';
import { checkConfig } from '../../src/kconfig/doctor';
import { fixConfig } from '../../src/kconfig/fix';
import { elfSectionNamesOfFile } from '../../src/uml/elf';

let scratch: string;
let tree: string;
before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'uml-build-'));
  tree = path.join(scratch, 'linux');
  // The cached tree itself, never a link to it: edits must land in the copy.
  await execa('cp', ['-a', fs.realpathSync(testKernelDir()), tree]);
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs a task definition's command line exactly as the task would, output merged. */
async function runTask(def: Omit<UmlTaskDefinition, 'type'>): Promise<{ code: number; output: string }> {
  const cmd = makeCommand({ type: 'uml', ...def }, tree);
  const r = await execa(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env, all: true, reject: false });
  return { code: r.exitCode ?? -1, output: r.all ?? '' };
}

const cmdlineC = () => path.join(tree, 'fs', 'proc', 'cmdline.c');
const original = () => fs.readFileSync(path.join(testKernelDir(), 'fs', 'proc', 'cmdline.c'), 'utf8');

/** Runs fn with cmdline.c edited in the scratch tree, and always puts the original back. */
async function withCmdlineEdit<T>(text: string, fn: () => Promise<T>): Promise<T> {
  edit(cmdlineC(), text);
  try {
    return await fn();
  } finally {
    edit(cmdlineC(), original());
  }
}

function edit(file: string, text: string): void {
  fs.writeFileSync(file, text);
  // Newer than any object in the copied tree, whatever the clock granularity.
  const t = new Date(Date.now() + 2000);
  fs.utimesSync(file, t, t);
}

test('incremental build of a tiny change: one object recompiled, the kernel relinked', async () => {
  const before = fs.statSync(path.join(tree, 'linux')).mtimeMs;
  const r = await withCmdlineEdit(original().replace('seq_puts(m, saved_command_line);', 'seq_puts(m, saved_command_line); /* touched by a test */'), () => runTask({ target: 'linux' }));
  assert.strictEqual(r.code, 0, r.output.slice(-3000));
  assert.match(r.output, /CC\s+fs\/proc\/cmdline\.o/);
  assert.doesNotMatch(r.output, /CC\s+fs\/proc\/array\.o/, 'only the changed file is compiled');
  assert.ok(fs.statSync(path.join(tree, 'linux')).mtimeMs > before, 'linux relinked');
  assert.ok(elfSectionNamesOfFile(path.join(tree, 'linux')).includes('.debug_info'));
});

test('gcc errors and warnings from a broken file land as problems with file and line', async () => {
  const broken = original().replace('seq_puts(m, saved_command_line);', 'int unused_here;\n\tseq_puts(m, no_such_symbol_here);');
  const r = await withCmdlineEdit(broken, () => runTask({ target: 'linux' }));
  assert.notStrictEqual(r.code, 0);
  const lineOf = (needle: string) => broken.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const problems = matchProblems(r.output).filter((p) => p.file.endsWith('fs/proc/cmdline.c'));
  const err = problems.find((p) => p.severity === 'error');
  const warn = problems.find((p) => p.severity === 'warning');
  assert.ok(err, r.output.slice(-2000));
  assert.strictEqual(err.line, lineOf('no_such_symbol_here'));
  assert.match(err.message, /no_such_symbol_here/);
  assert.ok(warn, `a warning for the unused variable:\n${r.output.slice(-2000)}`);
  assert.strictEqual(warn.line, lineOf('unused_here'));
  assert.ok(fs.existsSync(path.isAbsolute(err.file) ? err.file : path.join(tree, err.file)), 'the path resolves in the tree');
});

test('ld errors (undefined reference) land as problems', async () => {
  const broken = original()
    .replace('static int cmdline_proc_show', 'extern void uml_test_no_such_function(void);\nstatic int cmdline_proc_show')
    .replace('seq_puts(m, saved_command_line);', 'uml_test_no_such_function();\n\tseq_puts(m, saved_command_line);');
  const r = await withCmdlineEdit(broken, () => runTask({ target: 'linux' }));
  assert.notStrictEqual(r.code, 0);
  const ld = matchProblems(r.output).find((p) => p.matcher === 'uml-ld');
  assert.ok(ld, r.output.slice(-2000));
  assert.match(ld.message, /undefined reference to `uml_test_no_such_function'/);
  assert.match(ld.file, /fs\/proc\/cmdline\.c$/);
  assert.strictEqual(ld.line, broken.split('\n').findIndex((l) => l.includes('uml_test_no_such_function();')) + 1);
});

test('Kconfig errors land as problems', async () => {
  const kconfig = path.join(tree, 'arch', 'um', 'Kconfig');
  const text = fs.readFileSync(kconfig, 'utf8');
  const lines = text.split('\n');
  lines.splice(3, 0, 'this is not kconfig');
  fs.writeFileSync(kconfig, lines.join('\n'));
  try {
    const r = await runTask({ target: 'olddefconfig' });
    assert.notStrictEqual(r.code, 0);
    const k = matchProblems(r.output).filter((p) => p.matcher === 'uml-kconfig');
    const bad = k.find((p) => /unknown statement "this"/.test(p.message));
    assert.ok(bad, r.output);
    assert.strictEqual(bad.file, 'arch/um/Kconfig');
    assert.strictEqual(bad.line, 4);
    assert.strictEqual(bad.severity, 'error');
  } finally {
    fs.writeFileSync(kconfig, text);
  }
});

test('config doctor: finds what a real .config lacks, fixes it, olddefconfig keeps it', async () => {
  const config = path.join(tree, '.config');
  assert.deepStrictEqual(checkConfig(fs.readFileSync(config, 'utf8')), [], 'the test kernel is debug-ready');
  await execa(path.join(tree, 'scripts', 'config'), ['--file', config, '--disable', 'GDB_SCRIPTS', '--disable', 'DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT', '--enable', 'DEBUG_INFO_NONE', '--disable', 'MAGIC_SYSRQ'], { cwd: tree });
  await execa('make', ['ARCH=um', 'olddefconfig'], { cwd: tree });
  const found = checkConfig(fs.readFileSync(config, 'utf8')).map((f) => f.option);
  for (const o of ['DEBUG_INFO', 'DEBUG_INFO_NONE', 'GDB_SCRIPTS', 'MAGIC_SYSRQ']) assert.ok(found.includes(o), `${o} found: ${found}`);
  const left = await fixConfig(tree, config, checkConfig(fs.readFileSync(config, 'utf8')));
  assert.deepStrictEqual(left, []);
  // olddefconfig again changes nothing of it.
  await execa('make', ['ARCH=um', 'olddefconfig'], { cwd: tree });
  assert.deepStrictEqual(checkConfig(fs.readFileSync(config, 'utf8')), []);
});
