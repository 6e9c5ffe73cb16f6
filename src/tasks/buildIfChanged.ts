// The "uml: linux (if changed)" task's process (dist/buildIfChanged.js, run with the editor's
// node): make only when a source is newer than the kernel, so a preLaunchTask on an unchanged
// tree does not wait seconds for make to find nothing to do. Usage:
//   node buildIfChanged.js <tree> <kernel> [buildDir] -- make ARG...
// Exits with make's status; make's output goes straight to the task terminal (problem matchers).
import { spawn } from 'child_process';
import * as fs from 'fs';
import { sourcesNewerThan, describeChanges } from './sourceChanges';

async function main(): Promise<number> {
  const sep = process.argv.indexOf('--');
  const [tree, kernel, buildDir] = process.argv.slice(2, sep);
  const make = process.argv.slice(sep + 1);
  if (sep < 0 || !tree || !kernel || !make.length) { console.error('usage: buildIfChanged.js <tree> <kernel> [buildDir] -- make ARG...'); return 2; }
  if (fs.existsSync(kernel)) {
    const t = Date.now();
    const changes = sourcesNewerThan(tree, kernel, { buildDir });
    console.log(`${describeChanges(changes, kernel)} (${Date.now() - t} ms)`);
    if (!changes.newer.length) return 0;
  } else {
    console.log(`${kernel} does not exist yet. Building.`);
  }
  console.log(make.join(' '));
  const child = spawn(make[0], make.slice(1), { cwd: tree, stdio: 'inherit' });
  // The task's Terminate: make (and through it the compilers) ends too.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

main().then((code) => process.exit(code), (e) => { console.error((e as Error).message); process.exit(2); });
