// Applies the doctor's fixes: scripts/config, then olddefconfig (which may undo what a
// dependency forbids — so the result is checked again).
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { checkConfig, fixArgs, Finding } from './doctor';

export async function fixConfig(tree: string, configFile: string, findings: Finding[], cancelSignal?: AbortSignal): Promise<Finding[]> {
  await execa(path.join(tree, 'scripts', 'config'), fixArgs(configFile, findings), { cwd: tree, cancelSignal });
  const o = path.dirname(configFile) === tree ? [] : [`O=${path.dirname(configFile)}`];
  await execa('make', ['ARCH=um', ...o, 'olddefconfig'], { cwd: tree, cancelSignal });
  return checkConfig(fs.readFileSync(configFile, 'utf8'));
}
