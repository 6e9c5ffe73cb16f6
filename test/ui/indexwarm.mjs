// gdb's index cache is filled in the background when a kernel appears: the workspace opens on a
// kernel tree with a built `linux`, and a new `linux` lands on disk later (a build in a
// terminal). Each kernel is a copy of the test kernel with a build-id of its own, so gdb's
// cache has never seen it; the copies live in a temp workspace (the test tree is not touched).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerDir, processesNamed, waitUntil } from './harness.mjs';

export const name = 'indexwarm';
export const timeoutMs = 4 * 60 * 1000;

/** Copies the kernel with its GNU build-id note's bytes changed; returns the new build-id. */
function copyWithBuildId(from, to, salt) {
  const b = fs.readFileSync(from);
  const id = buildIdOf(b);
  const at = b.indexOf(Buffer.from(id, 'hex'));
  for (let i = 0; i < 4; i++) b[at + i] ^= salt + i;
  fs.writeFileSync(`${to}.tmp`, b, { mode: 0o755 });
  fs.renameSync(`${to}.tmp`, to);  // the way a linker's output appears: one new file
  const out = buildIdOf(fs.readFileSync(to));
  if (out === id) throw new Error('the copy kept the build-id');
  return out;
}

function buildIdOf(b) {
  // The note as `readelf -n` shows it: namesz 4, descsz 20, type 3 (NT_GNU_BUILD_ID), "GNU\0".
  const hdr = Buffer.from([4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, 0x47, 0x4e, 0x55, 0]);
  const at = b.indexOf(hdr);
  if (at < 0) throw new Error('no GNU build-id note in the kernel');
  return b.toString('hex', at + 16, at + 36);
}

export function settings(ctx) {
  ctx.ws = registerDir(fs.mkdtempSync(path.join(os.tmpdir(), 'uml-ui-indexwarm-')));
  // What makes a folder a kernel tree for the extension (its activation event).
  fs.mkdirSync(path.join(ctx.ws, 'arch', 'um'), { recursive: true });
  fs.copyFileSync(path.join(ctx.tree, 'arch', 'um', 'Kconfig'), path.join(ctx.ws, 'arch', 'um', 'Kconfig'));
  ctx.firstId = copyWithBuildId(path.join(ctx.tree, 'linux'), path.join(ctx.ws, 'linux'), 0x11);
  return {};
}

export async function run(s, ctx) {
  const indexDir = path.join(s.home, '.cache', 'uml-kernel-debug', 'gdb-index');
  // gdb's finished file (it writes <name>-XXXXXX first and renames it when complete).
  const cached = (id) => fs.existsSync(path.join(indexDir, `${id}.gdb-index`));

  await s.step('opening a built kernel tree fills gdb\'s index cache for its kernel', async () => {
    if (cached(ctx.firstId)) throw new Error('the cache knew the kernel before the workspace opened');
    await s.openWorkbench(ctx.ws);
    await waitUntil(`${ctx.firstId}.* in ${indexDir}`, () => cached(ctx.firstId), 90000, 200);
    s.log(`cache: ${fs.readdirSync(indexDir).join(', ')}`);
  });

  await s.step('a new linux on disk (a build in a terminal) is indexed too, with the status bar saying so', async () => {
    const id = copyWithBuildId(path.join(ctx.tree, 'linux'), path.join(ctx.ws, 'linux'), 0x22);
    let sawStatus = false;
    await waitUntil(`${id}.* in ${indexDir}`, async () => {
      if (!sawStatus) sawStatus = (await s.texts('.statusbar-item')).some((t) => /UML: indexing .* for gdb/.test(t));
      return cached(id);
    }, 90000, 50);
    s.log(`cache: ${fs.readdirSync(indexDir).join(', ')}; status bar item seen: ${sawStatus}`);
    await s.shot('indexed');
  });

  await s.step('nothing is left: no lock, no gdb', async () => {
    // gdb renames its finished file just before it exits; the warm-up then drops its lock.
    await waitUntil('no gdb of ours running', () => processesNamed('gdb').length === 0, 10000, 100);
    await waitUntil('no warm-up lock left', () => !fs.readdirSync(indexDir).some((f) => f.endsWith('.warming')), 5000, 100)
      .catch((e) => { throw new Error(`${e.message}: ${fs.readdirSync(indexDir).join(', ')}`); });
    const partial = fs.readdirSync(indexDir).filter((f) => !/^[0-9a-f]{40}\.gdb-index$/.test(f));
    if (partial.length) throw new Error(`unexpected files in the cache: ${partial.join(', ')}`);
  });
}
