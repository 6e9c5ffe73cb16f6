// Runs inside the VS Code terminal that shows the guest console. It reports the terminal's
// tty to the adapter and waits, never reading stdin: every key typed goes to the kernel.
import * as fs from 'fs';
import { spawnSync } from 'child_process';

const ttyFile = process.argv[2];
if (!ttyFile) {
  process.stderr.write('usage: consoleTty.js TTY_FILE\n');
  process.exit(2);
}
const tty = fs.readlinkSync('/proc/self/fd/0');
fs.writeFileSync(`${ttyFile}.tmp`, tty);
fs.renameSync(`${ttyFile}.tmp`, ttyFile);

const hold = process.argv.includes('--hold');
const done = () => {
  clearInterval(watch);
  // UML leaves the terminal raw; give the user back a sane one.
  spawnSync('stty', ['sane'], { stdio: 'inherit' });
  process.stdout.write(`\r\n[UML guest console closed]${hold ? ' Press any key to close this terminal.' : ''}\r\n`);
  if (!hold) process.exit(0);
  // No shell behind this terminal: keep the guest's last words on screen until a key press.
  process.stdin.setRawMode?.(true);
  process.stdin.once('data', () => process.exit(0));
};
const watch = setInterval(() => { if (!fs.existsSync(ttyFile)) done(); }, 300);
process.on('SIGHUP', () => process.exit(0));
