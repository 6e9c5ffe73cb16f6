// DAP readMemory / writeMemory over gdb's -data-read/write-memory-bytes, and the memory
// references that let VS Code's memory inspector open from a pointer (such as m->buf).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MemoryBlock, hex } from '../gdb/commands';

export interface MemoryAccess {
  dataReadMemoryBytes(addr: bigint, count: number): Promise<MemoryBlock[]>;
  dataWriteMemoryBytes(addr: bigint, hexBytes: string): Promise<void>;
}

/** An address from a memoryReference ("0x60a57690") and a byte offset; a clear error otherwise. */
export function addressOf(reference: string, offset = 0): bigint {
  let a: bigint;
  try { a = BigInt(reference.trim()); } catch { throw new Error(`"${reference}" is not a memory address.`); }
  return a + BigInt(offset);
}

/**
 * The readable prefix of [addr, addr+count) as DAP wants it: the bytes read, and how many
 * after them could not be (a read that starts in unmapped memory returns none of them).
 */
export async function readMemory(m: MemoryAccess, addr: bigint, count: number): Promise<DebugProtocol.ReadMemoryResponse['body']> {
  if (count <= 0) return { address: hex(addr), data: '' };
  const blocks = await m.dataReadMemoryBytes(addr, count).catch(() => [] as MemoryBlock[]);
  const first = blocks.find((b) => b.begin === addr);
  if (!first) return { address: hex(addr), unreadableBytes: count, data: '' };
  // gdb lists the readable blocks; DAP reads one run from the start, then says how much is missing.
  let bytes = Buffer.from(first.contents, 'hex');
  let end = addr + BigInt(bytes.length);
  for (const b of blocks.sort((x, y) => (x.begin < y.begin ? -1 : 1))) {
    if (b.begin !== end) continue;
    bytes = Buffer.concat([bytes, Buffer.from(b.contents, 'hex')]);
    end += BigInt(b.contents.length / 2);
  }
  const missing = count - bytes.length;
  return { address: hex(addr), data: bytes.toString('base64'), ...(missing > 0 ? { unreadableBytes: missing } : {}) };
}

export async function writeMemory(m: MemoryAccess, addr: bigint, base64: string): Promise<DebugProtocol.WriteMemoryResponse['body']> {
  const bytes = Buffer.from(base64, 'base64');
  if (!bytes.length) return { bytesWritten: 0 };
  try {
    await m.dataWriteMemoryBytes(addr, bytes.toString('hex'));
  } catch (e) {
    throw new Error(`Could not write ${bytes.length} byte(s) at ${hex(addr)}: ${(e as Error).message}`);
  }
  return { bytesWritten: bytes.length };
}

/** The address a pointer value points to ("0x60a57690", "(struct seq_file *) 0x60a57690 <x>"). */
export function pointerTarget(type: string, value: string | undefined): string | undefined {
  if (!value || !/\*\s*(const\s*)?$/.test(type)) return undefined;
  const m = /(?:^|\s|\))(0x[0-9a-f]+)/i.exec(value);
  return m && !/^0x0+$/.test(m[1]) ? m[1] : undefined;
}
