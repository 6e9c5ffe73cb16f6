// A session's directory (~/.cache/uml-kernel-debug/sessions/<id>): the gdbinit and the adapter's
// kernel-aware gdb commands, written before gdb starts; the oldest sessions' directories go.
import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_PY } from '../gdb/kernelPython';
import { KERNEL_DATA_PY } from '../gdb/kernelDataPython';
import { DECODE_PY } from '../gdb/decodePython';
import { pruneSessions } from '../uml/host';
import type { TargetPlan } from './target';

/** The adapter's kernel-aware gdb commands, written into the session directory. */
export const HELPER_FILE = 'uml-kernel.py';

export function writeSessionFiles(p: TargetPlan): void {
  pruneSessions(path.dirname(p.sessionDir), 20);
  fs.mkdirSync(p.sessionDir, { recursive: true });
  fs.writeFileSync(p.gdbinitPath, p.gdbinitText);
  fs.writeFileSync(path.join(p.sessionDir, HELPER_FILE), KERNEL_PY + KERNEL_DATA_PY + DECODE_PY);
}
