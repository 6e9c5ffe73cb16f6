// Reads the two facts the XSAVE check needs, without native code: the host's XSAVE size (the
// same PTRACE_GETREGSET UML makes, through python3's ctypes) and the kernel's FP transfer code
// (its banner and our patch's message, from the ELF's .rodata). Both are cached.
import * as fs from 'fs';
import * as path from 'path';
import { execa } from 'execa';
import { cacheDir, findExecutable } from '../uml/host';
import { elfLayout, withElfFile } from '../uml/elf';
import { HostXsave, KernelFpCode, classifyKernel, hostXsaveFromCpuinfo, hostTooLarge, parseProbeOutput, xsaveProblem } from './xsave';

// A traced child stops itself; GETREGSET with a 64 KiB buffer answers with the host's size
// in iov_len (the kernel clamps it to its own XSAVE size). Prints the size or `errno N`.
const PROBE = `
import ctypes, os, signal
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long
class iovec(ctypes.Structure):
    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]
pid = os.fork()
if pid == 0:
    libc.ptrace(0, 0, None, None)  # PTRACE_TRACEME
    os.kill(os.getpid(), signal.SIGSTOP)
    os._exit(0)
os.waitpid(pid, 0)
buf = ctypes.create_string_buffer(65536)
iov = iovec(ctypes.cast(buf, ctypes.c_void_p), 65536)
r = libc.ptrace(0x4204, pid, 0x202, ctypes.byref(iov))  # PTRACE_GETREGSET, NT_X86_XSTATE
err = ctypes.get_errno()
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
print(iov.len if r == 0 else 'errno %d' % err)
`;

let hostPromise: Promise<HostXsave> | undefined;

/**
 * The host's XSAVE size; the CPU flags when the probe cannot run. Probed once per host boot:
 * the answer is kept on disk under the boot id, so a launch reads a small file, not python.
 */
export function hostXsave(): Promise<HostXsave> {
  hostPromise ??= cachedProbe();
  return hostPromise;
}

async function cachedProbe(): Promise<HostXsave> {
  let bootId = '';
  try { bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(); } catch { return probe(); }
  const file = path.join(cacheDir(), 'host-xsave.json');
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as { bootId: string; host: HostXsave };
    if (c.bootId === bootId) return c.host;
  } catch { /* first time on this boot */ }
  const host = await probe();
  if (host.source === 'ptrace') {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ bootId, host }));
    } catch { /* a read-only cache only costs the next launch a probe */ }
  }
  return host;
}

async function probe(): Promise<HostXsave> {
  const python = process.arch === 'x64' ? findExecutable('python3') : undefined;
  if (python) {
    const r = await execa(python, ['-c', PROBE], { reject: false, timeout: 5000 });
    const size = parseProbeOutput(r.stdout ?? '');
    if (size !== undefined) return { size, source: 'ptrace' };
  }
  let cpuinfo = '';
  try { cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8'); } catch { /* not Linux: nothing to say */ }
  return hostXsaveFromCpuinfo(cpuinfo);
}

const kernels = new Map<string, KernelFpCode>();

/** The kernel's FP transfer code, from .rodata (a few MB of the binary, read once per build). */
export function kernelFpCode(kernel: string): KernelFpCode {
  const st = fs.statSync(kernel);
  const key = `${fs.realpathSync(kernel)}:${st.size}:${st.mtimeMs}`;
  let code = kernels.get(key);
  if (!code) {
    code = withElfFile(kernel, (readAt) => {
      const { machine, sections } = elfLayout(readAt);
      const rodata = sections.find((s) => s.name === '.rodata');
      return classifyKernel(machine, rodata ? readAt(rodata.offset, rodata.size).toString('latin1') : '');
    });
    kernels.set(key, code);
  }
  return code;
}

/**
 * The XSAVE problem of this kernel on this host, or undefined. The kernel is read only when
 * the host's XSAVE area is too large for old kernels, so hosts without AMX pay nothing.
 */
export async function xsaveCheck(kernel: string): Promise<string | undefined> {
  const host = await hostXsave();
  if (!hostTooLarge(host)) return undefined;
  try {
    return xsaveProblem(host, kernelFpCode(kernel));
  } catch {
    return undefined;  // not readable or not ELF: the launch checks say so
  }
}
