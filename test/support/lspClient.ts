// The Kconfig language server as a process (dist/kconfigServer.js --stdio), driven over
// JSON-RPC the way VS Code's language client drives it.
import { KCONFIG_STATUS } from '../../src/shared/messages';
import * as path from 'path';
import { spawn, ChildProcess } from 'child_process';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, MessageConnection } from 'vscode-jsonrpc/node';
import { ROOT } from './testKernel';

export interface LspSession { conn: MessageConnection; proc: ChildProcess; status: Promise<{ text: string; symbols?: number; files?: number; ms?: number }>; diagnostics: Map<string, Array<{ message: string; severity: number; range: { start: { line: number } } }>>; close(): Promise<void> }

export async function startKconfigServer(tree: string): Promise<LspSession> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'kconfigServer.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const diagnostics = new Map();
  let statusResolve!: (s: { text: string }) => void;
  const status = new Promise<{ text: string }>((r) => { statusResolve = r; });
  conn.onNotification(KCONFIG_STATUS, (s) => statusResolve(s));
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => diagnostics.set(p.uri, p.diagnostics));
  conn.onRequest('workspace/configuration', () => []);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(tree).toString(), capabilities: {}, initializationOptions: { tree } });
  await conn.sendNotification('initialized', {});
  return {
    conn, proc, status, diagnostics,
    async close() { try { await conn.sendRequest('shutdown'); await conn.sendNotification('exit'); } catch { /* gone */ } conn.dispose(); proc.kill(); },
  };
}

export const uriOf = (p: string) => pathToFileURL(p).toString();
