// UML kernels before 6.13 and hosts with a large XSAVE area (AMX): who is affected, and what
// to tell the user. Pure: the host size and the kernel's facts are read elsewhere.
//
// Those kernels move each guest process's FPU state with PTRACE_GETREGSET/SETREGSET
// (NT_X86_XSTATE) through a buffer of HOST_FP_SIZE = 2696 bytes (arch/x86/um/user-offsets.c).
// The host's SETREGSET takes only a buffer of exactly its own XSAVE size and fails with EFAULT
// otherwise, so on a host whose size is larger the first guest process dies:
// "userspace - ptrace set fp regs failed, errno = 14", then "Attempted to kill init!".

/** UML's fixed FP buffer on x86_64, in bytes (6.1 ... 6.12). */
export const UML_FP_BUFFER = 2696;
/** The first kernel with the upstream fix ("um: switch to regset API and depend on XSTATE"). */
export const FIXED_UPSTREAM = [6, 13] as const;
/** A string only our patch puts into the kernel (its boot message). */
export const PATCH_MARKER = 'uml-kernel-debug xstate patch';
export const PATCH_FILE = 'scripts/patches/0001-um-x86-host-sized-xstate-transfers.patch';
/** The file the patch changes, relative to the kernel source tree. */
export const PATCHED_SOURCE = 'arch/x86/um/os-Linux/registers.c';

/** GNU patch arguments that write the patched copy of `source` to `out`, leaving `source` as it is; no fuzz: the context must match exactly. */
export function previewPatchArgs(source: string, patchFile: string, out: string): string[] {
  return ['--batch', '--forward', '--fuzz=0', '--silent', '-o', out, source, '-i', patchFile];
}

export interface HostXsave {
  /** Bytes the host's PTRACE_SETREGSET(NT_X86_XSTATE) wants; undefined: unknown. */
  size?: number;
  /** How it was learnt: the same ptrace call UML makes, or the CPU flags alone. */
  source: 'ptrace' | 'cpuflags';
  /** From cpu flags: AMX present, so the size is at least AMX_MIN_SIZE. */
  amx?: boolean;
}

/** XTILEDATA alone is 8 KiB: a host with AMX has an XSAVE area larger than UML's buffer. */
export const AMX_MIN_SIZE = 8192;

/**
 * Without a ptrace probe, /proc/cpuinfo still tells whether AMX tile data is there. The exact
 * size cannot be derived from flags (hypervisors lay out the standard format differently).
 */
export function hostXsaveFromCpuinfo(cpuinfo: string): HostXsave {
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1].trim().split(/\s+/) ?? [];
  return { source: 'cpuflags', amx: flags.includes('amx_tile') };
}

