// Frames of a kernel trace to source lines, through gdb's Python (`uml-decode`, decodePython.ts):
// the session's gdb (a module loaded there resolves at its load address), or, with no session,
// a gdb of our own on the workspace's kernel, kept a while for the next click. No vscode.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Gdb } from '../gdb/gdb';
import { MiCommands } from '../gdb/commands';
import { DECODE_PY } from '../gdb/decodePython';
import { moduleKey, modulesOrder } from '../debug/moduleFiles';
import { gdbSymbolFile } from '../debug/moduleElf';
import { elfLayout, withElfFile } from '../uml/elf';
import type { TraceFrame } from './traceParse';

export interface SourceFrame { func?: string; file?: string; line: number }
/** One trace frame resolved: its source frames, inlined ones first (as `addr2line -i`). */
export interface DecodedEntry { pc?: string; frames: SourceFrame[]; objfile?: string; error?: string }

/** What gdb is asked: the address when the kernel printed one (else, or for a module not loaded at it, the symbol and offset). */
export function decodeArgument(frames: TraceFrame[]): string {
  return JSON.stringify(frames.map((f) => ({ addr: f.addr ? `0x${f.addr}` : null, func: f.func ?? null, off: f.off ?? 0, size: f.size ?? 0, module: f.module ?? null })));
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

// Where a module read on its own goes (no session: nothing tells its load address): each module
// 4 GiB apart, each of its sections 16 MiB apart, far from the kernel's own addresses.
const MODULE_BASE = 0x2000_0000_0000n;
const moduleAddresses = (index: number, sections: string[]) =>
  Object.fromEntries(sections.map((s, i) => [s, MODULE_BASE + BigInt(index) * 0x1_0000_0000n + BigInt(i) * 0x100_0000n]));

/** A module's sections gdb places: its code and data (not relocations, notes or debug info). */
function loadedSections(ko: string): string[] {
  const names = withElfFile(ko, (readAt) => elfLayout(readAt).sections.filter((s) => s.size > 0).map((s) => s.name));
  return names.filter((n) => /^\.(text|init\.text|exit\.text|noinstr\.text|rodata|data|bss)\b/.test(n) || /^\.[\w.]*text$/.test(n));
}

/**
 * gdb on a kernel binary, for traces read with no session: started on first use (the index
 * cache makes it quick), ended after five idle minutes or by dispose(). One request at a time.
 */
export class StandaloneDecoder implements Decoder {
  private gdb: Gdb | undefined;
  private ready: Promise<MiCommands> | undefined;
  private idle: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** Modules whose .ko this gdb has read, by moduleKey (false: looked for, not found). */
  private modules = new Map<string, boolean>();

  /**
   * `moduleDirs`: build directories whose modules.order lists .ko files (the kernel's build
   * directory for in-tree modules, an M= directory for out-of-tree ones), read for frames that
   * name a module. `helperDir`: where the helper script and rewritten .ko copies go.
   */
  constructor(readonly kernel: string, private readonly o: { gdbPath?: string; indexCacheDir: string; helperDir?: string; moduleDirs?: string[] }) {}

  /** The .ko of each module the frames name, read once (found through modules.order). */
  private async readModules(mi: MiCommands, frames: TraceFrame[]): Promise<void> {
    for (const name of new Set(frames.flatMap((f) => (f.module ? [moduleKey(f.module)] : [])))) {
      if (this.modules.has(name)) continue;
      const ko = (this.o.moduleDirs ?? []).map((d) => modulesOrder(d).get(name)).find(Boolean);
      this.modules.set(name, !!ko);
      if (!ko) continue;
      // A 6.4+ .ko has section addresses of its own: gdb reads a copy without them, as in a session.
      const file = gdbSymbolFile(ko, path.join(this.o.helperDir ?? os.tmpdir(), 'uml-decode-modules')).file;
      const at = moduleAddresses([...this.modules.values()].filter(Boolean).length - 1, loadedSections(ko));
      await mi.addSymbolFile(file, at['.text'] ?? MODULE_BASE, at);
    }
  }

  private start(): Promise<MiCommands> {
    if (this.ready) return this.ready;
    this.ready = (async () => {
      const gdb = Gdb.start({ gdbPath: this.o.gdbPath ?? 'gdb' });
      this.gdb = gdb;
      gdb.on('exit', () => { if (this.gdb === gdb) { this.gdb = undefined; this.ready = undefined; this.modules.clear(); } });
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

  decode(frames: TraceFrame[]): Promise<DecodedEntry[]> {
    return this.use(async (d) => { await this.readModules(await this.start(), frames); return d.decode(frames); });
  }
  banner(): Promise<string | undefined> { return this.use((d) => d.banner()); }

  dispose(): void {
    clearTimeout(this.idle);
    const g = this.gdb;
    this.gdb = undefined;
    this.ready = undefined;
    this.modules.clear();
    if (g) void g.exit().catch(() => g.kill());
  }
}
