// The guest's console in the Debug Console: each line of a kernel trace carries its source line
// (DAP output events' `source` and `line`: VS Code shows a link beside the line). Decoded by a gdb
// of the adapter's own on the kernel's file (stacktrace/decode.ts), not the session's: the guest
// runs on, nothing stops for it. All the session's output keeps its order, and so do its stops
// and end (whenIdle): a trace's lines wait for their decoding (at most DECODE_MS), and whatever
// comes after them waits too; when nothing waits, everything passes straight through.
import type { TargetPlan } from '../targets/target';
import { linksInLine, TraceFrame } from '../stacktrace/traceParse';
import { DecodedEntry, StandaloneDecoder } from '../stacktrace/decode';

export type Send = (text: string, category: string, where?: { path: string; line: number }) => void;

const DECODE_MS = 2000;

export class TraceOutput {
  private decoder: StandaloneDecoder | undefined;
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly send: Send, private readonly plan: () => TargetPlan | undefined) {}

  /** Any output of the session: the guest console's ('stdout') is read for frames, the rest only kept in order. */
  push(text: string, category: string): void {
    const lines = category === 'stdout' ? text.split(/(?<=\n)/) : [text];
    const frames = lines.map((l) => linksInLine(l).find((k) => k.frame)?.frame);
    if (!frames.some(Boolean) && !this.pending) { this.send(text, category); return; }
    this.pending++;
    const decoded = this.decode(frames.filter((f): f is TraceFrame => !!f));
    this.tail = this.tail.then(async () => {
      const entries = await decoded;
      let plain = '';
      let i = 0;
      lines.forEach((l, k) => {
        if (!frames[k]) { plain += l; return; }
        if (plain) { this.send(plain, category); plain = ''; }
        const top = entries[i++]?.frames[0];
        this.send(l, category, top?.file ? { path: top.file, line: top.line } : undefined);
      });
      if (plain) this.send(plain, category);
    }).finally(() => { this.pending--; });
  }

  /** Everything pushed has been sent (the session's last words come before its end). */
  flush(): Promise<void> { return this.tail; }

  /** `fn` once everything pushed so far has been sent: at once when nothing waits (a stop comes after the output before it). */
  whenIdle(fn: () => void): void {
    if (!this.pending) fn();
    else void this.tail.then(fn);
  }

  private async decode(frames: TraceFrame[]): Promise<DecodedEntry[]> {
    if (!frames.length) return [];
    const p = this.plan();
    if (!p) return [];
    this.decoder ??= new StandaloneDecoder(p.kernel.kernel, { gdbPath: p.gdbPath, indexCacheDir: p.indexCacheDir, helperDir: p.sessionDir, moduleDirs: [p.kernel.buildDir] });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<DecodedEntry[]>((resolve) => { timer = setTimeout(() => resolve([]), DECODE_MS); });
    // No line is lost for want of its link: a decoder that fails or is late leaves the lines plain.
    return Promise.race([this.decoder.decode(frames).catch(() => []), late]).finally(() => clearTimeout(timer));
  }

  dispose(): void { this.decoder?.dispose(); }
}
