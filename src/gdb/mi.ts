// GDB/MI output parsing: pure, no processes, so it unit-tests in milliseconds.
// Grammar: https://sourceware.org/gdb/current/onlinedocs/gdb.html/GDB_002fMI-Output-Syntax.html

export type MiValue = string | MiTuple | MiValue[];
export interface MiTuple { [key: string]: MiValue }

export type MiRecordType =
  | 'result'   // ^done, ^running, ^error, ^exit, ^connected
  | 'exec'     // *running, *stopped
  | 'status'   // +download...
  | 'notify'   // =thread-created, =breakpoint-modified...
  | 'console'  // ~"text"   (gdb's CLI output)
  | 'target'   // @"text"   (inferior output, remote targets)
  | 'log'      // &"text"   (gdb's own log/errors)
  | 'prompt'   // (gdb)
  | 'other';   // not MI: e.g. inferior output that reached gdb's stdout

export interface MiRecord {
  type: MiRecordType;
  token?: number;
  cls: string;          // result/async class, e.g. "done", "stopped"; '' for streams
  results: MiTuple;     // named results; streams carry their text in `text`
  text?: string;        // stream text or, for 'other', the raw line
}

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  peek(): string { return this.s[this.pos]; }
  eof(): boolean { return this.pos >= this.s.length; }
  expect(ch: string): void {
    if (this.s[this.pos] !== ch) throw new Error(`expected '${ch}' at ${this.pos} in ${this.s}`);
    this.pos++;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };

/**
 * A C string: runs of plain characters are sliced whole (memory dumps are 8 KB lines), escapes
 * decoded; gdb's octal escapes are bytes, collected so that UTF-8 sequences survive.
 */
function parseCString(c: Cursor): string {
  c.expect('"');
  const s = c.s;
  let out = '';
  let bytes: number[] = [];
  const flush = () => { if (bytes.length) { out += Buffer.from(bytes).toString('utf8'); bytes = []; } };
  let i = c.pos;
  for (;;) {
    let j = i;
    for (let ch = s.charCodeAt(j); j < s.length && ch !== 34 && ch !== 92; ch = s.charCodeAt(++j)) { /* plain run */ }
    if (j >= s.length) throw new Error('unterminated c-string');
    if (j > i) { flush(); out += s.slice(i, j); }
    if (s.charCodeAt(j) === 34) { flush(); c.pos = j + 1; return out; }
    const e = s[j + 1];
    i = j + 2;
    if (e >= '0' && e <= '7') {
      let oct = e;
      while (oct.length < 3 && s[i] >= '0' && s[i] <= '7') oct += s[i++];
      bytes.push(parseInt(oct, 8) & 0xff);
    } else {
      flush();
      out += e in ESCAPES ? ESCAPES[e] : e;
    }
  }
}

function parseValue(c: Cursor): MiValue {
  const ch = c.peek();
  if (ch === '"') return parseCString(c);
  if (ch === '{') {
    c.expect('{');
    const t: MiTuple = {};
    if (c.peek() !== '}') parseResults(c, t);
    c.expect('}');
    return t;
  }
  if (ch === '[') {
    c.expect('[');
    const list: MiValue[] = [];
    while (c.peek() !== ']') {
      if (c.eof()) throw new Error('unterminated list');
      // A list holds values or results; for results keep the value (names repeat: frame=, frame=).
      if (c.peek() === '"' || c.peek() === '{' || c.peek() === '[') list.push(parseValue(c));
      else list.push(parseResult(c)[1]);
      if (c.peek() === ',') c.pos++;
    }
    c.expect(']');
    return list;
  }
  throw new Error(`unexpected '${ch}' at ${c.pos}`);
}

function parseResult(c: Cursor): [string, MiValue] {
  const eq = c.s.indexOf('=', c.pos);
  if (eq < 0) throw new Error('expected variable=');
  const name = c.s.slice(c.pos, eq);
  c.pos = eq + 1;
  return [name, parseValue(c)];
}

