// Kernel data views from the extension host: "Show as Raw" / "Show as Contents" on a Variables
// or Watch row, and the setting umlKernelDebug.kernelData, which the adapter is told of at
// launch (the configuration provider) and whenever it changes (every uml session).
import * as vscode from 'vscode';
import { KERNEL_DATA_REQUEST, KernelDataArguments } from '../shared/messages';
import { kernelDataViews } from '../config';

/** What VS Code passes a debug/variables/context or debug/watch/context command. */
interface VariableContext { variable?: { name?: string; evaluateName?: string }; expression?: { expression?: string } }

async function showRaw(ctx: VariableContext | undefined, on: boolean): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  const expression = ctx?.variable?.evaluateName ?? ctx?.expression?.expression;
  if (session?.type !== 'uml' || !expression) {
    void vscode.window.showInformationMessage('Show as Raw works on a variable of a stopped UML or QEMU kernel that can be evaluated on its own (it has an expression).');
    return;
  }
  await session.customRequest(KERNEL_DATA_REQUEST, { raw: { expression, on } } satisfies KernelDataArguments);
}

export function registerKernelData(ctx: vscode.ExtensionContext): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand('umlKernelDebug.showAsRaw', (c?: VariableContext) => showRaw(c, true)),
    vscode.commands.registerCommand('umlKernelDebug.showAsContents', (c?: VariableContext) => showRaw(c, false)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('umlKernelDebug.kernelData')) return;
      const views = kernelDataViews();
      for (const s of liveSessions) void s.customRequest(KERNEL_DATA_REQUEST, { views } satisfies KernelDataArguments).then(undefined, () => undefined);
    }),
    vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'uml') liveSessions.add(s); }),
    vscode.debug.onDidTerminateDebugSession((s) => liveSessions.delete(s)),
  );
}

const liveSessions = new Set<vscode.DebugSession>();
