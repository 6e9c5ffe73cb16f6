#!/usr/bin/env node
// The benchmark's stack trace stage: a 50-frame trace in UML's form (`[<ADDR>] func+0xOFF/0xSIZE`,
// functions picked from the test kernel's symbols, new each run) decoded with no session:
//   cold: our gdb started on the kernel (index cache warm), then the 50 frames (target < 1 s);
//   warm: the same gdb again (the next click or Decode);
// against the raw tool on the same addresses: `addr2line -i -f` (what decode_stacktrace.sh runs).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { median } from '../test/support/shared.cjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** 50 text symbols of the kernel with a size, spread over it, each at an offset inside it. */
function traceOf(kernel, seed) {
  const syms = execFileSync('nm', ['-S', '--defined-only', kernel], { encoding: 'utf8', maxBuffer: 256 << 20 }).split('\n')
    .map((l) => l.split(' ')).filter((p) => p.length === 4 && /^[tT]$/.test(p[2]) && /^[a-z_][\w]*$/.test(p[3]) && parseInt(p[1], 16) > 8);
  const picked = [];
  for (let i = 0; i < 50; i++) {
    const [addr, size, , name] = syms[(seed * 7919 + i * 104729) % syms.length];
    const s = parseInt(size, 16);
    const off = 1 + ((seed + i * 31) % (s - 1));
    picked.push({ addr: (BigInt(`0x${addr}`) + BigInt(off)).toString(16), line: ` [<${(BigInt(`0x${addr}`) + BigInt(off)).toString(16)}>] ${name}+0x${off.toString(16)}/0x${s.toString(16)}` });
  }
  return { text: ['Call Trace:', ...picked.map((p) => p.line)].join('\n'), addrs: picked.map((p) => p.addr) };
}

export async function benchTrace({ runs = 3, log = console.log } = {}) {
  const { StandaloneDecoder } = require(join(root, 'out/src/stacktrace/decode.js'));
  const { decodeTrace } = require(join(root, 'out/src/stacktrace/decodeTrace.js'));
  const kernel = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop() + '/linux';
  const indexCacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'uml-kernel-debug', 'gdb-index');
  const rows = [];
  for (let r = 0; r < runs; r++) {
    const { text, addrs } = traceOf(kernel, Math.floor(Date.now() / 1000) + r);
    const d = new StandaloneDecoder(kernel, { indexCacheDir });
    try {
      let t = performance.now();
      const cold = await decodeTrace(text, d);
      const c = performance.now() - t;
      t = performance.now();
      const warm = await decodeTrace(text, d);
      const w = performance.now() - t;
      const bad = [...cold.entries, ...warm.entries].filter((e) => e.error || !e.frames[0]?.file).length;
      if (bad) throw new Error(`bench trace: ${bad} of 100 frames not decoded`);
      t = performance.now();
      execFileSync('addr2line', ['-i', '-f', '-e', kernel, ...addrs], { encoding: 'utf8' });
      const a = performance.now() - t;
      rows.push({ c, w, a });
      log(`trace run ${r + 1}/${runs}: cold ${c.toFixed(0)} ms, warm ${w.toFixed(0)} ms | addr2line -i ${a.toFixed(0)} ms`);
    } finally {
      d.dispose();
    }
  }
  const med = (k) => median(rows.map((x) => x[k]));
  log(`decode a 50-frame trace (no session, our gdb on the kernel, index cache warm): cold ${med('c').toFixed(0)} ms (target < 1000 ms ${med('c') < 1000 ? 'OK' : 'MISS'}), warm ${med('w').toFixed(0)} ms; raw addr2line -i on the same addresses ${med('a').toFixed(0)} ms, ratio cold ${(med('c') / med('a')).toFixed(2)}, warm ${(med('w') / med('a')).toFixed(2)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTrace();
