// panic()'s message as the kernel is about to print it, read at panic()'s first instruction:
// the format's arguments are where the x86-64 calling convention puts them (rsi, rdx, rcx, r8,
// r9, then the stack above the return address) before panic() formats them itself. Only the
// conversions panic messages use (integers, characters, strings); a %p (the kernel hashes plain
// pointers, and %pS... are its own extensions) leaves the format as it is.
import { MiCommands, Where } from '../gdb/commands';

interface Conversion { flags: string; width: number | '*' | undefined; precision: number | '*' | undefined; length: string; conv: string }
type Part = string | Conversion;

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|z|t|j|L)?([diouxXcsp%])/g;

/** The literal text and conversions of a kernel printf format; undefined when one is beyond us. */
export function parseFormat(fmt: string): Part[] | undefined {
  const parts: Part[] = [];
  let at = 0;
  for (const m of fmt.matchAll(SPEC)) {
    const [whole, flags, width, precision, length, conv] = m;
    if (conv === 'p') return undefined;
    parts.push(fmt.slice(at, m.index));
    at = m.index! + whole.length;
    if (conv === '%') { parts.push('%'); continue; }
    const num = (v: string | undefined) => (v === undefined ? undefined : v === '*' ? '*' as const : Number(v || 0));
    parts.push({ flags, width: num(width), precision: num(precision), length: length ?? '', conv });
  }
  const rest = fmt.slice(at);
  if (rest.includes('%')) return undefined;  // a conversion the pattern does not know
  parts.push(rest);
  return parts;
}

/** How many argument slots the conversions take (a * width or precision takes one too). */
export function argCount(parts: Part[]): number {
  return parts.reduce((n, p) => (typeof p === 'string' ? n : n + 1 + (p.width === '*' ? 1 : 0) + (p.precision === '*' ? 1 : 0)), 0);
}

const BITS: Record<string, number> = { hh: 8, h: 16, '': 32, l: 64, ll: 64, z: 64, t: 64, j: 64, L: 64 };

/** The formatted message, from the argument values (64-bit, as read) and the strings they point to. */
export function render(parts: Part[], args: bigint[], strings: Map<bigint, string>): string {
  let i = 0;
  const next = () => args[i++] ?? 0n;
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') { out += p; continue; }
    let width = p.width === '*' ? Number(BigInt.asIntN(32, next())) : p.width;
    let left = p.flags.includes('-');
    if (width !== undefined && width < 0) { left = true; width = -width; }
    const precision = p.precision === '*' ? Number(BigInt.asIntN(32, next())) : p.precision;
    const v = next();
    const bits = BITS[p.length];
    let body: string;
    let zeroPad = p.flags.includes('0') && !left;
    if (p.conv === 's') {
      body = v === 0n ? '(null)' : strings.get(v) ?? '';
      if (precision !== undefined && precision >= 0) body = body.slice(0, precision);
      zeroPad = false;
    } else if (p.conv === 'c') {
      body = String.fromCharCode(Number(v & 0xffn));
      zeroPad = false;
    } else {
      const signed = p.conv === 'd' || p.conv === 'i';
      const n = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
      const neg = n < 0n;
      let digits = (neg ? -n : n).toString(p.conv === 'o' ? 8 : p.conv === 'u' || signed ? 10 : 16);
      if (p.conv === 'X') digits = digits.toUpperCase();
      if (precision !== undefined) { digits = digits.padStart(precision, '0'); zeroPad = false; }
      const prefix = (neg ? '-' : signed && p.flags.includes('+') ? '+' : signed && p.flags.includes(' ') ? ' ' : '')
        + (p.flags.includes('#') && n !== 0n ? (p.conv === 'o' ? '0' : p.conv === 'x' ? '0x' : p.conv === 'X' ? '0X' : '') : '');
      body = zeroPad && width !== undefined ? prefix + digits.padStart(width - prefix.length, '0') : prefix + digits;
    }
    out += width === undefined ? body : left ? body.padEnd(width) : body.padStart(width);
  }
  return out;
}

/** A NUL-terminated string in the guest's memory, read as bytes (gdb's printing abbreviates repeats). */
export async function readCString(mi: MiCommands, addr: bigint, max = 1024): Promise<string> {
  const blocks = await mi.dataReadMemoryBytes(addr, max).catch(() => []);
  const bytes = Buffer.from(blocks.map((b) => b.contents).join(''), 'hex');
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

const REGISTERS = ['$rsi', '$rdx', '$rcx', '$r8', '$r9'];

/**
 * panic(fmt, ...) formatted, at a stop on its first instruction (`where`: that frame); undefined
 * when the format needs what cannot be rendered or an argument cannot be read.
 */
export async function formatAtEntry(mi: MiCommands, fmt: string, where: Where): Promise<string | undefined> {
  const parts = parseFormat(fmt);
  if (!parts) return undefined;
  const args: bigint[] = [];
  for (let i = 0; i < argCount(parts); i++) {
    // The 6th and later arguments sit above the return address.
    const expr = i < REGISTERS.length ? REGISTERS[i] : `*(unsigned long *)($sp + ${8 * (i - REGISTERS.length + 1)})`;
    const v = (await mi.dataEvaluateExpression(expr, where).catch(() => '')).trim();
    if (!/^-?\d+$/.test(v)) return undefined;
    args.push(BigInt.asUintN(64, BigInt(v)));
  }
  const strings = new Map<bigint, string>();
  let i = 0;
  for (const p of parts) {
    if (typeof p === 'string') continue;
    i += (p.width === '*' ? 1 : 0) + (p.precision === '*' ? 1 : 0);
    const v = args[i++];
    if (p.conv === 's' && v && !strings.has(v)) strings.set(v, await readCString(mi, v, 256));
  }
  return render(parts, args, strings).replace(/\n$/, '');
}
