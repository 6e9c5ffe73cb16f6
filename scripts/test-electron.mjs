#!/usr/bin/env node
// Runs the extension-host suite (test/extension) in desktop VS Code via @vscode/test-electron.
// Needs a machine that can download VS Code; CI here runs the same suite in code-server
// (test/ui). Workspace: the test kernel tree.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = new URL('..', import.meta.url).pathname;
execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
execFileSync('npx', ['webpack', '--mode', 'production', '--stats', 'errors-warnings'], { cwd: root, stdio: 'inherit' });
const tree = execFileSync('bash', [join(root, 'scripts/test-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
await runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'out/test/extension/index.js'),
  launchArgs: [tree, '--disable-extensions', '--disable-workspace-trust'],
});
