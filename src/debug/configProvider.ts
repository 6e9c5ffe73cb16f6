// F5 with no launch.json in a kernel tree just works: fill in a launch configuration.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { kernelBinaryIn } from '../uml/kernelTree';

export const DEFAULT_CONFIGURATION: vscode.DebugConfiguration = {
  type: 'uml',
  request: 'launch',
  name: 'Debug UML kernel',
  kernel: '${workspaceFolder}/linux',
  rootfs: '${workspaceFolder}/rootfs',
  mem: '256M',
  console: 'integratedTerminal',
};

export class UmlConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [DEFAULT_CONFIGURATION];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      // No launch.json: only offer ourselves in a UML kernel tree.
      const dir = folder?.uri.fsPath;
      const kernel = dir && kernelBinaryIn(dir);
      if (!dir || !kernel) {
        void vscode.window.showErrorMessage('No UML kernel here: open a kernel tree built with `make ARCH=um linux`, or add a "uml" configuration to launch.json.');
        return undefined;
      }
      config = { ...DEFAULT_CONFIGURATION, kernel };
      const rootfs = path.join(dir, 'rootfs');
      if (fs.existsSync(rootfs)) config.rootfs = rootfs; else delete config.rootfs;
    }
    if (!config.cwd && folder) config.cwd = folder.uri.fsPath;
    return config;
  }
}
