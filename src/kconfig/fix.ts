// Changing a kernel .config the kernel's way: scripts/config, then olddefconfig (which may undo
// what a dependency forbids — so the doctor checks the result again). What to enable comes from
// the Kconfig engine: an option with the off dependencies it needs (lang.ts's enablePlan).
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { checkConfig, fixArgs, Finding } from './doctor';
import { indexKconfig } from './kconfigParse';
import { KconfigEval, parseDotConfig } from './kconfigEval';
import { enablePlan } from './lang';

/** The tree's .config; an O= build directory's (it has the Makefile kbuild writes); any other file through KCONFIG_CONFIG. */
async function olddefconfig(tree: string, configFile: string, cancelSignal?: AbortSignal): Promise<void> {
  const dir = path.dirname(configFile);
  if (dir === tree && path.basename(configFile) === '.config') await execa('make', ['ARCH=um', 'olddefconfig'], { cwd: tree, cancelSignal });
  else if (path.basename(configFile) === '.config' && fs.existsSync(path.join(dir, 'Makefile'))) await execa('make', ['ARCH=um', `O=${dir}`, 'olddefconfig'], { cwd: tree, cancelSignal });
  else await execa('make', ['ARCH=um', 'olddefconfig'], { cwd: tree, cancelSignal, env: { KCONFIG_CONFIG: configFile } });
}

/** The symbols to enable for `options`, each with the off dependencies it needs, dependencies first. */
export function plansFor(tree: string, configFile: string, options: string[]): string[] {
  const idx = indexKconfig(tree);
  const cfg = parseDotConfig(fs.readFileSync(configFile, 'utf8'));
  const ev = new KconfigEval(idx, cfg, cfg);
  const out: string[] = [];
  for (const o of options) for (const s of enablePlan(idx, ev, o)) if (!out.includes(s)) out.push(s);
  return out;
}

export async function fixConfig(tree: string, configFile: string, findings: Finding[], cancelSignal?: AbortSignal): Promise<Finding[]> {
  // Options that must be on bring the dependencies they lack (DEBUG_INFO follows from the DWARF choice).
  const wanted = findings.filter((f) => f.want === 'y' && f.option !== 'DEBUG_INFO').map((f) => f.option);
  const deps = plansFor(tree, configFile, wanted).filter((s) => !wanted.includes(s));
  await execa(path.join(tree, 'scripts', 'config'), [...fixArgs(configFile, findings), ...deps.flatMap((s) => ['--enable', s])], { cwd: tree, cancelSignal });
  await olddefconfig(tree, configFile, cancelSignal);
  return checkConfig(fs.readFileSync(configFile, 'utf8'));
}

/** "Enable with dependencies": the plan through scripts/config, then olddefconfig for a full .config. Returns the file before. */
export async function enableWithDependencies(tree: string, configFile: string, symbols: string[], runOlddefconfig: boolean, cancelSignal?: AbortSignal): Promise<string> {
  const before = fs.readFileSync(configFile, 'utf8');
  await execa(path.join(tree, 'scripts', 'config'), ['--file', configFile, ...symbols.flatMap((s) => ['--enable', s])], { cwd: tree, cancelSignal });
  if (runOlddefconfig) await olddefconfig(tree, configFile, cancelSignal);
  return before;
}
