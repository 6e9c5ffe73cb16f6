// A streaming KTAP parser (Documentation/dev-tools/ktap.rst) for KUnit output as it arrives:
// nested subtests by indentation, "# Subtest:" names, directives (SKIP, TODO, XFAIL, TIMEOUT,
// ERROR), diagnostic lines kept with the result they precede, unrelated kernel lines ignored,
// printk timestamps stripped. kunit.py's --json drops the failure lines; this keeps them.

export type KtapStatus = 'passed' | 'failed' | 'skipped';

export interface KtapResult {
  /** Names from the outermost subtest down: [suite, case] or [suite, case, parameter]. */
  path: string[];
  status: KtapStatus;
  directive?: string;      // SKIP, TODO, XFAIL, TIMEOUT, ERROR
  reason?: string;         // the directive's text (a skip reason)
  /** Diagnostic lines before the result at its level (assertion messages and what follows). */
  diagnostics: string[];
  /** Where an expectation or assertion failed, from "EXPECTATION FAILED at lib/x.c:NN". */
  location?: { file: string; line: number };
}

export type KtapEvent =
  | { kind: 'start'; path: string[] }                  // a subtest began (# Subtest: name)
  | { kind: 'result'; result: KtapResult }
  | { kind: 'plan'; path: string[]; count: number };

interface Level { indent: number; name?: string; diagnostics: string[] }

const TIMESTAMP = /^\[\s*\d+\.\d+\]\s?/;
const RESULT = /^(ok|not ok)\s+(\d+)(?:\s+-)?\s*([^#]*?)\s*(?:#\s*(\w+)\b\s*(.*))?$/;

export function failureLocation(lines: string[]): { file: string; line: number } | undefined {
  for (const l of lines) {
    const m = /(?:EXPECTATION|ASSERTION) FAILED at ([^\s:]+):(\d+)/.exec(l);
    if (m) return { file: m[1], line: Number(m[2]) };
  }
  return undefined;
}

export class KtapParser {
  private started = false;
  private levels: Level[] = [];
  private pendingName: string | undefined;   // "# Subtest: x" before its level's first line
  private topPlan: number | undefined;
  private topResults = 0;

  /** The outermost plan was fulfilled: every suite the kernel ran has its result (no crash). */
  complete(): boolean { return this.topPlan !== undefined && this.topResults >= this.topPlan; }

  /** One line of output (kernel console or kunit.py's raw output); the events it completes. */
  push(raw: string): KtapEvent[] {
    const line = raw.replace(/\r$/, '').replace(TIMESTAMP, '');
    const body = line.trimStart();
    const indent = line.length - body.length;
    if (/^K?TAP version \d+/.test(body)) {
      if (!this.started) { this.started = true; this.levels = [{ indent, diagnostics: [] }]; return []; }
      // A nested test's header; when its "# Subtest:" came first, that level exists already.
      if (indent > this.levels[this.levels.length - 1].indent) this.enter(indent);
      return [];
    }
    if (!this.started) return [];
    const sub = /^#\s*Subtest:\s*(.+)$/.exec(body);
    if (sub) {
      // Before (KTAP v1) or after (v2) the nested "KTAP version" line: name the deeper level.
      const top = this.levels[this.levels.length - 1];
      if (indent > top.indent) { this.enter(indent); this.levels[this.levels.length - 1].name = sub[1].trim(); }
      else if (top.name === undefined && this.levels.length > 1) top.name = sub[1].trim();
      else this.pendingName = sub[1].trim();
      return [{ kind: 'start', path: this.path() }];
    }
    const plan = /^1\.\.(\d+)/.exec(body);
    const res = RESULT.exec(body);
    if (!plan && !res) {
      // A diagnostic ("# ..." or a continuation) at a level we are in, else an unrelated line.
      const lvl = [...this.levels].reverse().find((l) => indent >= l.indent);
      if (lvl && body) lvl.diagnostics.push(body);
      return [];
    }
    const out: KtapEvent[] = [];
    // A line less indented than the current level closes the deeper levels.
    while (this.levels.length > 1 && indent < this.levels[this.levels.length - 1].indent) this.levels.pop();
    if (indent > this.levels[this.levels.length - 1].indent) this.enter(indent);
    const lvl = this.levels[this.levels.length - 1];
    if (plan) {
      if (this.levels.length === 1) this.topPlan = Number(plan[1]);
      out.push({ kind: 'plan', path: this.path(), count: Number(plan[1]) });
      return out;
    }
    if (this.levels.length === 1) this.topResults++;
    const [, ok, , name, directive, reason] = res!;
    const d = directive?.toUpperCase();
    const status: KtapStatus = d === 'SKIP' ? 'skipped' : ok === 'ok' || d === 'XFAIL' || d === 'TODO' ? (d === 'TODO' ? 'skipped' : 'passed') : 'failed';
    const diagnostics = lvl.diagnostics;
    lvl.diagnostics = [];
    const result: KtapResult = { path: [...this.path(), name.trim()], status, diagnostics, location: failureLocation(diagnostics) };
    if (d) { result.directive = d; if (reason) result.reason = reason.trim(); }
    out.push({ kind: 'result', result });
    return out;
  }

  /** The names of the subtests we are in. */
  path(): string[] {
    return this.levels.slice(1).map((l) => l.name ?? '?');
  }

  private enter(indent: number): void {
    this.levels.push({ indent, name: this.pendingName, diagnostics: [] });
    this.pendingName = undefined;
  }
}
