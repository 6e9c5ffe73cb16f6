// The XSAVE check: host sizes and kernel binaries (small ELF files made here) as fixtures,
// both outcomes, and the console line recognised when it arrives in pieces.
import { test } from 'node:test';
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  HostXsave, UML_FP_BUFFER, PATCH_MARKER, classifyKernel, classifySource, explainConsole, FpFailureWatch,
  hostTooLarge, hostXsaveFromCpuinfo, parseProbeOutput, xsaveProblem, bannerVersion,
} from '../../src/hostcompat/xsave';
import { kernelFpCode } from '../../src/hostcompat/hostXsave';
import { makeElf } from '../support/elfFixture';

const host = (size: number): HostXsave => ({ size, source: 'ptrace' });
// Sizes seen on real hosts: a VM with AVX-512 (compacted-like layout), AVX-512 + PKRU, Sapphire Rapids (AMX).
const SMALL = [576, 832, 2432, 2688, UML_FP_BUFFER];
const LARGE = [2752, 11008];

test('host sizes: only a size above UML\'s 2696-byte buffer is too large', () => {
  for (const s of SMALL) assert.strictEqual(hostTooLarge(host(s)), false, `${s}`);
  for (const s of LARGE) assert.strictEqual(hostTooLarge(host(s)), true, `${s}`);
});

test('without the probe, /proc/cpuinfo tells AMX hosts apart', () => {
  const flags = 'fpu vme de pse tsc msr pae mce cx8 apic sse sse2 avx avx2 avx512f pku ospke';
  const plain = hostXsaveFromCpuinfo(`processor\t: 0\nflags\t\t: ${flags}\n`);
  const amx = hostXsaveFromCpuinfo(`processor\t: 0\nflags\t\t: ${flags} amx_bf16 amx_tile amx_int8\n`);
  assert.deepStrictEqual(plain, { source: 'cpuflags', amx: false });
  assert.strictEqual(hostTooLarge(plain), false);
  assert.strictEqual(hostTooLarge(amx), true);
  assert.strictEqual(hostTooLarge(hostXsaveFromCpuinfo('')), false);
});

test('probe output: a byte count, or nothing for an errno', () => {
  assert.strictEqual(parseProbeOutput('2432\n'), 2432);
  assert.strictEqual(parseProbeOutput('errno 1\n'), undefined);
  assert.strictEqual(parseProbeOutput(''), undefined);
});

function withKernelFile<T>(machine: number, rodata: string, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsave-elf-'));
  try {
    const file = path.join(dir, 'linux');
    fs.writeFileSync(file, makeElf(machine, [{ name: '.rodata', data: Buffer.from(rodata, 'latin1') }]));
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const banner = (v: string) => `\0\0Linux version ${v} (root@build) (gcc (Debian 12.2.0-14) 12.2.0) #1 Mon Jan 1 00:00:00 UTC 2026\n\0`;

test('kernel binaries: old code, our patch, the upstream fix, 32-bit', () => {
  const cases: [number, string, string][] = [
    [62, banner('6.1.158'), 'fixed-size'],
    [62, banner('6.12.57') + `um: host XSAVE area is %lu bytes (${PATCH_MARKER})\n`, 'patched'],
    [62, banner('6.13.0'), 'fixed-upstream'],
    [62, banner('7.0.1'), 'fixed-upstream'],
    [62, 'no banner at all', 'fixed-size'],
    [3, banner('6.1.158'), 'not-x86_64'],
  ];
  for (const [machine, rodata, kind] of cases) {
    const code = withKernelFile(machine, rodata, kernelFpCode);
    assert.strictEqual(code.kind, kind, rodata);
  }
  assert.strictEqual(bannerVersion(banner('6.1.158')), '6.1.158');
});

test('the verdict: both outcomes, with the cause and both ways out in the message', () => {
  const old = classifyKernel(62, banner('6.1.158'));
  const problem = xsaveProblem(host(11008), old);
  assert.ok(problem);
  assert.match(problem, /6\.1\.158/);
  assert.match(problem, /11008 bytes/);
  assert.match(problem, /ptrace set fp regs failed, errno = 14/);
  assert.match(problem, /6\.13 or later/);
  assert.match(problem, /Apply XSAVE Host Fix/);
  assert.match(problem, /scripts\/patches\/0001-um-x86-host-sized-xstate-transfers\.patch/);
  assert.match(xsaveProblem(hostXsaveFromCpuinfo('flags\t: avx512f amx_tile\n'), old) ?? '', /the CPU has AMX/);
  assert.strictEqual(xsaveProblem(host(2432), old), undefined, 'a small host runs old kernels');
  assert.strictEqual(xsaveProblem(host(11008), classifyKernel(62, banner('6.1.158') + PATCH_MARKER)), undefined);
  assert.strictEqual(xsaveProblem(host(11008), classifyKernel(62, banner('6.13.2'))), undefined);
});

test('kernel sources: the fixed-size code, the patched code, anything else', () => {
  const old = '\t\tiov.iov_base = fp_regs;\n\t\tiov.iov_len = FP_SIZE * sizeof(unsigned long);\n\t\tif (ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov) < 0)\n';
  assert.strictEqual(classifySource(old), 'fixed-size');
  assert.strictEqual(classifySource(`/* ${PATCH_MARKER} */\n${old}`), 'patched');
  assert.strictEqual(classifySource('iov.iov_len = host_fp_size;\nPTRACE_SETREGSET'), 'other');
});

test('the console line is recognised on whole lines, even split across chunks, and explained once', () => {
  const lines = 'Run /init as init process\nuserspace - ptrace set fp regs failed, errno = 14\nKernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n';
  assert.match(explainConsole(lines, host(11008)) ?? '', /XSAVE area \(11008 bytes here\)/);
  assert.match(explainConsole(lines) ?? '', /Apply XSAVE Host Fix/, 'host unknown: the known cause and its fix');
  assert.match(explainConsole('ptrace set fp regs failed, errno = 1') ?? '', /errno 1/);
  assert.strictEqual(explainConsole('Run /init as init process\n'), undefined);
  const w = new FpFailureWatch(host(11008));
  const at = lines.indexOf('fp regs') + 3;
  assert.strictEqual(w.feed(lines.slice(0, at)), undefined);
  assert.strictEqual(w.feed(lines.slice(at, lines.indexOf('= 14') + 4)), undefined, 'not before the line is whole');
  assert.match(w.feed(lines.slice(lines.indexOf('= 14') + 4)) ?? '', /Apply XSAVE Host Fix/);
  assert.strictEqual(w.feed(lines), undefined, 'said once');
  assert.ok(w.hint);
  const last = new FpFailureWatch(host(11008));
  assert.strictEqual(last.feed('userspace - ptrace set fp regs failed, errno = 14'), undefined);
  assert.match(last.flush() ?? '', /larger than this kernel/, 'a last line without newline counts at the end');
  assert.strictEqual(new FpFailureWatch(host(2432)).possible, false);
  assert.strictEqual(new FpFailureWatch(host(11008)).possible, true);
});

test('on a host whose XSAVE area fits, errno 14 is not blamed on it', () => {
  const line = 'userspace - ptrace set fp regs failed, errno = 14\n';
  const fits = explainConsole(line, host(2432)) ?? '';
  assert.match(fits, /does not apply: this host's XSAVE area is 2432 bytes, which fits/);
  assert.doesNotMatch(fits, /Apply XSAVE Host Fix/);
  assert.match(explainConsole(line, hostXsaveFromCpuinfo('flags\t: avx2\n')) ?? '', /without AMX/);
});
