// Debian (debootstrap), Alpine (minirootfs) and any rootfs tarball (Gentoo stage3, docker export).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execa } from 'execa';
import { RecipeContext, RootfsError, need } from './common';

const isRoot = () => process.getuid?.() === 0;

async function run(ctx: RecipeContext, cmd: string, args: string[]): Promise<void> {
  ctx.log(`$ ${[cmd, ...args].join(' ')}\n`);
  const p = execa(cmd, args, { all: true, reject: false, cancelSignal: ctx.signal, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  p.all?.on('data', (d: Buffer) => ctx.log(d.toString()));
  const r = await p;
  if (r.isCanceled || ctx.signal?.aborted) throw new RootfsError('Cancelled.');
  if (r.exitCode !== 0) throw new RootfsError(`${path.basename(cmd)} failed (exit ${r.exitCode}); the log has its output.`);
}

/** The host's Debian mirror and suite (deb822 or one-line sources), for sensible defaults. */
export function hostAptDefaults(): { mirror: string; suite: string } {
  const dflt = { mirror: 'http://deb.debian.org/debian', suite: 'stable' };
  const texts: string[] = [];
  for (const f of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    try { texts.push(fs.readFileSync(f, 'utf8')); } catch { /* absent */ }
  }
  for (const t of texts) {
    const uri = /^URIs:\s*(\S+)/m.exec(t)?.[1];
    const suite = /^Suites:\s*(\S+)/m.exec(t)?.[1];
    if (uri && suite && !/security/.test(uri)) return { mirror: uri, suite };
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+main/m.exec(t);
    if (line && !/security/.test(line[1])) return { mirror: line[1], suite: line[2] };
  }
  return dflt;
}

export async function debianRootfs(root: string, o: { suite: string; mirror: string }, ctx: RecipeContext): Promise<void> {
  const debootstrap = need('debootstrap', 'debootstrap');
  if (!/^[a-z][a-z0-9-]*$/.test(o.suite)) throw new RootfsError(`"${o.suite}" is not a Debian suite name (e.g. bookworm, stable).`);
  if (!/^(https?|file):\/\//.test(o.mirror)) throw new RootfsError(`"${o.mirror}" is not a mirror URL (e.g. http://deb.debian.org/debian).`);
  ctx.step(`debootstrap ${o.suite} (minbase) from ${o.mirror}: a few minutes`);
  // sysvinit-core: an init that starts a getty on the UML console from /etc/inittab.
  const args = ['--variant=minbase', '--include=sysvinit-core', o.suite, root, o.mirror];
  if (isRoot()) return run(ctx, debootstrap, args);
  const fakechroot = need('fakechroot', 'fakechroot');
  need('fakeroot', 'fakeroot');
  // Without root: fakechroot's variant; ownership is recorded only in fakeroot's view.
  return run(ctx, fakechroot, ['fakeroot', debootstrap, '--variant=fakechroot', '--include=sysvinit-core', o.suite, root, o.mirror]);
}

export async function unpackTarball(root: string, tarball: string, ctx: RecipeContext): Promise<void> {
  if (!fs.existsSync(tarball)) throw new RootfsError(`Tarball not found: ${tarball}.`);
  ctx.step(`Unpacking ${path.basename(tarball)}`);
  if (isRoot()) return run(ctx, 'tar', ['-xpf', tarball, '-C', root, '--numeric-owner']);
  // Device nodes need root; the guest's /dev is devtmpfs anyway.
  return run(ctx, 'tar', ['-xf', tarball, '-C', root, '--no-same-owner', '--exclude=./dev/*', '--exclude=dev/*']);
}

/** Alpine: a minirootfs tarball, from a local file or downloaded. */
export async function alpineRootfs(root: string, source: string, ctx: RecipeContext): Promise<void> {
  if (!/^https?:\/\//.test(source)) return unpackTarball(root, source, ctx);
  ctx.step(`Downloading ${source}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'uml-alpine-'));
  const file = path.join(tmp, path.basename(new URL(source).pathname) || 'alpine.tar.gz');
  try {
    const res = await fetch(source, { signal: ctx.signal });
    if (!res.ok || !res.body) throw new RootfsError(`Download failed: ${res.status} ${res.statusText} (${source}).`);
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    await unpackTarball(root, file, ctx);
  } catch (e) {
    if (ctx.signal?.aborted) throw new RootfsError('Cancelled.');
    throw e instanceof RootfsError ? e : new RootfsError(`Download failed: ${(e as Error).message} (${source}).`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
