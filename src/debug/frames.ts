// Stack frames from gdb/MI into DAP, with UML's host frames told apart from kernel frames.
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Frame } from '../gdb/records';

export const FRAME_BASE = 100000;
export const frameId = (thread: number, level: number) => thread * FRAME_BASE + level;
export const frameOf = (id: number) => ({ thread: Math.floor(id / FRAME_BASE), level: id % FRAME_BASE });

/**
 * UML's host side: libc (no source), the signal trampoline, and arch/um/os-Linux (UML's
 * glue to the host). A pause lands in hard_handler above <signal handler called> and
 * sigsuspend: those frames are labelled [host] and de-emphasised so VS Code focuses the
 * first kernel frame, where the kernel was.
 */
export function isHostFrame(f: Frame, exists: (path: string) => boolean = () => true): boolean {
  const func = f.func ?? '';
  const file = f.fullname ?? f.file;
  if (func === '<signal handler called>') return true;
  if (!file || !file.startsWith('/') || !exists(file)) return true;  // libc: ./signal/../sysdeps/...
  return /\/arch\/um\/os-Linux\//.test(file) || /^arch\/um\/os-Linux\//.test(f.file ?? '');
}

/** `toClient`: the path the user knows the file by (sourceMap.ts's ClientPaths). */
export function toDapFrames(thread: number, frames: Frame[], exists: (path: string) => boolean = () => true, toClient: (path: string) => string = (p) => p): DebugProtocol.StackFrame[] {
  // Frames above the signal trampoline are always host frames (the handler that gdb's SIGINT hit).
  const trampoline = frames.findIndex((f) => f.func === '<signal handler called>');
  return frames.map((f, i) => {
    const level = f.level ?? i;
    const func = f.func ?? f.addr ?? '??';
    const host = (trampoline >= 0 && i <= trampoline) || isHostFrame(f, exists);
    const fullname = f.fullname;
    const full = fullname && fullname.startsWith('/') && exists(fullname) ? fullname : undefined;
    const line = f.line ?? 0;
    const frame: DebugProtocol.StackFrame = {
      id: frameId(thread, level),
      name: host ? `[host] ${func}` : func,
      line: full ? line : 0,
      column: full ? 1 : 0,
      instructionPointerReference: f.addr,
    };
    if (full) {
      frame.source = { name: path.basename(full), path: toClient(full), presentationHint: host ? 'deemphasize' : undefined };
    } else if (f.from) {
      frame.source = { name: path.basename(f.from), presentationHint: 'deemphasize' };
    }
    if (host) frame.presentationHint = 'subtle';
    return frame;
  });
}
