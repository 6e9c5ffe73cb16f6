// DAP `disassemble` over gdb's -data-disassemble: exactly the instructions asked for around an
// address, before it too. x86 instructions have no fixed length, so going backwards starts
// decoding at a function's first instruction (a true boundary), never at a guessed byte.
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AsmInsn, hex } from '../gdb/commands';

export interface Disassembler {
  dataDisassemble(start: bigint, end: bigint, source: boolean): Promise<AsmInsn[]>;
  /** Where the source line holding an address starts (an instruction boundary), if known. */
  lineStart?(addr: bigint): Promise<bigint | undefined>;
}

const MAX_INSN = 15n;   // the longest x86 instruction, in bytes
/**
 * Bytes per instruction, learned from what was decoded (x86-64 kernel code: about 3.6): how
 * far to decode for N instructions, with a tenth more for safety; falling short costs one more
 * gdb call, decoding too far costs gdb time on every request.
 */
let avgInsn = 4.5;
const bytesFor = (n: number) => BigInt(Math.ceil(n * avgInsn * 1.1)) + 16n;
function learn(insns: AsmInsn[]): void {
  if (insns.length < 16) return;
  const span = Number(insns[insns.length - 1].address - insns[0].address) / (insns.length - 1);
  if (span > 1 && span < 15) avgInsn = avgInsn * 0.5 + span * 0.5;
}

/** A placeholder where there is no code to show (unmapped memory, before the first function). */
function invalid(address: bigint): DebugProtocol.DisassembledInstruction {
  return { address: hex(address), instruction: '??', presentationHint: 'invalid' };
}

/** The address after an instruction (its opcodes are its bytes). */
const endOf = (i: AsmInsn) => i.address + BigInt(i.opcodes ? i.opcodes.split(' ').length : 1);

/**
 * Up to `count` instructions ending just before `base`, decoded from a function start, and in
 * the same gdb call the instructions of the `ahead` bytes from `base` on.
 */
async function around(d: Disassembler, base: bigint, count: number, ahead: bigint): Promise<{ before: AsmInsn[]; after: AsmInsn[] }> {
  let best: { before: AsmInsn[]; after: AsmInsn[] } = { before: [], after: [] };
  let from = base - bytesFor(count);
  for (let attempt = 0; attempt < 8; attempt++) {
    if (from < 0n) from = 0n;
    // A boundary at or before `from`: where its source line starts (a few bytes back), else the
    // start of its function (the instruction at `from` names its function and offset).
    let start = await d.lineStart?.(from).catch(() => undefined);
    if (start === undefined || start > from) {
      const probe = (await d.dataDisassemble(from, from + 1n, false).catch(() => []))[0];
      if (!probe) {
        if (best.before.length || base - from <= 1n) break;   // memory ends there: keep what we have
        from = base - (base - from) / 2n;                     // unreadable: come closer
        continue;
      }
      start = probe.offset !== undefined ? probe.address - BigInt(probe.offset) : probe.address;
    }
    const got = await d.dataDisassemble(start, base + ahead, true).catch(() => [] as AsmInsn[]);
    learn(got);
    const before = got.filter((i) => i.address < base);
    if (before.length >= best.before.length) best = { before, after: got.filter((i) => i.address >= base) };
    if (before.length >= count || start === 0n) break;
    from = start - bytesFor(count - before.length) - 1n;  // not enough: further back
  }
  return { before: best.before.slice(-count), after: best.after };
}

/**
 * The instructions at indexes [instructionOffset, instructionOffset + count) counted from the
 * one at `base` (index 0), with source file and line where gdb knows them; what cannot be
 * decoded is padded as invalid so the client always gets `count`. Throws only when there is no
 * code at all. Usually two gdb calls: a probe for the function start, then one range.
 */
export async function disassemble(d: Disassembler, base: bigint, instructionOffset: number, count: number,
  exists: (file: string) => boolean = () => true): Promise<DebugProtocol.DisassembledInstruction[]> {
  const back = instructionOffset < 0 ? -instructionOffset : 0;
  const nb = Math.min(count, back);                      // how many of them come before base
  const skip = Math.max(0, instructionOffset);
  const nf = Math.max(0, instructionOffset + count - skip);  // and how many from base on
  const want = nf ? skip + nf : 0;                       // instructions needed from base on
  let earlier: AsmInsn[] = [];
  let fromBase: AsmInsn[] = [];
  let error: Error | undefined;
  if (back) ({ before: earlier, after: fromBase } = await around(d, base, back, want ? bytesFor(want) : 0n));
  while (fromBase.length < want) {
    // Decode on from where the last instruction ends (or base), for what is still missing.
    const start = fromBase.length ? endOf(fromBase[fromBase.length - 1]) : base;
    const more = await d.dataDisassemble(start, start + bytesFor(want - fromBase.length) + MAX_INSN, true).catch((e: Error) => { error = e; return []; });
    learn(more);
    const fresh = more.filter((i) => i.address >= start);
    if (!fresh.length) break;
    fromBase.push(...fresh);
  }
  const later = fromBase.slice(skip, skip + nf);
  if (!earlier.slice(0, nb).length && !later.length) throw new Error(`No code at ${hex(base)}: ${error?.message ?? 'nothing could be disassembled there'}.`);

  const picked: Array<AsmInsn | bigint> = [];  // an instruction, or the address of a placeholder
  for (let idx = -back; idx < -back + nb; idx++) {
    const k = idx + earlier.length;
    picked.push(k >= 0 ? earlier[k] : base + BigInt(idx));
  }
  picked.push(...later);
  let next = later.length ? endOf(later[later.length - 1]) : base;
  while (picked.length < count) picked.push(next++);

  let lastFile: string | undefined;
  let lastLine: number | undefined;
  return picked.map((insn) => {
    if (typeof insn === 'bigint') { lastFile = undefined; return invalid(insn); }
    const dis: DebugProtocol.DisassembledInstruction = { address: hex(insn.address), instruction: insn.inst, instructionBytes: insn.opcodes };
    if (insn.func) dis.symbol = insn.offset ? `${insn.func}+${insn.offset}` : insn.func;
    const file = insn.fullname && exists(insn.fullname) ? insn.fullname : undefined;
    if (file && (file !== lastFile || insn.line !== lastLine)) {
      dis.location = { name: path.basename(file), path: file };
      dis.line = insn.line;
    }
    lastFile = file; lastLine = insn.line;
    return dis;
  });
}
