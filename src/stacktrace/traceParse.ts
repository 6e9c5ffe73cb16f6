// What a kernel prints when it complains (WARN, Oops, panic, KUnit), as links: stack frames
// (`func+0xOFF/0xSIZE [module]`, `[<ADDR>]`, `RIP: 0010:func+..`, UML's `ip 0x...`), source
// positions (`WARNING: ... at file:line`, `EXPECTATION FAILED at file:line`, bare `file:line`)
// and the kernel the trace names (`Linux version ...`, the `CPU: ... Tainted ...` line). Pure.

export interface TraceFrame {
  /** The address the kernel printed (hex, no 0x), when it printed one. */
  addr?: string;
  func?: string;
  off?: number;
  size?: number;
  module?: string;
  /** `?`: the unwinder's guess (a stale return address on the stack), as the kernel marks it. */
  unreliable?: boolean;
}

export interface TraceLink {
  /** 0-based line in the text, and the link's columns in that line. */
  line: number;
  start: number;
  length: number;
  frame?: TraceFrame;
  /** A source position the kernel printed itself (relative to the tree, as kbuild names it). */
  file?: string;
  fileLine?: number;
}

export interface KernelIdentity {
  release: string;
  /** `#N` (the build counter), when printed. */
  build?: string;
  /** The whole `Linux version ...` banner, when the trace has it. */
  banner?: string;
  line: number;
}

