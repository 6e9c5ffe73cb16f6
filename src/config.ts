// Extension settings.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

export function umlDir(): string {
  const s = vscode.workspace.getConfiguration('umlKernelDebug').get<string>('umlDir', '').trim();
  return s ? s.replace(/^~(?=\/|$)/, os.homedir()) : path.join(os.homedir(), '.uml');
}

/** Cancellation from VS Code (a progress notification's Cancel) as an AbortSignal for execa. */
export function abortSignalOf(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

export function mconsoleTimeoutMs(): number {
  return vscode.workspace.getConfiguration('umlKernelDebug').get<number>('mconsoleTimeout', 3000);
}
