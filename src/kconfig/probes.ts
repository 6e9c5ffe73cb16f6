// The answers to Kconfig's $(shell,...) commands (compiler and linker probes: cc-option,
// ld-option, as-instr, cc-version.sh ...), run for real as conf runs them, in the background:
// a command not answered yet is "not yet known" (the evaluation then says nothing), a few run
// at a time, and the answers are kept on disk per tree and toolchain so the next start has them.
import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export class ShellProbes {
  private readonly answers = new Map<string, string>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  /** Commands that did not finish: their macros stay unknown for this session. */
  readonly failed = new Set<string>();
  private running = 0;
  private readonly cwd: string;
  private settledWaiters: Array<() => void> = [];
  private saveTimer?: NodeJS.Timeout;

  /**
   * env: conf's environment (macros.ts kconfigEnv); cacheDir: where answers are kept;
   * onAnswered: called when the last queued command has its answer (evaluate again).
   */
  constructor(private readonly env: Record<string, string>, private readonly cacheFile: string | undefined, private readonly onAnswered: () => void = () => undefined, private readonly parallel = 4) {
    this.cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'ukd-kconfig-'));  // cc-option makes .tmp_$$ in the current directory
    try {
      const saved = JSON.parse(fs.readFileSync(cacheFile ?? '', 'utf8')) as Record<string, string>;
      for (const [k, v] of Object.entries(saved)) this.answers.set(k, v);
    } catch { /* none yet */ }
  }

  /** The cache file for a tree and toolchain. */
  static cacheFileFor(cacheDir: string, tree: string, env: Record<string, string>): string {
    const key = crypto.createHash('sha1').update(JSON.stringify([path.resolve(tree), env.CC, env.LD, env.CC_VERSION_TEXT, env.CLANG_FLAGS])).digest('hex').slice(0, 16);
    return path.join(cacheDir, 'kconfig-probes', `${key}.json`);
  }

  /** The answer, or undefined (then the command is queued to run). */
  answer = (command: string): string | undefined => {
    const a = this.answers.get(command);
    if (a !== undefined) return a;
    if (!this.queued.has(command) && !this.failed.has(command)) { this.queued.add(command); this.queue.push(command); this.pump(); }
    return undefined;
  };

  get pending(): number { return this.queued.size; }

  /** Resolves when nothing is queued or running. */
  settled(): Promise<void> {
    return this.queued.size ? new Promise((r) => this.settledWaiters.push(r)) : Promise.resolve();
  }

  dispose(): void {
    clearTimeout(this.saveTimer);
    this.save();
    fs.rmSync(this.cwd, { recursive: true, force: true });
  }

  private pump(): void {
    while (this.running < this.parallel && this.queue.length) {
      const cmd = this.queue.shift()!;
      this.running++;
      execFile('/bin/sh', ['-c', cmd], { cwd: this.cwd, env: { ...process.env, ...this.env, LC_ALL: 'C' }, timeout: 20000, maxBuffer: 1 << 20 }, (err, stdout) => {
        // conf takes the command's output whatever its status (if-success echoes its answer);
        // one that could not run to its end (killed at the timeout) stays unknown, never a guess.
        if (err?.killed || err?.signal) this.failed.add(cmd);
        else this.answers.set(cmd, String(stdout ?? ''));
        this.queued.delete(cmd);
        this.running--;
        this.pump();
        if (!this.queued.size) {
          clearTimeout(this.saveTimer);
          this.saveTimer = setTimeout(() => this.save(), 200);
          this.onAnswered();
          const w = this.settledWaiters;
          this.settledWaiters = [];
          w.forEach((r) => r());
        }
      });
    }
  }

  private save(): void {
    if (!this.cacheFile) return;
    try {
      fs.mkdirSync(path.dirname(this.cacheFile), { recursive: true });
      fs.writeFileSync(this.cacheFile, JSON.stringify(Object.fromEntries(this.answers)));
    } catch { /* a cache only */ }
  }
}
