#!/usr/bin/env node
// The benchmark's Kconfig stage: the language server as a process on the test kernel's tree:
// index time (cold start of the server), its resident memory with the tree indexed, re-parse
// of an edited Kconfig file (edit -> diagnostics), and a hover, each printed with its target.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { median, pollUntil } from '../test/support/shared.cjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

export async function benchKconfig({ log = console.log } = {}) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'ignore' });
  const { startKconfigServer, uriOf } = require(join(root, 'out/test/support/lspClient.js'));
  const tree = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const s = await startKconfigServer(tree);
  try {
    const st = await s.status;
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8'))[1]) / 1024;
    const file = join(tree, 'init/Kconfig');
    const uri = uriOf(file);
    const text = readFileSync(file, 'utf8');
    const diagnosed = async (version, body) => {
      s.diagnostics.delete(uri);
      const t0 = performance.now();
      if (version === 1) await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'kconfig', version, text: body } });
      else await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: body }] });
      await pollUntil(() => s.diagnostics.has(uri), Infinity, 1);
      return performance.now() - t0;
    };
    await diagnosed(1, text);   // the first also scans every Kconfig for the undefined-symbol check
    const edits = [];
    for (let v = 2; v < 7; v++) edits.push(await diagnosed(v, `${text}\n# edit ${v}\n`));
    const t0 = performance.now();
    await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(join(tree, 'arch/um/Kconfig')) }, position: { line: 127, character: 9 } });
    const hover = performance.now() - t0;
    log(`Kconfig language server: ${st.symbols} symbols from ${st.files} files indexed in ${st.ms} ms (target < 1000 ms ${st.ms < 1000 ? 'OK' : 'MISS'}); resident ${Math.round(rss)} MB (target < 150 MB ${rss < 150 ? 'OK' : 'MISS'}); edit init/Kconfig -> diagnostics ${median(edits).toFixed(1)} ms (target < 50 ms ${median(edits) < 50 ? 'OK' : 'MISS'}); hover ${hover.toFixed(1)} ms`);
  } finally {
    await s.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchKconfig().then(() => process.exit(0), (e) => { console.error(`bench kconfig: failed: ${e.stack ?? e}`); process.exit(1); });
}
