// The Kconfig index on the real tree of the test kernel (ARCH=um): every file reached from the
// top-level Kconfig, no parse problems, what hover and go-to-definition will show, and the
// evaluation checked against the kernel's own tools (the .config they produced).
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, testKernelDir } from '../support/testKernel';
import { indexKconfig } from '../../src/kconfig/kconfigParse';
import { KconfigEval, parseDotConfig } from '../../src/kconfig/kconfigEval';

test('the whole tree indexes without a problem; HOSTFS and MCONSOLE as arch/um/Kconfig defines them', () => {
  const idx = indexKconfig(testKernelDir());
  assert.deepStrictEqual(idx.problems, []);
  assert.ok(idx.files.length > 1400 && idx.files.includes('arch/um/Kconfig') && idx.files.includes('arch/x86/um/Kconfig'), `${idx.files.length} files`);
  assert.ok(idx.symbols.size > 15000, `${idx.symbols.size} symbols`);
  const [hostfs] = idx.symbols.get('HOSTFS')!;
  assert.deepStrictEqual([hostfs.file, hostfs.type, hostfs.prompts[0].value], ['arch/um/Kconfig', 'tristate', 'Host filesystem']);
  assert.match(hostfs.help ?? '', /^While the User-Mode Linux port uses its own root file system/);
  const mconsole = idx.symbols.get('MCONSOLE')!;
  assert.deepStrictEqual(mconsole.map((e) => e.file), ['arch/um/Kconfig']);
  assert.deepStrictEqual(mconsole[0].depends, ['PROC_FS']);
  // Another architecture's own Kconfig is not read (crypto/Kconfig does source arch/*/crypto/Kconfig, as for the kernel's tools).
  assert.ok(!idx.files.includes('arch/arm64/Kconfig') && idx.files.includes('arch/arm64/crypto/Kconfig'));
});

test('evaluation against the kernel\'s own tools: defconfig plus our fragment evaluates to the built .config, every symbol', () => {
  const tree = testKernelDir();
  const idx = indexKconfig(tree);
  const built = parseDotConfig(fs.readFileSync(path.join(tree, '.config'), 'utf8'));
  // What conf was given: UML's x86_64 defconfig, then scripts/kernel-fragment.config merged in.
  const inputs = new Map([
    ...parseDotConfig(fs.readFileSync(path.join(tree, 'arch', 'um', 'configs', 'x86_64_defconfig'), 'utf8')),
    ...parseDotConfig(fs.readFileSync(path.join(ROOT, 'scripts', 'kernel-fragment.config'), 'utf8')),
  ]);
  const ev = new KconfigEval(idx, inputs, built);   // toolchain probes ($(cc-option,...)) answered by the build's .config
  const wrong = [...built].filter(([k, v]) => ev.value(k).value !== v).map(([k, v]) => `${k}: conf ${v}, ours ${ev.value(k).value} (${ev.value(k).origin})`);
  assert.ok(built.size > 1000, `${built.size} symbols in .config`);
  assert.deepStrictEqual(wrong, []);
  assert.deepStrictEqual(ev.value('HOSTFS'), { value: 'y', origin: 'assigned in .config' });
  assert.match(ev.value('CRYPTO_HASH').origin, /^(selected by \w+|assigned in \.config|default in .*)$/);
});
