// The out-of-tree test module (test/fixtures/module), built for the test kernel by the tests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { ROOT, testKernelDir } from './testKernel';

/** A temp directory with ukd_hello.c and the ukd_hello.ko built from it (about a second). */
export function buildTestModule(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uml-module-'));
  for (const f of ['ukd_hello.c', 'Kbuild']) fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'module', f), path.join(dir, f));
  execFileSync('make', ['-C', testKernelDir(), 'ARCH=um', 'SUBARCH=x86_64', `M=${dir}`, 'modules'], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (!fs.existsSync(path.join(dir, 'ukd_hello.ko'))) throw new Error(`ukd_hello.ko was not built in ${dir}`);
  return dir;
}