const SYM = '[A-Za-z_$][\\w.$]*';
const HEX = '[0-9a-fA-F]';
// `[<6038a9e4>] ? _printk+0x0/0x94 [mod]`: UML and older x86 print the address first.
const ADDR_FRAME = new RegExp(`\\[<(${HEX}{6,16})>\\](?:\\s*(\\?)?\\s*(${SYM})\\+0x(${HEX}+)/0x(${HEX}+)(?:\\s+\\[([\\w-]+)\\])?)?`, 'g');
// ` ? lkdtm_do_action+0x3b/0x3d [lkdtm]`, `RIP: 0010:func+0x1/0x2`: x86's ORC traces print no address.
const SYM_FRAME = new RegExp(`(?<=^|[\\s:(<])(\\?\\s*)?(${SYM})\\+0x(${HEX}+)/0x(${HEX}+)(?:\\s+\\[([\\w-]+)\\])?`, 'g');
// UML's fault lines: `ip 0x60272429`, and our own stop message's `ip 0x60272429 (lkdtm_EXCEPTION+2)`.
const UML_IP = new RegExp(`\\bip 0x(${HEX}{6,16})(?: \\((${SYM})\\+(\\d+)\\))?`, 'g');
// `drivers/misc/lkdtm/bugs.c:85`: a source file of the tree (kbuild prints paths relative to it).
const FILE_LINE = /(?<=^|[\s(:'"])((?:\/)?(?:[\w.+-]+\/)*[\w+-][\w.+-]*\.(?:c|h|S|s|rs|lds)):(\d+)(?::\d+)?/g;

const BANNER = /Linux version (\S+) .*?(#\d+)\S*/;
// `CPU: 0 PID: 1 Comm: init Not tainted 6.1.192 #1` / `... Tainted: G        W          6.1.192 #1`
const TAINT = /\bCPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: .*?(?:Not tainted|Tainted: [A-Z ]*?)\s+(\d+\.\d+\S*)(?: (#\d+))?/;
// UML's register dump: `Pid: 1, comm: init Tainted: G        W          6.1.192`
const UML_PID = /\bPid: \d+, comm: .*?(?:Not tainted|Tainted: [A-Z ]*?)\s+(\d+\.\d+\S*)/;

const num = (h: string) => parseInt(h, 16);

/** The links in one line of kernel output (`line` is its index in the text). */
export function linksInLine(text: string, line = 0): TraceLink[] {
  const out: TraceLink[] = [];
  const taken: Array<[number, number]> = [];
  const free = (s: number, e: number) => !taken.some(([a, b]) => s < b && e > a);
  const add = (l: TraceLink) => {
    if (!free(l.start, l.start + l.length)) return;
    taken.push([l.start, l.start + l.length]);
    out.push(l);
  };
  for (const m of text.matchAll(ADDR_FRAME)) {
    const frame: TraceFrame = { addr: m[1].toLowerCase() };
    if (m[3]) Object.assign(frame, { func: m[3], off: num(m[4]), size: num(m[5]), ...(m[6] ? { module: m[6] } : {}), ...(m[2] ? { unreliable: true } : {}) });
    add({ line, start: m.index!, length: m[0].length, frame });
  }
  for (const m of text.matchAll(UML_IP)) {
    const frame: TraceFrame = { addr: m[1].toLowerCase(), ...(m[2] ? { func: m[2], off: Number(m[3]) } : {}) };
    add({ line, start: m.index!, length: m[0].length, frame });
  }
  for (const m of text.matchAll(SYM_FRAME)) {
    const lead = m[1]?.length ?? 0;
    const frame: TraceFrame = { func: m[2], off: num(m[3]), size: num(m[4]), ...(m[5] ? { module: m[5] } : {}), ...(m[1] ? { unreliable: true } : {}) };
    add({ line, start: m.index! + lead, length: m[0].length - lead, frame });
  }
  for (const m of text.matchAll(FILE_LINE)) add({ line, start: m.index!, length: m[0].length, file: m[1], fileLine: Number(m[2]) });
  return out.sort((a, b) => a.start - b.start);
}

/** The kernel a line names, if it names one. */
export function identityIn(text: string, line = 0): KernelIdentity | undefined {
  let m = BANNER.exec(text);
  if (m) return { release: m[1], build: m[2], banner: text.slice(m.index).trim(), line };
  m = TAINT.exec(text);
  if (m) return { release: m[1], ...(m[2] ? { build: m[2] } : {}), line };
  m = UML_PID.exec(text);
  if (m) return { release: m[1], line };
  return undefined;
}

export interface ParsedTrace { links: TraceLink[]; kernel?: KernelIdentity }

/** Every link in a text, and the kernel it names (the most precise identity found). */
export function parseTrace(text: string): ParsedTrace {
  const links: TraceLink[] = [];
  let kernel: KernelIdentity | undefined;
  text.split(/\r?\n/).forEach((l, i) => {
    links.push(...linksInLine(l, i));
    const id = identityIn(l, i);
    if (id && (!kernel || (id.banner && !kernel.banner) || (id.build && !kernel.build && !kernel.banner))) kernel = id;
  });
  return { links, kernel };
}

/** The banner's release and build counter: `Linux version 6.1.192 (...) #1 ...`. */
export function bannerIdentity(banner: string): KernelIdentity | undefined {
  return identityIn(banner.trim());
}

/**
 * Why the trace cannot be from `ours` (its kernel's banner), or undefined when nothing says so:
 * a different release or build counter, or, with both banners whole, a different banner.
 */
export function otherBuild(trace: KernelIdentity | undefined, ours: string): string | undefined {
  const mine = bannerIdentity(ours);
  if (!trace || !mine) return undefined;
  const differs = trace.release !== mine.release || (trace.build && mine.build && trace.build !== mine.build)
    || (trace.banner && normalize(trace.banner) !== normalize(mine.banner!));
  return differs ? describe(trace) : undefined;
}

const normalize = (b: string) => b.replace(/\s+/g, ' ').trim();

export function describe(k: KernelIdentity): string {
  return k.banner ? normalize(k.banner) : `Linux ${k.release}${k.build ? ` ${k.build}` : ''}`;
}

/** A frame as the kernel printed it (for documents and messages). */
export function frameText(f: TraceFrame): string {
  const sym = f.func ? `${f.func}+0x${(f.off ?? 0).toString(16)}${f.size ? `/0x${f.size.toString(16)}` : ''}${f.module ? ` [${f.module}]` : ''}` : '';
  return f.addr ? `[<${f.addr}>]${sym ? ` ${sym}` : ''}` : sym;
}
