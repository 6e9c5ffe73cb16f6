// The kernel's lx-* gdb commands that cannot work on ARCH=um, explained when typed instead of
// failing obscurely (lx-symbols even drops the kernel's symbols when the binary is `linux`).
/** onError: explain only when gdb fails (the command works with some kernels' scripts). */
export interface LxNote { text: string; instead?: 'module-symbols'; onError?: boolean }

const NOTES: Array<[RegExp, LxNote]> = [
  [/^lx-symbols\b/, { instead: 'module-symbols', text: 'lx-symbols looks for an objfile named vmlinux and, with UML\'s `linux`, would drop the kernel\'s symbols. The debugger loads module symbols itself as the guest loads modules (each .ko found in "moduleSearchPath", next to the sources that hold breakpoints, in the hostfs root or in the kernel\'s build directory); it has now loaded those of modules already in the guest.' }],
  [/^lx-fdtdump\b/, { text: 'lx-fdtdump: UML has no device tree (ARCH=um has no CONFIG_OF).' }],
  [/^lx-(iomem|ioports)\b/, { text: 'lx-iomem / lx-ioports: UML has no I/O memory or I/O port resources to list.' }],
  [/^lx-(clk-summary|genpd-summary)\b/, { text: 'lx-clk-summary / lx-genpd-summary: UML has no clock or power-domain framework.' }],
  // 6.12's scripts read UML's cpu_tasks themselves; 6.1's fail on x86's per-CPU variable.
  [/\$lx_current\b/, { onError: true, text: 'This kernel\'s $lx_current() reads x86\'s per-CPU current_task, which UML does not have. The running task is cpu_tasks[0].task (e.g. `p cpu_tasks[0].task->comm`), and every task is a thread in the Call Stack.' }],
];

export function lxNote(command: string): LxNote | undefined {
  const c = command.trim();
  return NOTES.find(([re]) => re.test(c))?.[1];
}
