// Wires the extension together; the work lives in the capability folders.
import * as vscode from 'vscode';
import { UmlDebugSession } from './debug/session';
import { UmlConfigurationProvider, dynamicConfigurations } from './launchConfig/provider';
import { registerF5 } from './launchConfig/f5';
import { registerSessionCommands } from './launchConfig/commands';
import { rebuildIfStale } from './launchConfig/rebuild';
import { openConsoleTerminal, registerConsoleTerminals } from './launchConfig/consoleTerminal';
import { InstancesProvider } from './views/instancesView';
import { registerInstanceCommands, trackOwnedInstances } from './views/instanceCommands';
import { UmlTaskProvider } from './tasks/taskProvider';
import { registerIndexWarm } from './tasks/indexWarm';
import { registerConfigDoctor } from './kconfig/configDoctor';
import { registerRootfsCommand } from './rootfs/command';
import { registerXsaveFix } from './hostcompat/xsaveFix';
import { registerKernelLog } from './views/kernelLog';
import { registerKernelData } from './views/kernelData';
import { registerSnapshots } from './views/snapshots';
import { registerKunit } from './testing/kunitController';
import { registerKconfigServer } from './kconfig/client';
import { registerWalkthrough } from './walkthrough/walkthrough';
import { registerTraceLinks } from './stacktrace/traceLinks';
import { registerReproducer } from './reproducer/command';

// Module load starts the activation clock: the bundle's own load time counts too.
const loadedAt = performance.now();

export interface UmlKernelDebugApi { activationMs: number }

export function activate(context: vscode.ExtensionContext): UmlKernelDebugApi {
  const provider = new UmlConfigurationProvider();
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider('uml', provider),
    // Only offers: a second registration with resolve methods would be asked to resolve every start again.
    vscode.debug.registerDebugConfigurationProvider('uml', { provideDebugConfigurations: dynamicConfigurations }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory('uml', {
      // Inline: no second Node process; the same session class runs standalone in dist/debugAdapter.js.
      createDebugAdapterDescriptor: (session) => new vscode.DebugAdapterInlineImplementation(new UmlDebugSession({
        openTerminal: (a) => openConsoleTerminal(a, session),
        launchFailed: (message) => void vscode.window.showErrorMessage(message),
        beforeRestart: async () => {
          const r = await rebuildIfStale(session.configuration, session.workspaceFolder, 'Restart');
          if (!r.ok) throw new Error(r.message);
        },
      })),
    }),
  );
  registerConsoleTerminals(context);
  registerSessionCommands(context);
  registerF5(context);
  context.subscriptions.push(vscode.tasks.registerTaskProvider('uml', new UmlTaskProvider()));
  registerIndexWarm(context);
  registerConfigDoctor(context);
  registerRootfsCommand(context);
  registerXsaveFix(context);
  registerKernelLog(context);
  registerKernelData(context);
  registerSnapshots(context);
  registerKunit(context);
  registerKconfigServer(context);
  registerWalkthrough(context);
  registerTraceLinks(context);
  registerReproducer(context);

  const instances = new InstancesProvider();
  const tree = vscode.window.createTreeView('umlInstances', { treeDataProvider: instances });
  context.subscriptions.push(instances, tree, tree.onDidChangeVisibility((e) => instances.setVisible(e.visible)));
  instances.setVisible(tree.visible);
  registerInstanceCommands(context, instances);
  trackOwnedInstances(context, instances);
  return { activationMs: performance.now() - loadedAt };
}

export function deactivate(): void { /* sessions and views dispose their own processes and timers */ }
