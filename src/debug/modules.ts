// Module symbols, loaded as the guest loads modules: the lx-symbols mechanism (a breakpoint in
// do_init_module, before the module's init runs) done by the adapter, because lx-symbols looks
// for an objfile named vmlinux and drops the kernel's symbols when it is UML's `linux`.
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MiCommands, hex } from '../gdb/commands';
import { KernelModule } from '../gdb/kernelPython';
import { walkFilesSync } from '../uml/treeWalk';

/** How module names and .ko file names compare (the kernel writes '_' where files have '-'). */
export const moduleKey = (name: string) => name.replace(/\.ko$/, '').replace(/-/g, '_');

/**
 * Every .ko under the search path, by module name; the first directory wins. A kernel build
 * directory's modules.order is read instead of walking it.
 */
export function findModuleFiles(dirs: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const add = (file: string) => { const k = moduleKey(path.basename(file)); if (!found.has(k)) found.set(k, file); };
  for (const dir of dirs) {
    const order = path.join(dir, 'modules.order');
    let listed = 0;
    if (fs.existsSync(order)) {
      for (const l of fs.readFileSync(order, 'utf8').split('\n').map((x) => x.trim()).filter(Boolean)) {
        const ko = path.resolve(dir, l.replace(/\.o$/, '.ko'));   // relative to the build directory, or absolute
        if (fs.existsSync(ko)) { add(ko); listed++; }
      }
    }
    if (!listed) walkFilesSync(dir, (p, name) => { if (name.endsWith('.ko')) add(p); }, { maxDepth: 8, skipDir: (_p, name) => name === 'node_modules' });
  }
  return found;
}

interface Loaded { module: KernelModule; file?: string; ms: number }

export class ModuleSymbols {
  private loaded = new Map<string, Loaded>();
  private files: Map<string, string> | undefined;
  private hooks = new Map<number, 'load' | 'free'>();

  /**
   * searchPath: where the .ko files are (default: the kernel's build directory). event: a DAP
   * module event for the client; say: a line for the Debug Console.
   */
  constructor(private readonly mi: MiCommands, private readonly searchPath: string[],
    private readonly event: (reason: 'new' | 'changed' | 'removed', m: DebugProtocol.Module) => void,
    private readonly say: (line: string) => void) {}

  /** Breakpoints on module load and free; a kernel without modules has neither, and that is fine. */
  async hook(): Promise<void> {
    for (const [loc, kind] of [['do_init_module', 'load'], ['free_module', 'free']] as const) {
      try { this.hooks.set((await this.mi.breakInsert({ location: loc })).number, kind); } catch { /* CONFIG_MODULES=n */ }
    }
  }

  hookOf(num: number): 'load' | 'free' | undefined { return this.hooks.get(num); }

  /** At the do_init_module / free_module stop: the module in its argument `mod`. */
  async onHook(kind: 'load' | 'free'): Promise<void> {
    const m = await this.mi.moduleInfo('mod');
    if (!m) return;
    if (kind === 'load') await this.load(m);
    else await this.unload(m);
  }

  /** Modules loaded before we looked (attach, or lx-symbols typed): load what is missing. */
  async loadAll(): Promise<number> {
    let n = 0;
    for (const m of await this.mi.modules()) if (!this.loaded.has(m.name)) { await this.load(m); n++; }
    return n;
  }

  list(): DebugProtocol.Module[] { return [...this.loaded.values()].map((l) => this.toDap(l)); }

  private async load(m: KernelModule): Promise<void> {
    const t0 = Date.now();
    this.files ??= findModuleFiles(this.searchPath);
    let file = this.files.get(moduleKey(m.name));
    if (file) {
      try {
        await this.mi.addSymbolFile(file, m.sections['.text'] ?? m.base, m.sections);
      } catch (e) {
        this.say(`Module ${m.name}: could not load symbols from ${file}: ${(e as Error).message}`);
        file = undefined;
      }
    }
    const l: Loaded = { module: m, file, ms: Date.now() - t0 };
    this.loaded.set(m.name, l);
    this.say(file ? `Module ${m.name} loaded at ${hex(m.base)}: symbols from ${file} (${l.ms} ms).`
      : `Module ${m.name} loaded at ${hex(m.base)}: no symbols (${m.name}.ko not found in ${this.searchPath.join(', ')}; set "moduleSearchPath").`);
    this.event('new', this.toDap(l));
  }

  private async unload(m: KernelModule): Promise<void> {
    const l = this.loaded.get(m.name);
    if (!l) return;
    this.loaded.delete(m.name);
    if (l.file) await this.mi.removeSymbolFile(l.module.sections['.text'] ?? l.module.base).catch(() => undefined);
    this.event('removed', this.toDap(l));
  }

  private toDap(l: Loaded): DebugProtocol.Module {
    const m = l.module;
    return {
      id: m.name, name: m.name, path: l.file,
      addressRange: `${hex(m.base)}-${hex(m.base + BigInt(m.size))}`,
      symbolStatus: l.file ? 'Symbols loaded' : `No symbols (searched ${this.searchPath.join(', ')})`,
      symbolFilePath: l.file,
    };
  }
}
