// Drives the real adapter (dist/debugAdapter.js) over DAP, against the real kernel and gdb.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT } from './testKernel';
import { umidProcesses } from '../../src/uml/host';
import { sleep, pollUntil } from './shared';

export const ADAPTER = path.join(ROOT, 'dist', 'debugAdapter.js');

export async function startClient(env?: NodeJS.ProcessEnv): Promise<DebugClient> {
  if (!fs.existsSync(ADAPTER)) throw new Error(`${ADAPTER} missing: run npm run compile`);
  const dc = new DebugClient('node', ADAPTER, 'uml', env ? { env: { ...process.env, ...env } } : undefined);
  dc.defaultTimeout = 60000;
  await dc.start();
  return dc;
}

/** Collects output events (guest console and gdb messages). */
export function collectOutput(dc: DebugClient): { text: () => string } {
  let all = '';
  dc.on('output', (e: DebugProtocol.OutputEvent) => { all += e.body.output; });
  return { text: () => all };
}

export async function waitForOutput(dc: DebugClient, re: RegExp, out: { text: () => string }, ms = 60000): Promise<void> {
  if (!await pollUntil(() => re.test(out.text()), ms, 50)) throw new Error(`no output matching ${re} in:\n${out.text().slice(-3000)}`);
}

let n = 0;
export function uniqueUmid(tag: string): string {
  return `t-${tag}-${process.pid}-${n++}`;
}

/** Nothing of the instance is left: no process with its umid, no ~/.uml/<umid>. */
export function leftovers(umid: string): string[] {
  const left: string[] = [];
  const pids = umidProcesses(umid);
  if (pids.length) left.push(`processes ${pids.join(',')}`);
  if (fs.existsSync(path.join(os.homedir(), '.uml', umid))) left.push(`~/.uml/${umid}`);
  return left;
}

export async function waitGone(umid: string, ms = 10000): Promise<string[]> {
  let left: string[] = [];
  await pollUntil(() => !(left = leftovers(umid)).length, ms, 100);
  return left;
}

export interface LaunchOptions {
  rootfs: string;
  umid: string;
  init?: string;
  [key: string]: unknown;
}

/**
 * initialize → launch; in the initialized handler sets breakpoints via `setBps`, then
 * configurationDone. Resolves when the launch response arrives (the guest is running).
 */
export async function launch(dc: DebugClient, kernel: string, o: LaunchOptions, setBps: () => Promise<unknown> = async () => undefined): Promise<void> {
  await Promise.all([
    dc.waitForEvent('initialized').then(setBps).then(() => dc.configurationDoneRequest()),
    dc.initializeRequest().then(() => dc.launchRequest({ kernel, init: '/init', console: 'internalConsole', mem: '128M', ...o } as DebugProtocol.LaunchRequestArguments)),
  ]);
}

/**
 * Launches with a function breakpoint (cmdline_proc_show unless said) and waits for its stop:
 * the stopped event, its thread and the top frame.
 */
export async function launchToFunction(dc: DebugClient, kernel: string, o: LaunchOptions, func = 'cmdline_proc_show'): Promise<{ ev: DebugProtocol.StoppedEvent; t: number; frame: DebugProtocol.StackFrame }> {
  const stopped = nextStop(dc);
  await launch(dc, kernel, o, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: func }] }));
  const ev = await stopped;
  const t = ev.body.threadId!;
  return { ev, t, frame: await topFrame(dc, t) };
}

export function nextStop(dc: DebugClient, ms = 60000): Promise<DebugProtocol.StoppedEvent> {
  return dc.waitForEvent('stopped', ms) as Promise<DebugProtocol.StoppedEvent>;
}

export async function topFrame(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame> {
  const st = await dc.stackTraceRequest({ threadId, startFrame: 0, levels: 20 });
  return st.body.stackFrames[0];
}

/** DebugClient.stop() never resolves when the adapter has already exited: bound it, allow repeats. */
export async function stopClient(dc: DebugClient): Promise<void> {
  // A dead adapter's stdin raises EPIPE on the disconnect stop() writes.
  (dc as unknown as { _adapterProcess?: { stdin?: NodeJS.WritableStream } })._adapterProcess?.stdin?.on('error', () => undefined);
  await Promise.race([dc.stop().catch(() => undefined), sleep(2000)]);
}

/**
 * One adapter session against the real kernel: starts the client, runs `fn`, always stops the
 * client, then checks that nothing of the instance is left (no process, no ~/.uml/<umid>).
 */
export function withSession(tag: string, fn: (dc: DebugClient, umid: string, out: { text: () => string }) => Promise<void>, env?: NodeJS.ProcessEnv): Promise<void> {
  return withCheckedSession(tag, fn, waitGone, env);
}

/** withSession with its own account of what a session `name` may leave behind. */
export async function withCheckedSession(tag: string, fn: (dc: DebugClient, name: string, out: { text: () => string }) => Promise<void>,
  leftovers: (name: string) => Promise<string[]>, env?: NodeJS.ProcessEnv): Promise<void> {
  const dc = await startClient(env);
  const out = collectOutput(dc);
  const name = uniqueUmid(tag);
  try {
    await fn(dc, name, out);
  } finally {
    await stopClient(dc);
  }
  const left = await leftovers(name);
  if (left.length) throw new Error(`left behind by ${name}: ${left.join(', ')}`);
}
