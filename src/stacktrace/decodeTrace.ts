// A whole trace decoded: its frames through a Decoder (session or standalone gdb), refused when
// the kernel it names is not the one the decoder reads (its lines would be wrong), and written
// out as decode_stacktrace.sh lays it out, with each frame's source line beside it. No vscode.
import * as fs from 'fs';
import * as path from 'path';
import { linksInLine, parseTrace, otherBuild, KernelIdentity, TraceLink } from './traceParse';
import type { Decoder, DecodedEntry, SourceFrame } from './decode';

export interface DecodedTrace {
  text: string;
  links: TraceLink[];
  /** Per frame link (same order as links.filter(l => l.frame)). */
  entries: DecodedEntry[];
  banner?: string;
}

export class OtherBuildError extends Error {
  constructor(readonly trace: string, readonly ours: string, readonly kernel: string) {
    super(`This trace is from ${trace}, not from the kernel being read (${ours.trim()}, ${kernel}): its addresses would point to the wrong lines. Open the tree it was built from, or set umlKernelDebug.buildDir to that build.`);
  }
}

/**
 * Decodes every frame of `text`; throws OtherBuildError for another build's trace (checked after
 * the frames: a session's answer carries its banner, so that costs no second request).
 */
export async function decodeTrace(text: string, decoder: Decoder): Promise<DecodedTrace> {
  const { links, kernel: named } = parseTrace(text);
  const entries = await decoder.decode(links.filter((l) => l.frame).map((l) => l.frame!));
  const banner = await checkSameBuild(named, decoder);
  return { text, links, entries, banner };
}

/** Throws OtherBuildError when the trace names another kernel than the decoder's; its banner. */
export async function checkSameBuild(named: KernelIdentity | undefined, decoder: Decoder): Promise<string | undefined> {
  const banner = await decoder.banner();
  const other = banner ? otherBuild(named, banner) : undefined;
  if (other) throw new OtherBuildError(other, banner!, decoder.kernel);
  return banner;
}

/**
 * The first source position a line of kernel output prints (`EXPECTATION FAILED at
 * lib/list-test.c:33`, `WARNING: ... at file:line`), as a file of `tree` that exists.
 */
export function printedPosition(text: string, tree: string): { file: string; line: number } | undefined {
  for (const l of linksInLine(text)) {
    if (!l.file) continue;
    const file = path.resolve(tree, l.file);
    if (fs.existsSync(file)) return { file, line: l.fileLine! };
  }
  return undefined;
}

/** A source line's text (trimmed), or undefined when the file is not readable. */
export function sourceLine(file: string | undefined, line: number, cache = new Map<string, string[] | null>()): string | undefined {
  if (!file || line < 1) return undefined;
  if (!cache.has(file)) {
    try { cache.set(file, fs.readFileSync(file, 'utf8').split('\n')); } catch { cache.set(file, null); }
  }
  return cache.get(file)?.[line - 1]?.trim();
}

const rel = (file: string, root: string | undefined) => (root && file.startsWith(root + path.sep) ? file.slice(root.length + 1) : file);

/** `func (file:line)` lines for one entry: inlined ones first, marked as decode_stacktrace.sh marks them. */
export function entryLines(e: DecodedEntry, root?: string): string[] {
  if (e.error) return [`(not decoded: ${e.error})`];
  if (!e.frames.length) return ['(no symbol at this address)'];
  return e.frames.map((f: SourceFrame, i) => `${i < e.frames.length - 1 ? `${f.func ?? '??'} (inlined by)` : (f.func ?? '??')} ${f.file ? `${rel(f.file, root)}:${f.line}` : '(no line info)'}`);
}

/**
 * The decoded document: each trace line as printed, and under each frame its source frames and
 * their source lines. Returns the text and where each source position sits (for links).
 */
export function decodedDocument(t: DecodedTrace, root?: string): { text: string; targets: Array<{ line: number; start: number; length: number; file: string; fileLine: number }> } {
  const out: string[] = [];
  const targets: Array<{ line: number; start: number; length: number; file: string; fileLine: number }> = [];
  const byLine = new Map<number, number[]>();
  t.links.filter((l) => l.frame).forEach((l, i) => byLine.set(l.line, [...(byLine.get(l.line) ?? []), i]));
  const cache = new Map<string, string[] | null>();
  t.text.split(/\r?\n/).forEach((l, n) => {
    out.push(l);
    for (const i of byLine.get(n) ?? []) {
      const e = t.entries[i];
      const lines = entryLines(e, root);
      lines.forEach((text, k) => {
        const f = e.frames[k];
        const src = f ? sourceLine(f.file, f.line, cache) : undefined;
        const prefix = '    => ';
        const row = `${prefix}${text}${src ? `    | ${src}` : ''}`;
        if (f?.file) {
          const pos = `${rel(f.file, root)}:${f.line}`;
          targets.push({ line: out.length, start: row.indexOf(pos), length: pos.length, file: f.file, fileLine: f.line });
        }
        out.push(row);
      });
    }
  });
  return { text: out.join('\n'), targets };
}
