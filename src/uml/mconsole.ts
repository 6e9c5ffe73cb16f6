// mconsole client. Node cannot open AF_UNIX datagram sockets and the extension takes no native
// addon, so a tiny python3 relay carries our encoded datagrams; uml_mconsole (uml-utilities)
// is the fallback transport. A guest stopped in gdb cannot answer: every call has a timeout.
import * as path from 'path';
import { execa } from 'execa';
import { encodeRequest, decodeReply, joinReply, Reply, ReplyPart } from './mconsoleProtocol';
import { findExecutable } from './host';

export class MconsoleError extends Error {}

// Sends one request datagram from an abstract-namespace address (nothing to clean up) and
// prints each reply datagram as hex, until a reply's `more` field is 0.
const RELAY = `
import os, socket, sys
path, timeout = sys.argv[1], float(sys.argv[2])
req = sys.stdin.buffer.read()
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('\\0uml-kernel-debug-%d' % os.getpid())
s.settimeout(timeout)
try:
    s.sendto(req, path)
    while True:
        d = s.recv(65536)
        sys.stdout.write(d.hex() + '\\n'); sys.stdout.flush()
        if int.from_bytes(d[4:8], 'little') == 0:
            break
except socket.timeout:
    sys.exit(3)
except (FileNotFoundError, ConnectionRefusedError) as e:
    sys.stderr.write(type(e).__name__); sys.exit(2)
`;

export function mconsoleSocket(umlDir: string, umid: string): string {
  return path.join(umlDir, umid, 'mconsole');
}

export interface MconsoleOptions { timeoutMs?: number }

export async function mconsole(socket: string, command: string, o: MconsoleOptions = {}): Promise<Reply> {
  const timeoutMs = o.timeoutMs ?? 3000;
  const python = findExecutable('python3');
  if (python) return viaRelay(python, socket, command, timeoutMs);
  const tool = findExecutable('uml_mconsole');
  if (tool) return viaUmlMconsole(tool, socket, command, timeoutMs);
  throw new MconsoleError('No way to reach the mconsole: install python3 or uml-utilities (apt-get install uml-utilities).');
}

const notAnswering = (socket: string) => new MconsoleError(`The instance does not answer on ${socket}: it is stopped in the debugger or hung. Continue it in the debugger first.`);
const gone = (socket: string) => new MconsoleError(`No UML instance listens on ${socket}: it has exited (the directory is stale) or was started without CONFIG_MCONSOLE.`);

async function viaRelay(python: string, socket: string, command: string, timeoutMs: number): Promise<Reply> {
  const r = await execa(python, ['-c', RELAY, socket, String(timeoutMs / 1000)], {
    input: encodeRequest(command), reject: false, timeout: timeoutMs + 2000, encoding: 'utf8',
  });
  const parts: ReplyPart[] = r.stdout.split('\n').filter(Boolean).map((h) => decodeReply(Buffer.from(h, 'hex')));
  if (r.exitCode === 3 || r.timedOut) {
    // Some commands (e.g. sysrq m on 6.1) stop mid-reply and wedge the guest: keep what came.
    if (!parts.length) throw notAnswering(socket);
    const partial = joinReply(parts);
    return { ...partial, text: `${partial.text}\n[reply incomplete: the guest stopped answering after ${parts.length} parts]`, incomplete: true };
  }
  if (r.exitCode === 2) throw gone(socket);
  if (r.exitCode !== 0) throw new MconsoleError(`mconsole relay failed: ${r.stderr || r.exitCode}`);
  return joinReply(parts);
}

async function viaUmlMconsole(tool: string, socket: string, command: string, timeoutMs: number): Promise<Reply> {
  const r = await execa(tool, [socket, ...command.split(' ')], { reject: false, timeout: timeoutMs, encoding: 'utf8' });
  if (r.timedOut) throw notAnswering(socket);
  const out = r.stdout;
  if (/^ERR (Failed to connect|.*No such file)/m.test(out) || /connect.*failed/i.test(r.stderr)) throw gone(socket);
  const m = /^(OK|ERR) ?([\s\S]*)$/.exec(out);
  return m ? { ok: m[1] === 'OK', text: m[2] } : { ok: r.exitCode === 0, text: out };
}
