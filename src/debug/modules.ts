// Module symbols, loaded as the guest loads modules: the lx-symbols mechanism (a breakpoint in
// do_init_module, before the module's init runs) done by the adapter, because lx-symbols looks
// for an objfile named vmlinux and drops the kernel's symbols when it is UML's `linux`.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MiCommands, hex } from '../gdb/commands';
import { KernelModule } from '../gdb/kernelPython';
import { ModuleLocator } from './moduleFiles';
import { gdbSymbolFile } from './moduleElf';

interface Loaded { module: KernelModule; file?: string; ms: number; searched: string[] }

export class ModuleSymbols {
  private loaded = new Map<string, Loaded>();
  private hooks = new Map<number, 'load' | 'free'>();
  /** Symbol files of a previous boot, by .text address, still in gdb. */
  private stale: bigint[] = [];

  /**
   * files: where .ko files are found; copies: a directory for the copies gdb reads instead
   * (moduleElf.ts). event: a DAP module event for the client; say: a line for the Debug Console.
   */
  constructor(private readonly mi: MiCommands, private readonly files: ModuleLocator, private readonly copies: string,
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
    await this.dropStale();
    const m = await this.mi.moduleInfo('mod');
    if (!m) return;
    if (kind === 'load') await this.load(m);
    else await this.unload(m);
  }

  /** Modules loaded before we looked (attach, or lx-symbols typed): load what is missing. */
  async loadAll(): Promise<number> {
    await this.dropStale();
    let n = 0;
    for (const m of await this.mi.modules()) if (!this.loaded.has(m.name)) { await this.load(m); n++; }
    return n;
  }

  list(): DebugProtocol.Module[] { return [...this.loaded.values()].map((l) => this.toDap(l)); }

  /**
   * A new boot under the same gdb (Restart): the old modules are gone; their symbol files are
   * removed at the next module stop (gdb is stopped there, not necessarily now).
   */
  reset(): void {
    for (const l of this.loaded.values()) {
      if (l.file) this.stale.push(l.module.sections['.text'] ?? l.module.base);
      this.event('removed', this.toDap(l));
    }
    this.loaded.clear();
  }

  private async dropStale(): Promise<void> {
    for (const text of this.stale.splice(0)) await this.mi.removeSymbolFile(text).catch(() => undefined);
  }

  private async load(m: KernelModule): Promise<void> {
    const before = this.loaded.get(m.name);
    // UML can report the hook's breakpoint twice for one call: the same module is loaded once.
    if (before && before.module.addr === m.addr && before.module.base === m.base) return;
    if (before) await this.unload(before.module);
    const t0 = Date.now();
    const found = await this.files.find(m.name);
    let file = found.file;
    if (file && m.sectionsError) this.say(`Module ${m.name}: its sections' load addresses could not be read (${m.sectionsError}); gdb places them after .text, so breakpoints in its init code or data may be wrong.`);
    if (file) {
      try {
        await this.mi.addSymbolFile(gdbSymbolFile(file, this.copies).file, m.sections['.text'] ?? m.base, m.sections);
      } catch (e) {
        this.say(`Module ${m.name}: could not load symbols from ${file}: ${(e as Error).message}`);
        file = undefined;
      }
    }
    const l: Loaded = { module: m, file, ms: Date.now() - t0, searched: this.files.searched() };
    this.loaded.set(m.name, l);
    this.say(file ? `Module ${m.name} loaded at ${hex(m.base)}: symbols from ${file} (${l.ms} ms).`
      : found.file ? `Module ${m.name} loaded at ${hex(m.base)}: no symbols.`
        : `Module ${m.name} loaded at ${hex(m.base)}: no symbols (${m.name}.ko not found: looked in ${found.where}; add its directory to "moduleSearchPath").`);
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
      symbolStatus: l.file ? 'Symbols loaded' : `No symbols (searched ${l.searched.join(', ')})`,
      symbolFilePath: l.file,
    };
  }
}
