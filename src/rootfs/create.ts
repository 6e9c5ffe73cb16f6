// "Create Root Filesystem": a recipe into a directory (hostfs) or an ext4 image (ubd0, made
// without root by mkfs.ext4 -d). Cancel or failure removes the partial result.
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { RecipeContext, RootfsError, checkTarget, checkSpace, cleanTarget, fixUpForUml, need } from './common';
import { busyboxRootfs } from './busybox';
import { debianRootfs, unpackTarball, alpineRootfs } from './distro';

export type Recipe = 'busybox' | 'debian' | 'alpine' | 'tarball';

export interface RootfsOptions {
  recipe: Recipe;
  /** A new or empty directory (output "dir"), or a new image file (output "image"). */
  target: string;
  output: 'dir' | 'image';
  /** For images: e.g. "512M"; default: the tree's size plus half, at least 64M. */
  imageSize?: string;
  hostname?: string;
  suite?: string;
  mirror?: string;
  /** alpine: URL or local minirootfs tarball; tarball: local file. */
  source?: string;
}

export interface RootfsResult { rootfs: string; kind: 'hostfs' | 'image'; init?: string }

const ESTIMATE: Record<Recipe, number> = { busybox: 16 << 20, debian: 600 << 20, alpine: 64 << 20, tarball: 0 };

export async function createRootfs(o: RootfsOptions, ctx: RecipeContext): Promise<RootfsResult> {
  const hostname = o.hostname ?? 'uml';
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(hostname)) throw new RootfsError(`"${hostname}" is not a valid hostname.`);
  if (o.output === 'image') {
    if (fs.existsSync(o.target)) throw new RootfsError(`${o.target} exists: choose a new image file name.`);
    if (!fs.existsSync(path.dirname(o.target))) throw new RootfsError(`The parent folder ${path.dirname(o.target)} does not exist.`);
    need('mkfs.ext4', 'e2fsprogs');
    if (o.imageSize && !/^[1-9]\d*[KMG]$/.test(o.imageSize)) throw new RootfsError(`Image size "${o.imageSize}" is not a size like 512M or 2G.`);
  } else {
    checkTarget(o.target);
  }
  if ((o.recipe === 'tarball' || o.recipe === 'alpine') && !o.source) throw new RootfsError('No tarball given.');
  const estimate = ESTIMATE[o.recipe] + (o.recipe === 'tarball' && o.source && fs.existsSync(o.source) ? fs.statSync(o.source).size * 4 : 0);
  checkSpace(path.dirname(o.target), estimate * (o.output === 'image' ? 2 : 1));

  const existedBefore = fs.existsSync(o.target);
  const tree = o.output === 'dir' ? o.target : fs.mkdtempSync(path.join(path.dirname(o.target), '.uml-rootfs-'));
  fs.mkdirSync(tree, { recursive: true });
  try {
    switch (o.recipe) {
      case 'busybox': await busyboxRootfs(tree, hostname, ctx); break;
      case 'debian': await debianRootfs(tree, { suite: o.suite ?? 'stable', mirror: o.mirror ?? 'http://deb.debian.org/debian' }, ctx); break;
      case 'alpine': await alpineRootfs(tree, o.source!, ctx); break;
      case 'tarball': await unpackTarball(tree, o.source!, ctx); break;
    }
    if (o.recipe !== 'busybox') fixUpForUml(tree, hostname, ctx);
    if (ctx.signal?.aborted) throw new RootfsError('Cancelled.');
    if (o.output === 'image') await makeImage(tree, o.target, o.imageSize, ctx);
    ctx.step('Done');
    return { rootfs: o.target, kind: o.output === 'dir' ? 'hostfs' : 'image', init: o.recipe === 'busybox' ? '/init' : undefined };
  } catch (e) {
    if (o.output === 'dir') cleanTarget(o.target, existedBefore);
    else fs.rmSync(o.target, { force: true });
    throw e;
  } finally {
    if (o.output === 'image') fs.rmSync(tree, { recursive: true, force: true });
  }
}

async function makeImage(tree: string, image: string, size: string | undefined, ctx: RecipeContext): Promise<void> {
  const mkfs = need('mkfs.ext4', 'e2fsprogs');
  if (!size) {
    const bytes = Number((await execa('du', ['-sb', tree])).stdout.split(/\s/)[0]);
    size = `${Math.max(64, Math.ceil((bytes * 1.5) / 1048576) + 32)}M`;
  }
  ctx.step(`Making the ext4 image (${size})`);
  // -d copies the tree in as the filesystem's content: no root, no loop mount.
  const r = await execa(mkfs, ['-q', '-F', '-L', 'umlroot', '-d', tree, image, size], { all: true, reject: false, cancelSignal: ctx.signal });
  ctx.log(r.all ?? '');
  if (r.isCanceled) throw new RootfsError('Cancelled.');
  if (r.exitCode !== 0) throw new RootfsError(`mkfs.ext4 failed (exit ${r.exitCode}): ${(r.all ?? '').trim().split('\n').pop()}`);
}
