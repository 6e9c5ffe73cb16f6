// mconsole against a real running guest: our wire-protocol client, through the relay.
import { test, before, after } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { testKernelDir, makeRootfs, removeRootfs } from '../support/testKernel';
import { startGuest, Guest } from '../support/guest';
import { mconsole, mconsoleSocket, MconsoleError } from '../../src/uml/mconsole';
import { mc as cmd } from '../../src/uml/mconsoleCommands';
import { uniqueUmid, waitGone } from '../support/dap';

const umlDir = path.join(os.homedir(), '.uml');
let rootfs: string;
let disk: string;
let g: Guest;
before(async () => {
  testKernelDir();
  rootfs = makeRootfs([
    'i=0',
    'while true; do',
    '  i=$((i+1)); echo "TICK $i"',
    '  dmesg | grep -q LOG-MARK-42 && echo SAW-LOG-MARK',
    '  [ -e /sys/block/ubdb ] && echo HAS-UBDB',
    '  sleep 0.2',
    'done',
  ].join('\n'));
  disk = path.join(os.tmpdir(), `uml-disk-${process.pid}.img`);
  execFileSync('truncate', ['-s', '8M', disk]);
  g = await startGuest(rootfs, uniqueUmid('mc'));
  await g.waitFor(/TICK 1\b/);
});
after(async () => {
  g?.kill();
  removeRootfs(rootfs);
  fs.rmSync(disk, { force: true });
});

// Generous: a loaded 2-core CI machine answers slowly; a guest that truly hangs still fails the test.
const mc = (cmd: string) => mconsole(mconsoleSocket(umlDir, g.umid), cmd, { timeoutMs: 15000 });
const ticks = () => (g.output().match(/TICK \d+/g) ?? []).length;

test('version matches the test kernel', async () => {
  const release = fs.readFileSync(path.join(testKernelDir(), 'include', 'config', 'kernel.release'), 'utf8').trim();
  const r = await mc('version');
  assert.strictEqual(r.ok, true);
  assert.match(r.text, new RegExp(`^Linux \\S+ ${release.replace(/\./g, '\\.')} `));
});

test('proc meminfo: a multi-part reply, joined', async () => {
  const r = await mc('proc meminfo');
  assert.strictEqual(r.ok, true);
  assert.match(r.text, /MemTotal:\s+\d+ kB/);
  assert.match(r.text, /VmallocTotal/);  // far past the first 511-byte part
  assert.ok(r.text.length > 511, `joined parts: ${r.text.length} bytes`);
});

test('sysrq: the reply carries the kernel\'s output', async () => {
  const r = await mc(cmd.sysrq('h'));
  assert.strictEqual(r.ok, true);
  assert.match(r.text, /sysrq: HELP : .*show-memory-usage\(m\)/);
  assert.strictEqual(r.incomplete, undefined);
});

test('stop pauses the whole guest, go resumes it', async () => {
  assert.strictEqual((await mc('stop')).ok, true);
  await new Promise((r) => setTimeout(r, 300));
  const n = ticks();
  await new Promise((r) => setTimeout(r, 1200));
  assert.strictEqual(ticks(), n, 'no tick while stopped');
  assert.strictEqual((await mc('go')).ok, true);
  await g.waitFor(new RegExp(`TICK ${n + 2}\\b`));
});

test('config adds a ubd device backed by a file; remove takes it away', async () => {
  const add = await mc(cmd.config(`ubd1=${disk}`));
  assert.strictEqual(add.ok, true, add.text);
  await g.waitFor(/HAS-UBDB/);
  assert.match((await mc('proc partitions')).text, /ubdb/);
  const rm = await mc(cmd.remove('ubd1'));
  assert.strictEqual(rm.ok, true, rm.text);
  assert.doesNotMatch((await mc('proc partitions')).text, /ubdb/);
});

test('log writes into the guest\'s kernel log', async () => {
  assert.strictEqual((await mc(cmd.log('LOG-MARK-42'))).ok, true);
  await g.waitFor(/SAW-LOG-MARK/);
});

test('ERR replies come back as not ok with the kernel\'s text', async () => {
  assert.deepStrictEqual(await mc('frobnicate'), { ok: false, text: 'Unknown command' });
  const r = await mc('proc no/such/file');
  assert.strictEqual(r.ok, false);
  assert.match(r.text, /Failed to open/);
});

test('halt ends the process and removes the instance directory; a dead socket is a clear error', async () => {
  const sock = mconsoleSocket(umlDir, g.umid);
  assert.strictEqual((await mc('halt')).ok, true);
  assert.deepStrictEqual(await waitGone(g.umid), []);
  await assert.rejects(mconsole(sock, 'version'), (e: Error) => e instanceof MconsoleError && /No UML instance listens on/.test(e.message));
});
