// DAP `disassemble` over gdb's -data-disassemble: exactly the instructions asked for around an
// address, before it too. x86 instructions have no fixed length, so going backwards starts
// decoding at a function's first instruction (a true boundary), never at a guessed byte.
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AsmInsn, hex } from '../gdb/commands';

export interface Disassembler {
  dataDisassemble(start: bigint, end: bigint, source: boolean): Promise<AsmInsn[]>;
}

const MAX_INSN = 15n;   // the longest x86 instruction, in bytes
const AVG_INSN = 8n;    // a generous average: how far back to look for N instructions

/** A placeholder where there is no code to show (unmapped memory, before the first function). */
function invalid(address: bigint): DebugProtocol.DisassembledInstruction {
  return { address: hex(address), instruction: '??', presentationHint: 'invalid' };
}

/** Up to `count` instructions ending just before `base`, decoded from a function start. */
async function before(d: Disassembler, base: bigint, count: number): Promise<AsmInsn[]> {
  let best: AsmInsn[] = [];
  let from = base - BigInt(count) * AVG_INSN;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (from < 0n) from = 0n;
    // The instruction at `from` names its function and offset: the function's start is a boundary.
    const probe = (await d.dataDisassemble(from, from + 1n, false).catch(() => []))[0];
    if (!probe) {
      if (best.length || base - from <= 1n) return best;   // memory ends there: keep what we have
      from = base - (base - from) / 2n;                    // unreadable: come closer
      continue;
    }
    const start = probe.offset !== undefined ? probe.address - BigInt(probe.offset) : probe.address;
    const got = (await d.dataDisassemble(start, base, true).catch(() => [])).filter((i) => i.address < base);
    if (got.length > best.length) best = got;
    if (best.length >= count || start === 0n) break;
    from = start - BigInt(count - got.length) * AVG_INSN - 1n;  // not enough: further back
  }
  return best.slice(-count);
}

/**
 * The instructions at indexes [instructionOffset, instructionOffset + count) counted from the
 * one at `base` (index 0), with source file and line where gdb knows them; what cannot be
 * decoded is padded as invalid so the client always gets `count`. Throws only when there is no
 * code at all.
 */
export async function disassemble(d: Disassembler, base: bigint, instructionOffset: number, count: number,
  exists: (file: string) => boolean = () => true): Promise<DebugProtocol.DisassembledInstruction[]> {
  const back = instructionOffset < 0 ? -instructionOffset : 0;
  const nb = Math.min(count, back);                      // how many of them come before base
  const skip = Math.max(0, instructionOffset);
  const nf = Math.max(0, instructionOffset + count - skip);  // and how many from base on
  const earlier = back ? await before(d, base, back) : [];
  let later: AsmInsn[] = [];
  let error: Error | undefined;
  if (nf) {
    later = await d.dataDisassemble(base, base + BigInt(skip + nf) * MAX_INSN, true).catch((e: Error) => { error = e; return []; });
    later = later.filter((i) => i.address >= base).slice(skip, skip + nf);
  }
  if (!earlier.slice(0, nb).length && !later.length) throw new Error(`No code at ${hex(base)}: ${error?.message ?? 'nothing could be disassembled there'}.`);

  const picked: Array<AsmInsn | bigint> = [];  // an instruction, or the address of a placeholder
  for (let idx = -back; idx < -back + nb; idx++) {
    const k = idx + earlier.length;
    picked.push(k >= 0 ? earlier[k] : base + BigInt(idx));
  }
  picked.push(...later);
  let next = later.length ? later[later.length - 1].address + 1n : base;
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
