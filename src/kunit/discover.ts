// KUnit tests found in C source, without building anything: `struct kunit_case NAME[] = {
// KUNIT_CASE(fn), KUNIT_CASE_PARAM(fn, gen), ... }`, `struct kunit_suite VAR = { .name = "...",
// .test_cases = NAME }`, registered by kunit_test_suite(s)(...). Lines are 1-based; a case
// points at its test function when the file defines it, else at its KUNIT_CASE line.

import { promises as fsp } from 'fs';
import * as path from 'path';
import { walkFiles } from '../uml/treeWalk';

export interface KunitCase { name: string; line: number; param: boolean }
export interface KunitSuite { name: string; line: number; variable: string; cases: KunitCase[] }

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Comments out of the way (same length, newlines kept), so positions and lines stay true. */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
}

export function discoverKunit(source: string): KunitSuite[] {
  if (!/kunit_(case|suite)/.test(source)) return [];
  const text = blankComments(source);
  // Case arrays, by variable name.
  const arrays = new Map<string, KunitCase[]>();
  for (const m of text.matchAll(/struct\s+kunit_case\s+(\w+)\s*\[\s*\]\s*=\s*\{([\s\S]*?)\n\s*\}\s*;/g)) {
    const bodyStart = m.index! + m[0].indexOf('{');
    const cases: KunitCase[] = [];
    for (const c of m[2].matchAll(/KUNIT_CASE(_PARAM|_PARAM_ATTR|_ATTR|_SLOW)?\s*\(\s*(\w+)/g)) {
      const fn = c[2];
      const def = new RegExp(`\\n[^\\n;]*\\b${fn}\\s*\\(\\s*struct\\s+kunit\\s*\\*`).exec(text);
      cases.push({ name: fn, param: !!c[1] && c[1].startsWith('_PARAM'), line: def ? lineAt(text, def.index + 1) : lineAt(text, bodyStart + 1 + c.index!) });
    }
    arrays.set(m[1], cases);
  }
  // Suites: the structure's .name and .test_cases.
  const suites = new Map<string, KunitSuite>();
  for (const m of text.matchAll(/struct\s+kunit_suite\s+(\w+)\s*=\s*\{([\s\S]*?)\n\s*\}\s*;/g)) {
    const name = /\.name\s*=\s*"([^"]+)"/.exec(m[2])?.[1];
    const casesVar = /\.test_cases\s*=\s*(\w+)/.exec(m[2])?.[1];
    if (!name) continue;
    suites.set(m[1], { name, variable: m[1], line: lineAt(text, m.index!), cases: (casesVar && arrays.get(casesVar)) || [] });
  }
  // Registered ones, in registration order; a file that defines suites but registers them
  // through a macro of its own still lists them.
  const registered: KunitSuite[] = [];
  for (const m of text.matchAll(/kunit_test_(?:init_section_)?suites?\s*\(([^;]*)\)\s*;/g)) {
    for (const v of m[1].split(',').map((x) => x.replace(/[&\s()]/g, ''))) {
      const s = suites.get(v);
      if (s && !registered.includes(s)) registered.push(s);
    }
  }
  for (const s of suites.values()) if (!registered.includes(s)) registered.push(s);
  return registered;
}

/**
 * The tree's .c files whose path says test or kunit: every KUnit test in 6.1 lives in one (68
 * of 68), and reading only those keeps discovery of the whole tree well under a second.
 */
export async function candidateFiles(tree: string, cancelled: () => boolean = () => false): Promise<string[]> {
  const out: string[] = [];
  await walkFiles(tree, (p, name) => { if (name.endsWith('.c') && /test|kunit/i.test(path.relative(tree, p))) out.push(p); }, { stop: cancelled });
  return out.sort();
}

/** Every suite of the tree, by file (relative path). */
export async function discoverTree(tree: string): Promise<Map<string, KunitSuite[]>> {
  const found = new Map<string, KunitSuite[]>();
  await Promise.all((await candidateFiles(tree)).map(async (f) => {
    const text = await fsp.readFile(f, 'utf8').catch(() => '');
    const suites = text.includes('kunit') ? discoverKunit(text) : [];
    if (suites.length) found.set(path.relative(tree, f), suites);
  }));
  return found;
}