/** Parses the probe's one line: a byte count, or `errno N`. */
export function parseProbeOutput(out: string): number | undefined {
  const n = Number(out.trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export type KernelFpCode =
  | { kind: 'fixed-size'; version?: string }       // the old code: 2696-byte transfers
  | { kind: 'patched'; version?: string }          // our patch: host-sized transfers
  | { kind: 'fixed-upstream'; version: string }    // 6.13 or later
  | { kind: 'not-x86_64' };

/** "6.1.158" from the kernel's banner ("Linux version 6.1.158 (...)"). */
export function bannerVersion(text: string): string | undefined {
  return /Linux version (\d+\.\d+[^\s\x00]*)/.exec(text)?.[1];
}

export function atLeast(version: string, [maj, min]: readonly [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  return Number(m[1]) > maj || (Number(m[1]) === maj && Number(m[2]) >= min);
}

/**
 * The kernel's FP transfer code, from its read-only data (banner and our patch's message).
 * machine: ELF e_machine (62 = x86_64); 32-bit UML uses other ptrace requests.
 */
export function classifyKernel(machine: number, rodata: string): KernelFpCode {
  if (machine !== 62) return { kind: 'not-x86_64' };
  const version = bannerVersion(rodata);
  if (version && atLeast(version, FIXED_UPSTREAM)) return { kind: 'fixed-upstream', version };
  if (rodata.includes(PATCH_MARKER)) return { kind: 'patched', version };
  return { kind: 'fixed-size', version };
}

/** The kernel source, before it is built: does registers.c still have the fixed-size code? */
export function classifySource(registersC: string): 'fixed-size' | 'patched' | 'other' {
  if (registersC.includes(PATCH_MARKER)) return 'patched';
  if (/iov\.iov_len\s*=\s*FP_SIZE\s*\*\s*sizeof\(unsigned long\);[\s\S]*PTRACE_SETREGSET/.test(registersC)) return 'fixed-size';
  return 'other';
}

export function hostTooLarge(host: HostXsave): boolean {
  return host.size !== undefined ? host.size > UML_FP_BUFFER : !!host.amx;
}

function hostText(host: HostXsave): string {
  return host.size !== undefined ? `${host.size} bytes` : `at least ${AMX_MIN_SIZE} bytes: the CPU has AMX`;
}

/** The problem, or undefined when this kernel runs fine on this host. */
export function xsaveProblem(host: HostXsave, kernel: KernelFpCode): string | undefined {
  if (kernel.kind !== 'fixed-size' || !hostTooLarge(host)) return undefined;
  const v = kernel.version ? ` ${kernel.version}` : '';
  return `This UML kernel${v} cannot run user processes on this host: the host's XSAVE area (${hostText(host)}) is larger than ` +
    `UML's fixed ${UML_FP_BUFFER}-byte FPU buffer, so the first guest process dies with "ptrace set fp regs failed, errno = 14" ` +
    `and the kernel panics ("Attempted to kill init!"). Fix: use a kernel with the upstream fix (Linux ${FIXED_UPSTREAM.join('.')} or later), ` +
    `or apply this extension's patch (command "UML: Apply XSAVE Host Fix to Kernel Tree", file ${PATCH_FILE}) and rebuild.`;
}

/** UML's console line when SETREGSET failed; errno 14 (EFAULT) is the XSAVE size mismatch. */
const FP_REGS_FAILED = /ptrace set fp regs failed, errno = (\d+)/;

/** The explanation for a console text that shows the failure, or undefined. */
export function explainConsole(text: string, host?: HostXsave): string | undefined {
  const m = FP_REGS_FAILED.exec(text);
  if (!m) return undefined;
  if (m[1] !== '14') return `UML could not restore a guest process's FPU registers (ptrace errno ${m[1]}).`;
  if (host && !hostTooLarge(host)) {
    // The known cause needs a large host XSAVE area: do not blame it where it cannot be.
    const here = host.size !== undefined ? `${host.size} bytes, which fits` : 'without AMX';
    return `UML could not restore a guest process's FPU registers ("ptrace set fp regs failed, errno = 14"). The known cause, a host ` +
      `XSAVE area larger than the kernel's ${UML_FP_BUFFER}-byte buffer (AMX hosts, kernels before ${FIXED_UPSTREAM.join('.')}), ` +
      `does not apply: this host's XSAVE area is ${here}.`;
  }
  const size = host?.size !== undefined ? ` (${host.size} bytes here)` : '';
  return `The guest process died because UML could not restore its FPU registers: "ptrace set fp regs failed, errno = 14" means ` +
    `the host's XSAVE area${size} is larger than this kernel's fixed ${UML_FP_BUFFER}-byte buffer (hosts with AMX, kernels before ` +
    `${FIXED_UPSTREAM.join('.')}). Fix: a kernel with the upstream fix (Linux ${FIXED_UPSTREAM.join('.')} or later), or apply this ` +
    `extension's patch (command "UML: Apply XSAVE Host Fix to Kernel Tree", file ${PATCH_FILE}) and rebuild.`;
}

/**
 * Watches console text as it streams for the failure, once. Only whole lines count, so the
 * explanation never lands in the middle of the kernel's line; flush() reads a last partial one.
 */
export class FpFailureWatch {
  hint: string | undefined;
  private partial = '';

  constructor(private readonly host?: HostXsave) {}

  /** Only a host whose XSAVE area is too large for old kernels can show this failure. */
  get possible(): boolean { return !this.host || hostTooLarge(this.host); }

  /** Returns the explanation the first time a whole line shows the failure. */
  feed(text: string): string | undefined {
    if (this.hint) return undefined;
    const seen = this.partial + text;
    const end = seen.lastIndexOf('\n');
    this.partial = seen.slice(end + 1).slice(-200);
    if (end < 0) return undefined;
    this.hint = explainConsole(seen.slice(0, end + 1), this.host);
    return this.hint;
  }

  /** The text ended: a last line without its newline counts too. */
  flush(): string | undefined {
    if (this.hint || !this.partial) return undefined;
    this.hint = explainConsole(this.partial, this.host);
    this.partial = '';
    return this.hint;
  }
}
