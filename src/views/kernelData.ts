// Kernel data views from the extension host: "Show as Raw" / "Show as Contents" and "View as
// List of..." on a Variables or Watch row, and the setting umlKernelDebug.kernelData, which the
// adapter is told of at launch (the configuration provider) and whenever it changes. A "View as
// List of..." choice is remembered per head in the workspace and given to every later session.
import * as vscode from 'vscode';
import { KERNEL_DATA_REQUEST, KernelDataArguments, LIST_CANDIDATES_REQUEST, ListCandidatesArguments, ListCandidatesResponse } from '../shared/messages';
import { kernelDataViews } from '../config';
import { parseContainer } from '../debug/listIndex';

/** What VS Code passes a debug/variables/context or debug/watch/context command. */
interface VariableContext { variable?: { name?: string; evaluateName?: string }; expression?: { expression?: string } }

const CHOICES_KEY = 'umlKernelDebug.listChoices';
type Choices = Record<string, { type: string; member: string }>;
let state: vscode.Memento | undefined;
const liveSessions = new Set<vscode.DebugSession>();

/** The workspace's "View as List of..." choices: head key -> entry type and member. */
export function listChoices(): Choices {
  return state?.get<Choices>(CHOICES_KEY) ?? {};
}

function target(ctx: VariableContext | undefined): { session: vscode.DebugSession; expression: string } | undefined {
  const session = vscode.debug.activeDebugSession;
  const expression = ctx?.variable?.evaluateName ?? ctx?.expression?.expression;
  if (session?.type !== 'uml' || !expression) {
    void vscode.window.showInformationMessage('This works on a variable of a stopped UML or QEMU kernel that can be evaluated on its own (it has an expression).');
    return undefined;
  }
  return { session, expression };
}

async function showRaw(ctx: VariableContext | undefined, on: boolean): Promise<void> {
  const t = target(ctx);
  if (t) await t.session.customRequest(KERNEL_DATA_REQUEST, { raw: { expression: t.expression, on } } satisfies KernelDataArguments);
}

async function viewAsListOf(ctx: VariableContext | undefined): Promise<void> {
  const t = target(ctx);
  if (!t) return;
  const frameId = vscode.debug.activeStackItem instanceof vscode.DebugStackFrame ? vscode.debug.activeStackItem.frameId : undefined;
  const r = await t.session.customRequest(LIST_CANDIDATES_REQUEST, { expression: t.expression, frameId } satisfies ListCandidatesArguments) as ListCandidatesResponse;
  if (!r.key) {
    void vscode.window.showErrorMessage(`${t.expression}: not a list head whose owner is a struct or a global, so there is nothing to remember the choice by.`);
    return;
  }
  const other = 'Another struct and member...';
  const reset = 'As the table and the sources say (forget the choice)';
  const items: vscode.QuickPickItem[] = [
    ...r.candidates.map((c) => ({ label: `${c.type}.${c.member}`, description: c.uses ? `${c.uses} place${c.uses === 1 ? '' : 's'} in the sources` : undefined })),
    { label: other }, ...(listChoices()[r.key] ? [{ label: reset }] : []),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `View ${t.expression} (${r.key}) as a list of...`,
    placeHolder: r.indexReady ? (r.candidates.length ? 'what the tree\'s sources put on this head' : 'the tree\'s sources name nothing for this head') : 'the tree\'s sources are still being indexed',
  });
  if (!pick) return;
  let chosen: { type: string; member: string } | undefined;
  if (pick.label === other) {
    const text = await vscode.window.showInputBox({ title: `Entries of ${r.key}`, prompt: 'The entries\' struct and the member that is their node', placeHolder: 'struct inode.i_sb_list', validateInput: (v) => (parseContainer(v) ? undefined : 'struct NAME.member') });
    chosen = text ? parseContainer(text) : undefined;
    if (!chosen) return;
  } else if (pick.label !== reset) {
    chosen = parseContainer(pick.label);
  }
  const choices = { ...listChoices() };
  if (chosen) choices[r.key] = chosen; else delete choices[r.key];
  await state?.update(CHOICES_KEY, choices);
  await t.session.customRequest(KERNEL_DATA_REQUEST, { container: { key: r.key, ...chosen } } satisfies KernelDataArguments);
}

export function registerKernelData(ctx: vscode.ExtensionContext): void {
  state = ctx.workspaceState;
  ctx.subscriptions.push(
    vscode.commands.registerCommand('umlKernelDebug.showAsRaw', (c?: VariableContext) => showRaw(c, true)),
    vscode.commands.registerCommand('umlKernelDebug.showAsContents', (c?: VariableContext) => showRaw(c, false)),
    vscode.commands.registerCommand('umlKernelDebug.viewAsListOf', (c?: VariableContext) => viewAsListOf(c)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('umlKernelDebug.kernelData')) return;
      const views = kernelDataViews();
      for (const s of liveSessions) void s.customRequest(KERNEL_DATA_REQUEST, { views } satisfies KernelDataArguments).then(undefined, () => undefined);
    }),
    vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'uml') liveSessions.add(s); }),
    vscode.debug.onDidTerminateDebugSession((s) => liveSessions.delete(s)),
  );
}
