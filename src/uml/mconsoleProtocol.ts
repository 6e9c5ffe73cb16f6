// UML's management console wire protocol (arch/um/include/shared/mconsole.h). Pure.
// Request: u32 magic 0xcafebabe, u32 version 2, u32 len, char data[512].
// Reply:   u32 err, u32 more, u32 len (text length + NUL), char data[len]. Host byte order.

export const MCONSOLE_MAGIC = 0xcafebabe;
export const MCONSOLE_VERSION = 2;
export const MCONSOLE_MAX_DATA = 512;

export function encodeRequest(command: string): Buffer {
  const data = Buffer.from(command, 'utf8');
  if (data.length >= MCONSOLE_MAX_DATA) throw new Error(`mconsole command too long (${data.length} bytes, at most ${MCONSOLE_MAX_DATA - 1})`);
  const b = Buffer.alloc(12 + MCONSOLE_MAX_DATA);
  b.writeUInt32LE(MCONSOLE_MAGIC, 0);
  b.writeUInt32LE(MCONSOLE_VERSION, 4);
  b.writeUInt32LE(data.length, 8);
  data.copy(b, 12);
  return b;
}

export interface ReplyPart { err: number; more: boolean; text: string }

export function decodeReply(b: Buffer): ReplyPart {
  if (b.length < 12) throw new Error(`short mconsole reply (${b.length} bytes)`);
  const err = b.readUInt32LE(0);
  const more = b.readUInt32LE(4) !== 0;
  const len = Math.min(b.readUInt32LE(8), b.length - 12);
  let text = b.toString('utf8', 12, 12 + len);
  const nul = text.indexOf('\0');
  if (nul >= 0) text = text.slice(0, nul);
  return { err, more, text };
}

export interface Reply { ok: boolean; text: string; incomplete?: boolean }

/** Joins a multi-part reply (the `more` flag); err is only ever set on the first part. */
export function joinReply(parts: ReplyPart[]): Reply {
  return { ok: parts.length > 0 && parts[0].err === 0, text: parts.map((p) => p.text).join('') };
}
