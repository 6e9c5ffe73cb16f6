// The launch as it happened: each phase's time from the launch request, kept in the session
// directory (timeline.json) so a slow F5 can be explained, and the overlap checked by tests.
import * as fs from 'fs';

export interface Mark { name: string; ms: number }

export class Timeline {
  readonly marks: Mark[] = [];
  private readonly t0 = performance.now();
  readonly startedAt = Date.now();
  private file: string | undefined;

  /** Records a phase (only its first time) and rewrites the file once it has one. */
  mark(name: string): void {
    if (this.marks.some((m) => m.name === name)) return;
    this.marks.push({ name, ms: Math.round(performance.now() - this.t0) });
    this.flush();
  }

  at(name: string): number | undefined { return this.marks.find((m) => m.name === name)?.ms; }

  writeTo(file: string): void { this.file = file; this.flush(); }

  toString(): string { return this.marks.map((m) => `${m.name} ${m.ms} ms`).join(', '); }

  private flush(): void {
    if (!this.file) return;
    try { fs.writeFileSync(this.file, JSON.stringify({ startedAt: this.startedAt, marks: this.marks }, null, 1)); } catch { /* the session dir went away: nothing to keep */ }
  }
}
