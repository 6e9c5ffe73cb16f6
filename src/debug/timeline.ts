// The launch as it happened: each phase's time from the launch request, kept in the session
// directory (timeline.json) so a slow F5 can be explained, and the overlap checked by tests.
// What happened before the launch request (the extension host's configuration checks, the
// adapter's creation and initialize) comes as wall-clock marks: `before`, with the whole F5 from
// its first step in toString().
import * as fs from 'fs';
import type { F5Mark } from '../shared/messages';

export interface Mark { name: string; ms: number }

export class Timeline {
  readonly marks: Mark[] = [];
  private readonly t0 = performance.now();
  readonly startedAt = Date.now();
  /** Steps before the launch request, at their wall-clock times. */
  readonly before: F5Mark[] = [];
  private file: string | undefined;

  /** Steps taken before the launch request (the extension host's, the adapter's creation). */
  addBefore(marks: F5Mark[]): void {
    for (const m of marks) if (typeof m?.name === 'string' && Number.isFinite(m.at) && !this.before.some((b) => b.name === m.name)) this.before.push({ name: m.name, at: m.at });
    this.before.sort((a, b) => a.at - b.at);
    this.flush();
  }

  /** Records a phase (only its first time) and rewrites the file once it has one. */
  mark(name: string): void {
    if (this.marks.some((m) => m.name === name)) return;
    this.marks.push({ name, ms: Math.round(performance.now() - this.t0) });
    this.flush();
  }

  at(name: string): number | undefined { return this.marks.find((m) => m.name === name)?.ms; }

  writeTo(file: string): void { this.file = file; this.flush(); }

  /** Every step in ms from the first one: F5's first step when the extension host gave its marks. */
  toString(): string {
    const t0 = this.before[0]?.at ?? this.startedAt;
    const all = [...this.before.map((m) => ({ name: m.name, ms: m.at - t0 })), ...(this.before.length ? [{ name: 'launch-request', ms: this.startedAt - t0 }] : []),
      ...this.marks.map((m) => ({ name: m.name, ms: m.ms + this.startedAt - t0 }))];
    return all.map((m) => `${m.name} ${m.ms} ms`).join(', ');
  }

  private flush(): void {
    if (!this.file) return;
    try { fs.writeFileSync(this.file, JSON.stringify({ startedAt: this.startedAt, marks: this.marks, before: this.before }, null, 1)); } catch { /* the session dir went away: nothing to keep */ }
  }
}
