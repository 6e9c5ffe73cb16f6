// Source paths between the kernel's debug info and the files the user has open: a kernel built
// in another directory (another machine, a container), a tree opened through a symlink. gdb's
// substitute-path does the rewriting, so frames, breakpoints and disassembly all agree.
import * as fs from 'fs';
import * as path from 'path';

export interface SourceMapping { from: string; to: string; why: 'sourceFileMap' | 'kernel directory' }

/** From `info source` after `list start_kernel`: where the kernel was compiled, and the file. */
export function parseInfoSource(text: string): { compDir?: string; file?: string } {
  return {
    compDir: /^Compilation directory is (.+)$/m.exec(text)?.[1]?.trim(),
    file: /^Current source file is (.+)$/m.exec(text)?.[1]?.trim(),
  };
}

/**
 * The mappings for a session: the user's sourceFileMap as given, then the automatic one. The
 * kernel binary's directory, as the user named it (not resolved through symlinks), is where the
 * user's sources are when it holds the probe file: the compiled-in directory is mapped there
 * whenever it differs (moved, built elsewhere, or reached through a symlink).
 */
export function sourceMappings(o: { sourceFileMap?: Record<string, string>; compDir?: string; file?: string; kernelDir: string; exists?: (p: string) => boolean }): SourceMapping[] {
  const exists = o.exists ?? fs.existsSync;
  const out: SourceMapping[] = Object.entries(o.sourceFileMap ?? {}).map(([from, to]) => ({ from: strip(from), to: strip(to), why: 'sourceFileMap' as const }));
  const { compDir, file } = o;
  if (compDir && file && !path.isAbsolute(file) && strip(compDir) !== strip(o.kernelDir)
    && !out.some((m) => isUnder(compDir, m.from)) && exists(path.join(o.kernelDir, file))) {
    out.push({ from: strip(compDir), to: strip(o.kernelDir), why: 'kernel directory' });
  }
  return out;
}

const strip = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
const isUnder = (p: string, dir: string) => strip(p) === strip(dir) || p.startsWith(`${strip(dir)}/`);

/** gdb commands for the mappings (paths may hold spaces: substitute-path takes them quoted). */
export function substitutePathCommands(maps: SourceMapping[]): string[] {
  for (const m of maps) if (/["\n]/.test(m.from + m.to)) throw new Error(`sourceFileMap: a path with a quote or newline cannot be given to gdb: ${m.from} -> ${m.to}`);
  return maps.map((m) => `set substitute-path "${m.from}" "${m.to}"`);
}

/**
 * Asks gdb where the kernel was compiled (`list` makes start_kernel's file current; `info
 * source` then names its compilation directory) and sets the mappings. Returns them.
 */
export async function applySourceMappings(gdb: { consoleExec(cmd: string): Promise<string> }, o: { sourceFileMap?: Record<string, string>; kernelDir: string }): Promise<SourceMapping[]> {
  await gdb.consoleExec('list start_kernel,start_kernel').catch(() => '');  // fails when the file is missing: the directory is still known
  const info = parseInfoSource(await gdb.consoleExec('info source').catch(() => ''));
  const maps = sourceMappings({ ...o, ...info });
  for (const cmd of substitutePathCommands(maps)) await gdb.consoleExec(cmd);
  return maps;
}

/**
 * Frames name the file the user set breakpoints on: when gdb's path and the user's are the same
 * file by another name (a symlink), the user's wins.
 */
export class ClientPaths {
  private byReal = new Map<string, string>();
  private cache = new Map<string, string>();

  remember(userPath: string): void {
    const real = realOrSelf(userPath);
    if (real !== userPath) { this.byReal.set(real, userPath); this.cache.clear(); }
  }

  toClient(gdbPath: string): string {
    let p = this.cache.get(gdbPath);
    if (p === undefined) {
      p = this.byReal.size ? this.byReal.get(realOrSelf(gdbPath)) ?? gdbPath : gdbPath;
      this.cache.set(gdbPath, p);
    }
    return p;
  }
}

function realOrSelf(p: string): string {
  try { return fs.realpathSync(p); } catch { return p; }
}
