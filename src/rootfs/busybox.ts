// BusyBox recipe: offline, from the host's busybox-static. Seconds.
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { RecipeContext, RootfsError, need, write, throwIfCancelled } from './common';

const INIT = `#!/bin/sh
# /init of a BusyBox root filesystem made by UML Kernel Debug.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null   # already there when CONFIG_DEVTMPFS_MOUNT=y
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
hostname -F /etc/hostname
echo "BusyBox root filesystem is up. 'poweroff -f' halts the guest."
# cttyhack gives the shell the console as controlling tty: job control (Ctrl-C, Ctrl-Z) works.
# A loop, because init must never exit: 'exit' starts a new shell.
while true; do
  setsid cttyhack /bin/sh -l
done
`;

function staticBusybox(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) {
    if (!fs.existsSync(p)) continue;
    // A dynamically linked busybox would need the host's libc inside the guest.
    const head = fs.readFileSync(p).subarray(0, 4096).toString('latin1');
    if (head.includes('ld-linux')) continue;
    return p;
  }
  throw new RootfsError('No static busybox on the host: install it with apt-get install busybox-static.');
}

export async function busyboxRootfs(root: string, hostname: string, ctx: RecipeContext): Promise<void> {
  const bb = staticBusybox();
  need('busybox', 'busybox-static');
  ctx.step('Creating the directory tree');
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'tmp', 'root', 'etc', 'var/log', 'mnt']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  ctx.step('Installing busybox and its applets');
  fs.copyFileSync(bb, path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  const list = (await execa(bb, ['--list-full'], { cancelSignal: ctx.signal })).stdout.split('\n').filter(Boolean);
  for (const applet of list) {
    throwIfCancelled(ctx.signal);
    const p = path.join(root, applet);
    if (applet === 'bin/busybox' || fs.existsSync(p)) continue;
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(p), path.join(root, 'bin', 'busybox')), p);
  }
  ctx.log(`${list.length} applets linked\n`);
  ctx.step('Writing /init and /etc');
  write(root, 'init', INIT, 0o755);
  fs.rmSync(path.join(root, 'sbin', 'init'), { force: true });
  fs.symlinkSync('../init', path.join(root, 'sbin', 'init'));  // boots without init= too
  write(root, 'etc/hostname', `${hostname}\n`);
  write(root, 'etc/passwd', 'root::0:0:root:/root:/bin/sh\n');
  write(root, 'etc/group', 'root:x:0:\n');
  // busybox ash prints \$ literally: say # for root ourselves.
  write(root, 'etc/profile', 'if [ "$(id -u)" = 0 ]; then PS1="\\h:\\w# "; else PS1="\\h:\\w\\$ "; fi\nexport PS1 PATH=/bin:/sbin:/usr/bin:/usr/sbin\n');
  write(root, 'etc/fstab', '/dev/root / auto defaults 0 0\n');
}
