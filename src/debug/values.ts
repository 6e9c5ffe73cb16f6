// Value presentation and Debug Console completion: pure helpers (hex display; what gdb's own
// completion of a line becomes for VS Code).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GDB_COMMAND_PREFIXES } from './consoleCommands';

/** Bytes of the integer types gdb prints in decimal; others (typedefs we do not know) are 8. */
const SIZES: Array<[RegExp, number]> = [
  [/^(unsigned |signed )?char$|^(u|s)8$|^__(u|s)8$|^bool$|^_Bool$/, 1],
  [/^(unsigned |signed )?short( int)?$|^(u|s)16$|^__(u|s|le|be)16$/, 2],
  [/^(unsigned |signed )?int$|^unsigned$|^(u|s)32$|^__(u|s|le|be)32$|^gfp_t$|^pid_t$|^uid_t$|^gid_t$|^umode_t$/, 4],
];
function sizeOf(type: string): number {
  const t = type.replace(/\b(const|volatile)\s+/g, '').trim();
  for (const [re, n] of SIZES) if (re.test(t)) return n;
  return 8;
}

/** An integer value as hex ("-1" of an int is 0xffffffff; "65 'A'" keeps its character). */
export function toHex(value: string, type = ''): string {
  const m = /^(-?\d+)(\s+'.*')?$/.exec(value.trim());
  if (!m || /\b(float|double)\b/.test(type)) return value;
  let n = BigInt(m[1]);
  if (n < 0n) n += 1n << BigInt(8 * sizeOf(type));
  return `0x${n.toString(16)}${m[2] ?? ''}`;
}

/** For the Variables view and hovers: hex when the client asks (format.hex). */
export function formatVariables(vars: DebugProtocol.Variable[], format?: DebugProtocol.ValueFormat): DebugProtocol.Variable[] {
  if (!format?.hex) return vars;
  return vars.map((v) => ({ ...v, value: toHex(v.value, v.type) }));
}

/**
 * What gdb's `-complete` is asked for the Debug Console line up to the cursor: a gdb command
 * (after `-exec ` or `> `) as typed, an expression as `print EXPR`. `strip` is what to cut
 * from gdb's matches to get back to the user's line.
 */
export function completionQuery(line: string): { query: string; strip: number; prefix: string } {
  for (const p of GDB_COMMAND_PREFIXES) if (line.startsWith(p)) return { query: line.slice(p.length), strip: 0, prefix: p };
  return { query: `print ${line}`, strip: 'print '.length, prefix: '' };
}

/**
 * gdb's matches (whole lines) as completion items: each replaces the word being typed (VS Code
 * overwrites the word before the cursor), so the item's text is the match's last word.
 */
export function completionItems(matches: string[], strip: number): DebugProtocol.CompletionItem[] {
  const seen = new Set<string>();
  const out: DebugProtocol.CompletionItem[] = [];
  for (const m of matches) {
    const line = m.slice(strip);
    const word = /[A-Za-z0-9_$]*$/.exec(line)?.[0] ?? line;
    if (!word || seen.has(word)) continue;
    seen.add(word);
    const before = line.slice(0, line.length - word.length);
    out.push({ label: word, text: word, type: /(\.|->)$/.test(before) ? 'property' : strip ? 'variable' : 'keyword' });
  }
  return out;
}
