// Per-CPU variables as one child per possible CPU. On an SMP kernel (QEMU) a DEFINE_PER_CPU
// variable lives in .data..percpu and each CPU's copy is at its address plus
// __per_cpu_offset[cpu]; printed as it is, gdb shows the template (or cannot read it). A !SMP
// kernel (UML) links per-CPU variables into plain .data, so only the definition says what they
// are: the line gdb's debug info names is read and must say DEFINE_PER_CPU.
import * as fs from 'fs';
import { MiCommands, Where } from '../gdb/commands';
import { setBits } from './kernelData';

/** A per-CPU variable: its name and type, whether CPUs' copies are at offsets (SMP), and the CPUs. */
export interface PerCpuVar { name: string; type: string; smp: boolean; cpus: number[] }

/** Whether source lines (the definition's, and the next two for a wrapped one) define a per-CPU variable `name` (DEFINE_PER_CPU and its variants). */
export function definesPerCpu(line: string, name: string): boolean {
  return new RegExp(`^[^\\n]*\\bDEFINE_PER_CPU\\w*\\s*\\([^]*\\b${name}\\s*(\\[[^\\]]*\\]\\s*)*\\)`).test(line);
}

/** A pointer to `type` in C (gdb has no typeof in casts): "int" -> "int *", "struct s *[2]" -> "struct s *(*)[2]". */
export function pointerTo(type: string): string {
  const arr = type.indexOf('[');
  return arr >= 0 ? `${type.slice(0, arr).trimEnd()} (*)${type.slice(arr)}` : `${type} *`;
}

/** The expression of CPU `cpu`'s copy. */
export function cpuExpr(v: PerCpuVar, cpu: number): string {
  return v.smp ? `(*(${pointerTo(v.type)}) ((unsigned long) &${v.name} + __per_cpu_offset[${cpu}]))` : v.name;
}

export class PerCpu {
  private defined = new Map<string, boolean>();
  private possible?: number[];

  constructor(private readonly mi: MiCommands) {}

  /** The per-CPU variable `expr` names, if it is a global defined per CPU; undefined otherwise. */
  async lookup(expr: string, where?: Where): Promise<PerCpuVar | undefined> {
    const name = expr.trim();
    if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
    // A global's address prints with its symbol (<name>); a local's does not.
    const addr = /^(?:\([^)]*\)\s*)?(0x[0-9a-f]+) <(\w+)>/i.exec(await this.mi.dataEvaluateExpression(`&${name}`, where).catch(() => ''));
    if (!addr || addr[2] !== name) return undefined;
    const section = / in section (\S+)/.exec(await this.mi.consoleExec(`info symbol ${addr[1]}`).catch(() => ''))?.[1];
    if (!section) return undefined;
    const smp = section === '.data..percpu';
    if (!smp && !(await this.definedPerCpu(name))) return undefined;
    const type = await this.mi.whatis(name);
    if (!type) return undefined;
    return { name, type, smp, cpus: await this.cpus() };
  }

  private async definedPerCpu(name: string): Promise<boolean> {
    let known = this.defined.get(name);
    if (known === undefined) {
      known = false;
      for (const s of await this.mi.symbolInfoVariables(`^${name}$`).catch(() => [])) {
        const line = readLines(s.fullname, s.line, 3);
        if (line !== undefined && definesPerCpu(line, name)) known = true;
      }
      this.defined.set(name, known);
    }
    return known;
  }

  /** The possible CPUs (a !SMP kernel: CPU 0). */
  private async cpus(): Promise<number[]> {
    if (!this.possible) {
      const bits = await this.mi.dataEvaluateExpression('__cpu_possible_mask.bits').catch(() => '');
      const list = setBits(bits);
      this.possible = list.length ? list : [0];
    }
    return this.possible;
  }
}

function readLines(file: string, line: number, n: number): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(line - 1, line - 1 + n).join('\n');
  } catch {
    return undefined;
  }
}
