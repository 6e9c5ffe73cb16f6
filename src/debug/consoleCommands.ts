// Debug Console lines that are gdb commands rather than expressions.
/** Prefixes that send a debug console line to gdb's CLI instead of evaluating it. */
export const GDB_COMMAND_PREFIXES = ['-exec ', '> '];

export function gdbCommandOf(expression: string): string | undefined {
  for (const p of GDB_COMMAND_PREFIXES) if (expression.startsWith(p)) return expression.slice(p.length).trim();
  if (expression === '>' || expression === '-exec') return '';
  return undefined;
}
