// Launch-time checks of the kernel binary, each failing with the fix named.
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from './cmdline';
import { elfSectionNamesOfFile, NotElfError } from './elf';

export interface KernelInfo {
  kernel: string;
  buildDir: string;
  gdbScripts?: string;
}

export function checkKernel(kernel: string): KernelInfo {
  let st: fs.Stats;
  try {
    st = fs.statSync(kernel);
  } catch {
    throw new ConfigError(`Kernel not found: ${kernel}. Build it in the kernel tree with \`make ARCH=um linux\`, or set "kernel" in launch.json to your UML binary.`);
  }
  if (!st.isFile()) throw new ConfigError(`"kernel": ${kernel} is not a file. Point "kernel" in launch.json at the UML binary (linux or vmlinux).`);
  let sections: string[];
  try {
    sections = elfSectionNamesOfFile(kernel);
  } catch (e) {
    if (e instanceof NotElfError) throw new ConfigError(`${kernel} is not a UML kernel (${e.message}). Build one with \`make ARCH=um linux\` and point "kernel" in launch.json at it.`);
    throw new ConfigError(`Cannot read ${kernel}: ${(e as Error).message}`);
  }
  if (!sections.includes('.uml.setup.init')) {
    throw new ConfigError(`${kernel} is not a User-Mode Linux kernel. Build it with ARCH=um: \`make ARCH=um defconfig && make ARCH=um linux\`.`);
  }
  if (!sections.includes('.debug_info')) {
    throw new ConfigError(`${kernel} has no debug info. Enable CONFIG_DEBUG_INFO (CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y) in .config, then \`make ARCH=um olddefconfig && make ARCH=um linux\`.`);
  }
  // The build directory is where the binary really is: a symlinked kernel still finds its scripts.
  const buildDir = path.dirname(fs.realpathSync(kernel));
  const py = path.join(buildDir, 'vmlinux-gdb.py');
  return { kernel, buildDir, gdbScripts: fs.existsSync(py) ? py : undefined };
}
