#!/usr/bin/env node
// Kconfig oracle: our language server's .config diagnostics judged by the kernel's own conf.
// For each seed: a randconfig settled by olddefconfig (a fixed point, so every "olddefconfig will
// make" warning on it is false), then 20 hand-style edits of it, diagnosed by us and settled by
// olddefconfig: precision/recall of our warnings, each false claim and each miss listed.
// Usage: node scripts/kconfigOracle.mjs [--version 6.1|6.12] [--seeds N] [--first S] [--out DIR];
// kconfigOracle() is the same for the integration spec (test/integration/kconfigOracle.test.ts).
// Needs out/ compiled (npx tsc -p tsconfig.json), or --out: another compiled copy (a snapshot
// that does not change under a running measurement). Runs make only for Kconfig targets.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MUTATIONS = 20;

/**
 * The oracle over `seeds` seeds from `first` on one tree (a clean linux-source tree: make O=
 * works there), with the server's code from `outDir`: the totals, and every wrong claim, miss and
 * fixed-point warning as a line. log: where progress goes.
 */
export async function kconfigOracle({ tree, version, seeds: nSeeds = 4, first = 1, outDir = new URL('../out', import.meta.url).pathname, log = console.log }) {
  const lib = resolve(outDir, 'src/kconfig');
  const require = createRequire(import.meta.url);
  const { indexKconfig, macroExpressions } = require(join(lib, 'kconfigParse.js'));
  const { KconfigEval, parseDotConfig } = require(join(lib, 'kconfigEval.js'));
  const { dotConfigDiagnostics } = require(join(lib, 'lang.js'));
  // Toolchain macros ($(cc-option,...) run for real) where this build of the server has them.
  const withMacros = existsSync(join(lib, 'macros.js')) && existsSync(join(lib, 'probes.js'));
  const { KconfigMacros, kconfigEnv } = withMacros ? require(join(lib, 'macros.js')) : {};
  const { ShellProbes } = withMacros ? require(join(lib, 'probes.js')) : {};
  const wrong = [];
  const console = { log: (l) => { if (/^ {2}(FP|FALSE|MISS)/.test(l)) wrong.push(`${version}: ${l.trim()}`); log(l); } };

  const tmp = mkdtempSync(join(tmpdir(), 'kconfig-oracle-'));
  let probes;
  const cleanup = () => { probes?.dispose(); rmSync(tmp, { recursive: true, force: true }); };

  const make = (out, target, env = {}) => execFileSync('make', ['-s', '-C', tree, `O=${out}`, 'ARCH=um', target],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

  const idx = indexKconfig(tree);
  console.log(`kconfig oracle: ${tree}, server code from ${lib}${withMacros ? ' (with toolchain macros)' : ''}`);
  let macros;
  const typeOf = (s) => (idx.symbols.get(s) ?? []).find((d) => d.type)?.type;
  const isTri = (s) => ['bool', 'tristate'].includes(typeOf(s));

  /**
   * The server's macros once its probes have all answered, as loadMacros()/warmProbes() in
   * src/kconfigServer.ts build them: env from the build's CC_VERSION_TEXT (else gcc's), variables
   * re-read after each round of answers; answers cached under our temp dir, not the user's cache.
   */
  async function loadMacros(built) {
    let cc = built.get('CC_VERSION_TEXT');
    if (!cc) try { cc = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0]; } catch { cc = ''; }
    const env = kconfigEnv(tree, cc);
    probes = new ShellProbes(env, join(tmp, 'probes.json'));
    for (;;) {
      const m = new KconfigMacros(env, probes.answer, idx.macros);
      for (const e of macroExpressions(idx)) m.expand(e);
      if (!probes.pending) return m;
      await probes.settled();
    }
  }

  /**
   * Our diagnostics for a build directory's own .config, constructed as src/kconfigServer.ts does:
   * loadConfig() reads <buildDir>/.config into `built` (re-read when the file changes on disk), and
   * dotConfigEval() evaluates a document named .config alone, with `built` as the toolchain values.
   */
  async function diagnose(dir) {
    const text = readFileSync(join(dir, '.config'), 'utf8');
    const built = parseDotConfig(text);                  // loadConfig(): the file on disk
    const own = parseDotConfig(text);                    // the document's text (same: saved)
    if (withMacros && !macros) macros = await loadMacros(built);
    const ev = new KconfigEval(idx, own, built, macros); // full .config: own alone, toolchain = built
    const diags = dotConfigDiagnostics(text, idx, ev);
    const lines = text.split('\n');
    const warnings = new Map();                          // symbol -> { value, message }
    const errors = [];
    for (const d of diags) {
      const sym = /CONFIG_(\w+)/.exec(lines[d.line])?.[1];
      if (d.severity === 'error') { errors.push(d.message); continue; }
      const m = /^olddefconfig will make CONFIG_\w+=(.*?), not /.exec(d.message);
      if (m && sym) warnings.set(sym, { value: m[1] === '""' ? '' : m[1], message: d.message });
    }
    return { warnings, errors, ev };
  }

  // mulberry32: small, seeded, reproducible across Node versions.
  function prng(seed) {
    let a = seed >>> 0;
    return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  }

  /** 20 edits as users make them; each touches its own symbol so the symbol's one line is the claim. */
  function mutate(text, seed) {
    const rnd = prng(seed * 2654435761);
    const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
    const lines = text.split('\n');
    const at = new Map();                                // symbol -> line index
    lines.forEach((l, i) => { const m = /^(?:# )?CONFIG_(\w+)[= ]/.exec(l); if (m) at.set(m[1], i); });
    const used = new Set();
    const appended = [];
    const done = [];
    const free = (re) => lines.map((l) => re.exec(l)?.[1]).filter((s) => s && !used.has(s));
    const kinds = {
      'y->n': () => { const s = pick(free(/^CONFIG_(\w+)=y$/)); if (s) { lines[at.get(s)] = `# CONFIG_${s} is not set`; return s; } },
      'm->n|y': () => { const s = pick(free(/^CONFIG_(\w+)=m$/)); if (s) { lines[at.get(s)] = rnd() < 0.5 ? `# CONFIG_${s} is not set` : `CONFIG_${s}=y`; return s; } },
      'n->y': () => { const s = pick(free(/^# CONFIG_(\w+) is not set$/)); if (s) { lines[at.get(s)] = `CONFIG_${s}=y`; return s; } },
      // Switch a choice: the new member's =y appended at the end, the old member's =y line left.
      // The new member's "is not set" line goes, so it has one line (conf and we take the last anyway).
      'choice': () => {
        const groups = new Map();
        for (const defs of idx.symbols.values()) for (const d of defs) if (d.choice) groups.set(d.choice, [...(groups.get(d.choice) ?? []), d.name]);
        const options = [];
        for (const names of groups.values()) {
          const on = names.find((n) => lines[at.get(n)] === `CONFIG_${n}=y`);
          const offs = names.filter((n) => lines[at.get(n)] === `# CONFIG_${n} is not set` && !used.has(n));
          if (on && !used.has(on) && offs.length) options.push([on, offs]);
        }
        if (!options.length) return;
        const [on, offs] = pick(options);
        const s = pick(offs);
        lines[at.get(s)] = null;
        appended.push(`CONFIG_${s}=y`);
        used.add(on);
        return `${s} (was ${on})`;
      },
      // Options conf did not write at all: their menu is invisible, i.e. their dependencies are unmet.
      'unmet': () => {
        const cands = [...idx.symbols.keys()].filter((s) => !at.has(s) && !used.has(s) && isTri(s) && idx.symbols.get(s).some((d) => d.prompts.length));
        const s = pick(cands);
        if (s) { appended.push(`CONFIG_${s}=y`); return s; }
      },
    };
    for (let tries = 0; done.length < MUTATIONS && tries < 500; tries++) {
      const kind = pick(Object.keys(kinds));
      const s = kinds[kind]();
      if (s) { used.add(s.split(' ')[0]); done.push(`${kind} ${s}`); }
    }
    const body = lines.filter((l) => l !== null).join('\n').replace(/\n*$/, '\n');
    return { text: body + appended.map((l) => `${l}\n`).join(''), done };
  }

  const totals = { fp: 0, fpErr: 0, claims: 0, right: 0, real: 0, hit: 0 };
  try {
    for (let seed = first; seed < first + nSeeds; seed++) {
      const out = join(tmp, `s${seed}`);
      const out2 = join(tmp, `s${seed}-mut`);
      const allconfig = join(tmp, `all${seed}`);
      writeFileSync(allconfig, seed % 2 === 0 ? 'CONFIG_MODULES=y\n' : '# CONFIG_MODULES is not set\n');
      make(out, 'randconfig', { KCONFIG_SEED: String(seed), KCONFIG_ALLCONFIG: allconfig });
      make(out, 'olddefconfig');
      console.log(`\n== ${version} seed ${seed} (MODULES=${seed % 2 === 0 ? 'y' : 'n'})`);

      // 1. Fixed point: conf would change nothing, so every warning (and unknown-symbol error) is false.
      const fp = await diagnose(out);
      console.log(`fixed point: ${fp.warnings.size} false warnings, ${fp.errors.length} unknown-symbol errors`);
      for (const [s, w] of fp.warnings) console.log(`  FP ${s}: ${w.message}`);
      for (const e of fp.errors) console.log(`  FP-ERR ${e}`);
      totals.fp += fp.warnings.size;
      totals.fpErr += fp.errors.length;

      // 2. Mutations: our claims on the edited file against what olddefconfig does to it.
      cpSync(out, out2, { recursive: true });
      const { text, done } = mutate(readFileSync(join(out, '.config'), 'utf8'), seed);
      writeFileSync(join(out2, '.config'), text);
      console.log(`mutations: ${done.join('; ')}`);
      const ours = await diagnose(out2);
      const before = parseDotConfig(text);
      make(out2, 'olddefconfig');
      const after = parseDotConfig(readFileSync(join(out2, '.config'), 'utf8'));
      const settled = (s) => after.get(s) ?? (isTri(s) ? 'n' : '');
      let claims = 0; let right = 0; let real = 0; let hit = 0;
      const lines = [];
      for (const [s, v] of before) {
        const a = settled(s);
        const changed = v !== a;
        const w = ours.warnings.get(s);
        if (w) {
          claims++;
          if (changed && a === w.value) right++;
          else lines.push(`  FALSE ${w.message} -- olddefconfig: ${changed ? `${v} -> ${a}` : `keeps ${v}`}`);
        }
        if (changed) {
          real++;
          if (w) hit++;
          else { const o = ours.ev.value(s); lines.push(`  MISS ${s}: ${v} -> ${a} (ours: ${o.value || '""'}, ${o.origin})`); }
        }
      }
      console.log(`mutated file: precision ${claims ? (right / claims).toFixed(2) : 'n/a'} (${right}/${claims}), recall ${real ? (hit / real).toFixed(2) : 'n/a'} (${hit}/${real})`);
      for (const l of lines) console.log(l);
      Object.assign(totals, { claims: totals.claims + claims, right: totals.right + right, real: totals.real + real, hit: totals.hit + hit });
    }
  } catch (e) {
    throw new Error(`kconfig oracle: failed: ${e.stderr ?? ''}${e.stack ?? e}`);
  } finally {
    cleanup();
  }
  const ratio = (a, b) => (b ? (a / b).toFixed(2) : 'n/a');
  console.log(`\nkconfig oracle ${version} seeds ${first}-${first + nSeeds - 1}: fixed-point false warnings ${totals.fp}${totals.fpErr ? ` (+${totals.fpErr} unknown-symbol errors)` : ''}; precision ${ratio(totals.right, totals.claims)} (${totals.right}/${totals.claims}), recall ${ratio(totals.hit, totals.real)} (${totals.hit}/${totals.real})`);
  return { totals, wrong };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
  const version = opt('version', '6.1');
  // The tests' clean KUnit tree of that version (built once, cached): make O= needs a clean tree.
  const tree = execFileSync('bash', [new URL('kunit-tree.sh', import.meta.url).pathname, version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  kconfigOracle({ tree, version, seeds: Number(opt('seeds', '4')), first: Number(opt('first', '1')), outDir: opt('out', undefined) ?? new URL('../out', import.meta.url).pathname })
    .then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });
}
