// What a debug session says about the XSAVE problem: before the kernel boots, when the console
// shows the failure, at the panic stop and in the end message. No vscode: the adapter uses it.
import { FpFailureWatch } from './xsave';
import { hostXsave, xsaveCheck } from './hostXsave';

export type Say = (text: string, category: string) => void;

export class XsaveNotes {
  private watch = new FpFailureWatch();

  constructor(private readonly say: Say) {}

  /** Before it boots: a kernel that cannot run user processes on this host. Never fails. */
  async check(kernel: string): Promise<void> {
    try {
      const [problem, host] = await Promise.all([xsaveCheck(kernel), hostXsave()]);
      this.watch = new FpFailureWatch(host);
      if (problem) this.say(`${problem}\n`, 'important');
    } catch { /* the check only informs: never a reason to fail the launch */ }
  }

  /** Console text: explains the failure the moment it shows. */
  console(text: string): void {
    const hint = this.watch.feed(text);
    if (hint) this.say(`${hint}\n`, 'important');
  }

  /** At a panic stop: the cause, reading the kernel log when the console was not ours to read. */
  async panicHint(readLog?: () => Promise<string>): Promise<string | undefined> {
    this.watch.flush();
    if (!this.watch.hint && this.watch.possible && readLog) { this.watch.feed(await readLog().catch(() => '')); this.watch.flush(); }
    return this.watch.hint;
  }

  /** The session's end message, with the cause when it was seen. */
  end(why: string, category = 'console'): void {
    this.watch.flush();
    const hint = this.watch.hint;
    this.say(`${why}${hint ? ` ${hint}` : ''}\n`, hint ? 'stderr' : category);
  }
}
