// Kconfig's macro language (Documentation/kbuild/kconfig-macro-language.rst, as
// scripts/kconfig/preprocess.c implements it): variables (`:=` simple, `=` recursive, `+=`),
// `$(name,args...)` with $(1).. inside a recursive variable, the built-in functions (shell,
// info, warning-if, error-if, filename, lineno), then the environment. `$(shell,...)` goes to
// a callback that answers from its cache or says "not yet known" (undefined): an expansion
// that met one is undefined, never a guess. Pure.

export type ShellAnswer = (command: string) => string | undefined;

interface Variable { value: string | undefined; recursive: boolean }

export interface MacroDefinition { name: string; op: string; value: string }

export class KconfigMacros {
  private readonly vars = new Map<string, Variable>();
  private unknown = false;

  constructor(private readonly env: Record<string, string | undefined>, private readonly shell: ShellAnswer, defs: MacroDefinition[] = []) {
    for (const d of defs) this.define(d.name, d.op, d.value);
  }

  /** A variable definition, in the order conf reads them. */
  define(name: string, op: string, value: string): void {
    const old = this.vars.get(name);
    if (op === '+=' && old) {
      const add = old.recursive ? value : this.expand(value);
      this.vars.set(name, { value: old.value === undefined || add === undefined ? undefined : `${old.value} ${add}`, recursive: old.recursive });
    } else if (op === ':=' || op === '+=') this.vars.set(name, { value: this.expand(value), recursive: false });
    else this.vars.set(name, { value, recursive: true });
  }

  /** `text` with every macro expanded; undefined when a shell command's answer is not known yet. */
  expand(text: string): string | undefined {
    this.unknown = false;
    const out = this.expandWith(text, []);
    return this.unknown ? undefined : out;
  }

  private expandWith(s: string, args: string[]): string {
    let out = '';
    let i = 0;
    while (i < s.length) {
      const j = s.indexOf('$(', i);
      if (j < 0) { out += s.slice(i); break; }
      out += s.slice(i, j);
      // The clause runs to its matching parenthesis; any "(" nests (preprocess.c).
      let nest = 0;
      let k = j + 2;
      for (; k < s.length; k++) {
        if (s[k] === '(') nest++;
        else if (s[k] === ')' && nest-- === 0) break;
      }
      out += this.clause(s.slice(j + 2, k), args);
      i = k + 1;
    }
    return out;
  }

  private clause(body: string, args: string[]): string {
    // Split at commas outside parentheses, then expand each part.
    const parts: string[] = [];
    let nest = 0;
    let start = 0;
    for (let i = 0; i < body.length; i++) {
      if (body[i] === '(') nest++;
      else if (body[i] === ')') nest--;
      else if (body[i] === ',' && nest === 0) { parts.push(body.slice(start, i)); start = i + 1; }
    }
    parts.push(body.slice(start));
    const name = this.expandWith(parts[0], args);
    const argv = parts.slice(1).map((p) => this.expandWith(p, args));
    if (/^\d+$/.test(name) && !argv.length) return args[Number(name) - 1] ?? '';
    const v = this.vars.get(name);
    if (v) {
      if (v.value === undefined) { this.unknown = true; return ''; }
      return v.recursive ? this.expandWith(v.value, argv) : v.value;
    }
    switch (name) {
      case 'shell': {
        const r = this.shell(argv[0] ?? '');
        if (r === undefined) { this.unknown = true; return ''; }
        return r.replace(/\n+$/, '').replace(/\n/g, ' ');
      }
      case 'info': case 'warning-if': case 'error-if': case 'warning': return '';
      case 'filename': case 'lineno': return '';
      default:
        if (argv.length) { this.unknown = true; return ''; }  // a function this does not implement: not known, never a guess
        return this.env[name] ?? '';
    }
  }
}

/**
 * The environment conf gets from the kernel's Makefile for ARCH=um: the toolchain (gcc and ld,
 * or clang and ld.lld for an LLVM=1 build: its CONFIG_CC_VERSION_TEXT says which) and the tree.
 */
export function kconfigEnv(tree: string, ccVersionText: string | undefined): Record<string, string> {
  const clang = /clang/i.test(ccVersionText ?? '');
  return {
    srctree: tree, SRCARCH: 'um', ARCH: 'um', SUBARCH: 'x86', HEADER_ARCH: 'x86',
    CC: clang ? 'clang' : 'gcc', LD: clang ? 'ld.lld' : 'ld', HOSTCC: 'gcc', HOSTCXX: 'g++',
    AR: clang ? 'llvm-ar' : 'ar', NM: clang ? 'llvm-nm' : 'nm', OBJCOPY: clang ? 'llvm-objcopy' : 'objcopy',
    OBJDUMP: clang ? 'llvm-objdump' : 'objdump', READELF: clang ? 'llvm-readelf' : 'readelf', STRIP: clang ? 'llvm-strip' : 'strip',
    CLANG_FLAGS: clang ? '-Werror=unknown-warning-option -Werror=ignored-optimization-argument' : '',
    CC_VERSION_TEXT: ccVersionText ?? '', PAHOLE: 'pahole', RUSTC: 'rustc', BINDGEN: 'bindgen',
  };
}
