// The architecture's walls, read from the sources: the debug adapter (src/debugAdapter.ts) and
// the Kconfig language server (src/kconfigServer.ts), with everything they import, never import
// vscode, no MI text is written outside src/gdb/, and the layers keep their order: targets/ (what
// is debugged) never imports debug/ (the DAP face) or vscode, debug/ reads no raw MI and uses
// only the targets' public files.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
}

function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(f)) return f;
  return undefined;
}

/** Files an entry point reaches that import vscode, as import chains; and how many files it reaches. */
function vscodeImports(entry: string): { offenders: string[]; files: number } {
  const seen = new Set<string>();
  const offenders: string[] = [];
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec === 'vscode') offenders.push([...chain, path.relative(SRC, file)].join(' -> '));
      const next = resolve(file, spec);
      if (next) walk(next, [...chain, path.relative(SRC, file)]);
    }
  };
  walk(path.join(SRC, entry), []);
  return { offenders, files: seen.size };
}

test('the Kconfig language server (its own process) and all it imports never import vscode', () => {
  const r = vscodeImports('kconfigServer.ts');
  assert.ok(r.files >= 4, `the walk found the server's files (${r.files})`);
  assert.deepStrictEqual(r.offenders, []);
});

test('the debug adapter and all it imports never import vscode', () => {
  const r = vscodeImports('debugAdapter.ts');
  assert.ok(r.files > 10, `the walk found the adapter's files (${r.files})`);
  assert.deepStrictEqual(r.offenders, []);
});

test('no MI command text outside src/gdb/', () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (p !== path.join(SRC, 'gdb')) walk(p); continue; }
      if (!p.endsWith('.ts')) continue;
      fs.readFileSync(p, 'utf8').split('\n').forEach((l, i) => {
        if (/['`"]-(exec|break|var|data|stack|thread|target|gdb|interpreter|inferior)-[a-z-]+/.test(l)) offenders.push(`${path.relative(SRC, p)}:${i + 1}: ${l.trim()}`);
      });
    }
  };
  walk(SRC);
  assert.deepStrictEqual(offenders, []);
});

/** Every .ts file under src/<dir>, with the files it imports (resolved, relative to src/). */
function importGraph(dir: string): Array<{ file: string; imports: string[] }> {
  const out: Array<{ file: string; imports: string[] }> = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push({ file: path.relative(SRC, p), imports: importsOf(p).map((s) => (resolve(p, s) ? path.relative(SRC, resolve(p, s)!) : s)) });
    }
  };
  walk(path.join(SRC, dir));
  return out;
}

test('targets/ never imports debug/ or vscode', () => {
  const files = importGraph('targets');
  assert.ok(files.length >= 10, `the walk found targets/ (${files.length} files)`);
  const offenders = files.flatMap((f) => f.imports.filter((i) => i === 'vscode' || i.startsWith('debug/')).map((i) => `${f.file} -> ${i}`));
  assert.deepStrictEqual(offenders, []);
});

test('debug/ uses only the targets\' public files and reads no raw MI (gdb/mi.ts stays in src/gdb/)', () => {
  const PUBLIC = ['targets/target.ts', 'targets/launch.ts', 'targets/config.ts', 'targets/consoleTerminal.ts', 'targets/sessionFiles.ts'];
  const files = importGraph('debug');
  assert.ok(files.length >= 20, `the walk found debug/ (${files.length} files)`);
  const offenders = files.flatMap((f) => f.imports
    .filter((i) => (i.startsWith('targets/') && !PUBLIC.includes(i)) || i === 'gdb/mi.ts')
    .map((i) => `${f.file} -> ${i}`));
  assert.deepStrictEqual(offenders, []);
  // The check itself sees such imports: the runtime reaches the targets through their public files.
  assert.ok(files.find((f) => f.file === 'debug/runtime.ts')!.imports.includes('targets/target.ts'));
});
