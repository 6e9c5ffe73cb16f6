// A kernel in QEMU behind its gdbstub (seed 002's workflow): the launch.json attributes, checked
// into a plan before anything starts, and QEMU's command line as an argument array. Pure apart
// from stat calls: unit-tested in milliseconds.
import type { QemuLaunchBlock } from '../config';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../uml/cmdline';
import { elfSectionNamesOfFile, NotElfError } from '../../uml/elf';
import { findExecutable } from '../../uml/host';


export interface RemoteTarget {
  /** host:port of the gdbstub. */
  address: string;
  /** Set when the adapter starts QEMU itself (and so ends it). */
  qemu?: { command: string; args: string[]; accel: 'tcg' | 'kvm' };
  /** Hardware breakpoints instead of software ones (a KVM guest's early code). */
  hardwareBreakpoints: boolean;
}

/** The vmlinux gdb reads: an ELF with debug info, and not a UML binary (that one runs without QEMU). */
export function checkVmlinux(file: string): { kernel: string; buildDir: string; gdbScripts?: string } {
  let sections: string[];
  try {
    sections = elfSectionNamesOfFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError(`vmlinux not found: ${file}. Point "kernel" at the vmlinux of the kernel QEMU runs (in its build directory).`);
    if (e instanceof NotElfError) throw new ConfigError(`${file} is not a vmlinux (${e.message}): "kernel" is the ELF file with debug info, the bootable bzImage goes in "qemu.kernel".`);
    throw new ConfigError(`Cannot read ${file}: ${(e as Error).message}`);
  }
  if (sections.includes('.uml.setup.init')) throw new ConfigError(`${file} is a User-Mode Linux kernel: launch it without "qemu" and "target" (it runs as a process, not in QEMU).`);
  if (!sections.includes('.debug_info')) throw new ConfigError(`${file} has no debug info: build the kernel with CONFIG_DEBUG_INFO (CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y).`);
  const buildDir = path.dirname(fs.realpathSync(file));
  const py = path.join(buildDir, 'vmlinux-gdb.py');
  return { kernel: file, buildDir, gdbScripts: fs.existsSync(py) ? py : undefined };
}

/** "host:port", ":port" or a bare port, as gdb's `target remote` takes it. */
export function parseTarget(target: string): string {
  const m = /^(?:([\w.-]*):)?(\d{1,5})$/.exec(target.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError(`"target": "${target}" is not host:port (e.g. "localhost:1234", QEMU's -s).`);
  return `${m[1] || 'localhost'}:${m[2]}`;
}

/**
 * KVM needs the CPU's virtualization (vmx or svm: a VM without nested virtualization has
 * /dev/kvm but not the flag, and QEMU then hangs) and /dev/kvm, readable and writable by us.
 */
export function kvmProblem(dev = '/dev/kvm', cpuinfo = readCpuinfo()): string | undefined {
  if (cpuinfo !== undefined && !/^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo)) {
    return 'KVM is not available: this CPU (or VM) offers no hardware virtualization (no vmx or svm flag in /proc/cpuinfo; in a VM, enable nested virtualization). Use "accel": "tcg" (software emulation).';
  }
  try { fs.accessSync(dev, fs.constants.R_OK | fs.constants.W_OK); return undefined; } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT'
      ? `KVM is not available: ${dev} does not exist (no virtualization in this machine or VM, or the kvm module is not loaded). Use "accel": "tcg" (software emulation).`
      : `KVM is not available: no access to ${dev} (add yourself to the kvm group: sudo adduser $USER kvm, then log in again), or use "accel": "tcg".`;
  }
}

function readCpuinfo(): string | undefined {
  try { return fs.readFileSync('/proc/cpuinfo', 'utf8'); } catch { return undefined; }
}

/**
 * QEMU's arguments: the kernel stopped at its first instruction (-S) behind the gdbstub,
 * its serial console on `console` (a tty path, or stdio), no display, no reboot (a guest
 * `reboot -f` ends QEMU), and nokaslr so the vmlinux's addresses are the running ones.
 */
export function qemuArgs(q: QemuLaunchBlock, port: number, console: { tty: string } | 'stdio'): string[] {
  const append = /(^|\s)nokaslr(\s|$)/.test(q.append ?? '') ? q.append! : `${q.append ?? 'console=ttyS0'} nokaslr`.trim();
  return [
    '-m', q.memory ?? '256M',
    '-kernel', q.kernel,
    ...(q.initrd ? ['-initrd', q.initrd] : []),
    '-append', append,
    '-accel', q.accel ?? 'tcg',
    '-display', 'none', '-monitor', 'none', '-no-reboot',
    ...(console === 'stdio' ? ['-serial', 'stdio'] : ['-chardev', `tty,id=con0,path=${console.tty}`, '-serial', 'chardev:con0']),
    '-gdb', `tcp:127.0.0.1:${port}`, '-S',
    ...(q.extraArgs ?? []),
  ];
}

/** Checks a launch's qemu block: QEMU installed, files there, KVM usable when asked for. */
export function checkQemuBlock(q: QemuLaunchBlock, abs: (p: string) => string): QemuLaunchBlock {
  const qemuPath = q.qemuPath ?? 'qemu-system-x86_64';
  const found = findExecutable(qemuPath);
  if (!found) throw new ConfigError(`${qemuPath} not found: install QEMU (Debian: sudo apt-get install qemu-system-x86), or set "qemu.qemuPath".`);
  const kernel = abs(q.kernel ?? '');
  if (!q.kernel || !fs.existsSync(kernel)) throw new ConfigError(`"qemu.kernel": ${q.kernel ? kernel : '(missing)'} not found: the bootable image, e.g. "\${workspaceFolder}/arch/x86/boot/bzImage" (make bzImage).`);
  const initrd = q.initrd ? abs(q.initrd) : undefined;
  if (initrd && !fs.existsSync(initrd)) throw new ConfigError(`"qemu.initrd": ${initrd} not found.`);
  if (q.accel && q.accel !== 'tcg' && q.accel !== 'kvm') throw new ConfigError(`"qemu.accel": "${q.accel}" is not tcg or kvm.`);
  if (q.accel === 'kvm') { const p = kvmProblem(); if (p) throw new ConfigError(p); }
  for (const a of q.extraArgs ?? []) if (/^-(gdb|s|S|kernel|serial)$/.test(a)) throw new ConfigError(`"qemu.extraArgs" must not contain ${a}: the adapter sets it.`);
  return { ...q, qemuPath: found, kernel, initrd };
}
