// "UML: Debug Reproducer...": a C file (a syzbot C reproducer or the user's own test program)
// built statically with the host compiler, and the launch "payload" that runs it in the guest.
// No vscode here: the integration spec builds and launches with these same functions.
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import type { PayloadBlock } from '../targets/payload/guestScripts';
import { MATCHERS } from '../tasks/problemMatchers';

export interface GccDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'note';
  message: string;
}

/**
 * gcc's arguments: static (the guest has none of the host's libraries), -O1 as syzbot builds,
 * -lpthread after the source (syzbot reproducers use threads).
 */
export function gccArgs(file: string, out: string): string[] {
  return ['-static', '-O1', '-o', out, file, '-lpthread'];
}

// The build tasks' gcc problem matcher: the same lines make the same Problems.
const GCC = MATCHERS.find((m) => m.name === 'uml-gcc')!;

/** gcc's `file:line:col: error: message` lines (also warnings, notes, and `fatal error`). */
export function parseGccDiagnostics(text: string, cwd = '/'): GccDiagnostic[] {
  const re = new RegExp(GCC.regexp);
  const out: GccDiagnostic[] = [];
  for (const l of text.split('\n')) {
    const m = re.exec(l);
    if (!m) continue;
    out.push({ file: path.resolve(cwd, m[GCC.file]), line: Number(m[GCC.line]), column: Number(m[GCC.column!]), severity: m[GCC.severity!] as GccDiagnostic['severity'], message: m[GCC.message] });
  }
  return out;
}

export interface BuildResult {
  ok: boolean;
  /** The static binary (ok). */
  binary: string;
  diagnostics: GccDiagnostic[];
  /** gcc's own words (a link error has no file:line). */
  stderr: string;
}

/** Builds `file` into `outDir` (the binary named after the source). gcc is run with an argument list, never a shell. */
export async function buildReproducer(file: string, outDir: string, gcc = 'gcc'): Promise<BuildResult> {
  fs.mkdirSync(outDir, { recursive: true });
  const binary = path.join(outDir, path.basename(file).replace(/\.c$/, '') || 'reproducer');
  fs.rmSync(binary, { force: true });
  const cwd = path.dirname(file);
  const r = await execa(gcc, gccArgs(file, binary), { cwd, reject: false, all: true });
  const stderr = (r.all ?? '').trim();
  if (r.failed && (r as { code?: string }).code === 'ENOENT') {
    return { ok: false, binary, diagnostics: [], stderr: `${gcc} not found: install the host compiler (Debian: sudo apt-get install build-essential; static linking needs libc6-dev).` };
  }
  return { ok: r.exitCode === 0 && fs.existsSync(binary), binary, diagnostics: parseGccDiagnostics(stderr, cwd), stderr };
}

/** The payload that runs the built reproducer after boot, stopping at a panic, an oops/BUG or a WARN. */
export function reproducerPayload(binary: string): PayloadBlock {
  return { commands: [`./${path.basename(binary)}`], files: [binary], name: 'reproducer', stopOn: ['panic', 'oops', 'warn'] };
}
