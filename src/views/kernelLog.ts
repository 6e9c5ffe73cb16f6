// "UML: Show Kernel Log": the guest's printk buffer (lx-dmesg) in an output channel, read from
// the guest's memory at each stop (only the new records) once the channel is open. It works
// while the guest console is elsewhere, and after a panic.
import * as vscode from 'vscode';
import { KERNEL_LOG_REQUEST, KernelLogArguments, KernelLogResponse } from '../shared/messages';

export function registerKernelLog(ctx: vscode.ExtensionContext): void {
  let channel: vscode.OutputChannel | undefined;
  const shown = new Map<string, number>();  // debug session id -> records already in the channel

  const fetch = async (session: vscode.DebugSession) => {
    if (!channel) return;
    try {
      const r = await session.customRequest(KERNEL_LOG_REQUEST, { after: shown.get(session.id) ?? 0 } satisfies KernelLogArguments) as KernelLogResponse;
      if (!shown.has(session.id)) channel.appendLine(`--- ${session.name}${session.configuration.umid ? ` (${session.configuration.umid})` : ''} ---`);
      for (const l of r.lines) channel.appendLine(l);
      shown.set(session.id, r.total);
    } catch (e) {
      channel.appendLine(`(${(e as Error).message})`);
    }
  };

  ctx.subscriptions.push(
    vscode.commands.registerCommand('umlKernelDebug.showKernelLog', async () => {
      channel ??= vscode.window.createOutputChannel('UML Kernel Log', 'log');
      channel.show(true);
      const s = vscode.debug.activeDebugSession;
      if (s?.type === 'uml') await fetch(s);
      else channel.appendLine('(No UML debug session: the log is read from the guest while it is stopped under the debugger. Start one with F5.)');
    }),
    vscode.debug.registerDebugAdapterTrackerFactory('uml', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (channel && m.type === 'event' && m.event === 'stopped') void fetch(session);
        },
      }),
    }),
    vscode.debug.onDidTerminateDebugSession((s) => shown.delete(s.id)),
    { dispose: () => channel?.dispose() },
  );
}