function parseResults(c: Cursor, into: MiTuple): void {
  const repeated = new Set<string>();
  for (;;) {
    const [k, v] = parseResult(c);
    // Some gdbs repeat a key in one tuple (several bkpt=): keep every value, as a list.
    if (repeated.has(k)) (into[k] as MiValue[]).push(v);
    else if (k in into) { into[k] = [into[k], v]; repeated.add(k); }
    else into[k] = v;
    if (c.peek() !== ',') break;
    c.pos++;
  }
}

const PREFIX: Record<string, MiRecordType> = { '^': 'result', '*': 'exec', '+': 'status', '=': 'notify', '~': 'console', '@': 'target', '&': 'log' };

/** Parses one line of gdb's MI output. Never throws: unparsable lines come back as type 'other'. */
export function parseMiLine(line: string): MiRecord {
  const raw = line.replace(/\r$/, '');
  if (/^\(gdb\)\s*$/.test(raw)) return { type: 'prompt', cls: '', results: {} };
  const m = /^(\d*)([\^*+=~@&])/.exec(raw);
  if (!m) return { type: 'other', cls: '', results: {}, text: raw };
  const type = PREFIX[m[2]];
  const c = new Cursor(raw);
  c.pos = m[0].length;
  try {
    if (type === 'console' || type === 'target' || type === 'log') {
      if (m[1]) throw new Error('token on stream record');
      const text = parseCString(c);
      if (!c.eof()) throw new Error('trailing text');
      return { type, cls: '', results: {}, text };
    }
    const clsMatch = /^[a-zA-Z][\w-]*/.exec(raw.slice(c.pos));
    if (!clsMatch) throw new Error('missing class');
    c.pos += clsMatch[0].length;
    const results: MiTuple = {};
    if (c.peek() === ',') { c.pos++; parseResults(c, results); }
    if (!c.eof()) throw new Error('trailing text');
    const rec: MiRecord = { type, cls: clsMatch[0], results };
    if (m[1]) rec.token = Number(m[1]);
    return rec;
  } catch {
    return { type: 'other', cls: '', results: {}, text: raw };
  }
}

// Where an MI record can start inside a line that also carries foreign text
// (the inferior wrote to gdb's stdout without a newline).
const EMBEDDED = /(\d*\^(?:done|running|error|exit|connected)\b|\d*\*(?:running|stopped)\b|=[a-z-]+,|~"|&"|@"|\(gdb\) ?$)/;

/**
 * Splits gdb's stdout into MI records. Robust to chunks that end mid-line and to
 * foreign text glued in front of a record: that text comes back as an 'other' record.
 */
export class MiReader {
  private buf = '';

  push(chunk: string): MiRecord[] {
    this.buf += chunk;
    const out: MiRecord[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      this.parseInto(line, out);
    }
    return out;
  }

  /** Whatever is left without a newline (at end of stream). */
  flush(): MiRecord[] {
    const out: MiRecord[] = [];
    if (this.buf) this.parseInto(this.buf, out);
    this.buf = '';
    return out;
  }

  private parseInto(line: string, out: MiRecord[]): void {
    if (!line.replace(/\r$/, '')) return;
    const rec = parseMiLine(line);
    if (rec.type !== 'other') { out.push(rec); return; }
    const m = EMBEDDED.exec(line);
    if (m && m.index > 0) {
      const tail = parseMiLine(line.slice(m.index));
      if (tail.type !== 'other') {
        out.push({ type: 'other', cls: '', results: {}, text: line.slice(0, m.index) });
        out.push(tail);
        return;
      }
    }
    out.push(rec);
  }
}

/** Quotes a string as an MI c-string argument. */
export function miQuote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
}

/** Helpers to read typed fields out of results without `any` everywhere. */
export function str(v: MiValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function tuple(v: MiValue | undefined): MiTuple | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
export function list(v: MiValue | undefined): MiValue[] {
  if (Array.isArray(v)) return v;
  return v === undefined ? [] : [v];
}
