// Wires the extension together; the work lives in the capability folders.
import * as vscode from 'vscode';
import { UmlDebugSession } from './debug/session';
import { UmlConfigurationProvider } from './debug/configProvider';

export function activate(context: vscode.ExtensionContext): void {
  const provider = new UmlConfigurationProvider();
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider('uml', provider),
    vscode.debug.registerDebugConfigurationProvider('uml', provider, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory('uml', {
      // Inline: no second Node process; the same session class runs standalone in dist/debugAdapter.js.
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new UmlDebugSession()),
    }),
  );
}

export function deactivate(): void { /* sessions end their own processes on dispose */ }
