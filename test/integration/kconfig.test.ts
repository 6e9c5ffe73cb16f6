// The Kconfig index on the real tree of the test kernel (ARCH=um): every file reached from the
// top-level Kconfig, no parse problems, and what hover and go-to-definition will show.
import { test } from 'node:test';
import * as assert from 'assert';
import { testKernelDir } from '../support/testKernel';
import { indexKconfig } from '../../src/kconfig/kconfigParse';

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
