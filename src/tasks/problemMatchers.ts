// The problem matchers' patterns, in one place: package.json's "problemMatchers" must carry the
// same regexps (a unit test checks), and tests run them on real compiler, linker and Kconfig output.

export interface MatcherSpec {
  name: string;
  regexp: string;
  file: number; line: number; column?: number; severity?: number; message: number;
  /** Severity when the pattern has no severity group. */
  fixedSeverity?: 'error' | 'warning';
}

export const MATCHERS: MatcherSpec[] = [
  // gcc: fs/proc/cmdline.c:10:9: error: 'x' undeclared (first use in this function)
  { name: 'uml-gcc', regexp: '^(.*?):(\\d+):(\\d+):\\s+(?:fatal\\s+)?(error|warning|note):\\s+(.*)$', file: 1, line: 2, column: 3, severity: 4, message: 5 },
  // ld: fs/proc/cmdline.c:10: undefined reference to `nosuch_function'
  { name: 'uml-ld', regexp: '^(?:.*\\bld(?:\\.bfd)?: )?([^\\s:][^:]*\\.[chS]):(\\d+):\\s+(undefined reference to .*|multiple definition of .*)$', file: 1, line: 2, message: 3, fixedSeverity: 'error' },
  // Kconfig: arch/um/Kconfig:12: syntax error / init/Kconfig:5:warning: ignoring unsupported character
  { name: 'uml-kconfig', regexp: '^(\\S*Kconfig[\\w.-]*):(\\d+):\\s*(?:(warning|error):?)?\\s*(.*)$', file: 1, line: 2, severity: 3, message: 4 },
];

export interface Problem { matcher: string; file: string; line: number; column?: number; severity: string; message: string }

/** What VS Code's matchers find in this output (single-line patterns, as declared). */
export function matchProblems(output: string): Problem[] {
  const out: Problem[] = [];
  for (const line of output.split(/\r?\n/)) {
    for (const m of MATCHERS) {
      const r = new RegExp(m.regexp).exec(line);
      if (!r) continue;
      out.push({
        matcher: m.name, file: r[m.file], line: Number(r[m.line]),
        column: m.column ? Number(r[m.column]) : undefined,
        severity: (m.severity && r[m.severity]) || m.fixedSeverity || 'error', message: r[m.message],
      });
      break;
    }
  }
  return out;
}

/** The package.json form of the matchers. */
export function packageJsonMatchers(): unknown[] {
  return MATCHERS.map((m) => ({
    name: m.name,
    owner: 'uml',
    source: m.name.replace('uml-', ''),
    fileLocation: ['autoDetect', '${workspaceFolder}'],
    ...(m.fixedSeverity ? { severity: m.fixedSeverity } : {}),
    pattern: {
      regexp: m.regexp, file: m.file, line: m.line, message: m.message,
      ...(m.column ? { column: m.column } : {}),
      ...(m.severity ? { severity: m.severity } : {}),
    },
  }));
}
