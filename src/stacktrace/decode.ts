// Frames of a kernel trace to source lines, through gdb's Python (`uml-decode`, decodePython.ts):
// the session's gdb (a module loaded there resolves at its load address), or, with no session,
// a gdb of our own on the workspace's kernel, kept a while for the next click. No vscode.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Gdb } from '../gdb/gdb';
import { MiCommands } from '../gdb/commands';
import { DECODE_PY } from '../gdb/decodePython';
import type { TraceFrame } from './traceParse';

export interface SourceFrame { func?: string; file?: string; line: number }
/** One trace frame resolved: its source frames, inlined ones first (as `addr2line -i`). */
export interface DecodedEntry { pc?: string; frames: SourceFrame[]; objfile?: string; error?: string }

/** What gdb is asked: the address when the kernel printed one, else the symbol and offset. */
export function decodeArgument(frames: TraceFrame[]): string {
  return JSON.stringify(frames.map((f) => (f.addr ? { addr: `0x${f.addr}` } : { func: f.func, off: f.off ?? 0, size: f.size ?? 0, module: f.module ?? null })));
}

/** `uml-decode`'s output, one entry per frame asked (a missing line is an error entry). */
export function parseDecodeOutput(text: string, count: number): DecodedEntry[] {
  const entries: DecodedEntry[] = [];
  for (const l of text.split('\n')) {
    if (!l.startsWith('{')) continue;
    try { entries.push(JSON.parse(l) as DecodedEntry); } catch { entries.push({ frames: [], error: `unreadable answer: ${l}` }); }
  }
  while (entries.length < count) entries.push({ frames: [], error: 'gdb gave no answer for this frame' });
  return entries.slice(0, count).map((e) => ({ ...e, frames: e.frames ?? [] }));
}

/** The kernel's own banner (`linux_banner`), as gdb reads it from the debug info. */
export const BANNER_COMMAND = 'python import gdb; gdb.write(gdb.parse_and_eval("(const char *)linux_banner").string() + "\\n")';

export interface Decoder {
  /** The kernel binary whose debug info answers. */
  readonly kernel: string;
  decode(frames: TraceFrame[]): Promise<DecodedEntry[]>;
  /** The kernel's `Linux version ...` line (to refuse a trace from another build). */
  banner(): Promise<string | undefined>;
}

/** A decoder over an MI channel whose gdb has sourced DECODE_PY (the session's, or ours). */
export function miDecoder(mi: MiCommands, kernel: string): Decoder {
  return {
    kernel,
    async decode(frames) {
      if (!frames.length) return [];
      return parseDecodeOutput(await mi.consoleExec(`uml-decode ${decodeArgument(frames)}`), frames.length);
    },
    async banner() {
      return (await mi.consoleExec(BANNER_COMMAND).catch(() => '')).trim() || undefined;
    },
  };
}

const IDLE_MS = 5 * 60_000;

/**
 * gdb on a kernel binary, for traces read with no session: started on first use (the index
 * cache makes it quick), ended after five idle minutes or by dispose(). One request at a time.
 */
export class StandaloneDecoder implements Decoder {
  private gdb: Gdb | undefined;
  private ready: Promise<MiCommands> | undefined;
  private idle: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly kernel: string, private readonly o: { gdbPath?: string; indexCacheDir: string; helperDir?: string }) {}

  private start(): Promise<MiCommands> {
    if (this.ready) return this.ready;
    this.ready = (async () => {
      const gdb = Gdb.start({ gdbPath: this.o.gdbPath ?? 'gdb' });
      this.gdb = gdb;
      gdb.on('exit', () => { if (this.gdb === gdb) { this.gdb = undefined; this.ready = undefined; } });
      const mi = new MiCommands(gdb);
      const dir = fs.mkdtempSync(path.join(this.o.helperDir ?? os.tmpdir(), 'uml-decode-'));
      const helper = path.join(dir, 'decode.py');
      fs.writeFileSync(helper, DECODE_PY);
      try {
        for (const c of ['set pagination off', 'set confirm off', `set index-cache directory ${this.o.indexCacheDir}`, 'set index-cache enabled on', `file ${this.kernel}`, `source ${helper}`]) await mi.consoleExec(c);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return mi;
    })();
    this.ready.catch(() => this.dispose());
    return this.ready;
  }

  private use<T>(fn: (d: Decoder) => Promise<T>): Promise<T> {
    const r = this.queue.then(async () => {
      clearTimeout(this.idle);
      try {
        return await fn(miDecoder(await this.start(), this.kernel));
      } finally {
        this.idle = setTimeout(() => this.dispose(), IDLE_MS);
        this.idle.unref?.();
      }
    });
    this.queue = r.catch(() => undefined);
    return r;
  }

  decode(frames: TraceFrame[]): Promise<DecodedEntry[]> { return this.use((d) => d.decode(frames)); }
  banner(): Promise<string | undefined> { return this.use((d) => d.banner()); }

  dispose(): void {
    clearTimeout(this.idle);
    const g = this.gdb;
    this.gdb = undefined;
    this.ready = undefined;
    if (g) void g.exit().catch(() => g.kill());
  }
}
