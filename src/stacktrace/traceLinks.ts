// Kernel traces as links wherever the user meets them: the guest console terminal (and any
// terminal), kernel logs in editors and the "UML Kernel Log" channel, and the decoded document
// of "UML: Decode Stack Trace". A click decodes the frame through the running session's gdb
// (modules at their load addresses) or, with none, our own gdb on the workspace's kernel.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DECODE_FRAMES_REQUEST, DecodeFramesResponse } from '../shared/messages';
import { cacheDir } from '../uml/host';
import { kernelBinaryOfBuild, sourceTreeOf } from '../uml/kernelTree';
import { buildDirOf } from '../config';
import { linksInLine, parseTrace, TraceFrame, TraceLink } from './traceParse';
import { Decoder, DecodedEntry, StandaloneDecoder } from './decode';
import { checkSameBuild, decodeTrace, decodedDocument } from './decodeTrace';

export const TRACE_SCHEME = 'uml-trace';

/** The session's gdb, through the adapter: one request answers the frames, the banner and the kernel together. */
class SessionDecoder implements Decoder {
  kernel: string;
  private known: string | undefined;
  constructor(private readonly session: vscode.DebugSession) { this.kernel = String(session.configuration.kernel ?? ''); }

  private async ask(frames: TraceFrame[]): Promise<DecodeFramesResponse> {
    const r = await this.session.customRequest(DECODE_FRAMES_REQUEST, { frames }) as DecodeFramesResponse;
    this.kernel = r.kernel;
    this.known = r.banner;
    return r;
  }

  async decode(frames: TraceFrame[]): Promise<DecodedEntry[]> { return (await this.ask(frames)).entries as DecodedEntry[]; }
  async banner(): Promise<string | undefined> { return this.known ?? (await this.ask([])).banner; }
}

/** The source tree of the kernel a decoder reads (for kbuild-relative paths). */
const treeOf = (d: Decoder) => sourceTreeOf(path.dirname(d.kernel));

/** Where frames are resolved: the active uml session's gdb, else the workspace's kernel. */
export class TraceResolver implements vscode.Disposable {
  private readonly standalone = new Map<string, StandaloneDecoder>();

  decoder(): Decoder {
    const s = vscode.debug.activeDebugSession;
    if (s?.type === 'uml') return new SessionDecoder(s);
    const kernel = this.workspaceKernel();
    if (!kernel) {
      throw new Error('No kernel to read the trace with: start a UML debug session (F5), or open the kernel tree whose build printed it (a built `linux` or `vmlinux`), or set umlKernelDebug.buildDir to its build directory.');
    }
    let d = this.standalone.get(kernel);
    if (!d) {
      // Modules: the kernel's build directory (in-tree ones) and the workspace's folders (an M= module being worked on).
      const moduleDirs = [path.dirname(kernel), ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)];
      d = new StandaloneDecoder(kernel, { indexCacheDir: path.join(cacheDir(), 'gdb-index'), helperDir: cacheDir(), moduleDirs });
      this.standalone.set(kernel, d);
    }
    return d;
  }

  private workspaceKernel(): string | undefined {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const k = kernelBinaryOfBuild(buildDirOf(folder), folder.uri.fsPath);
      if (k) return k;
    }
    return undefined;
  }

  /** One frame's source frames (inlined first); `context`: the text around it, to refuse another build's trace. */
  async frame(frame: TraceFrame, context?: string): Promise<{ entry: DecodedEntry; tree: string }> {
    const d = this.decoder();
    const [entry] = await d.decode([frame]);
    if (context) await checkSameBuild(parseTrace(context).kernel, d);
    return { entry, tree: treeOf(d) };
  }

  dispose(): void { for (const d of this.standalone.values()) d.dispose(); this.standalone.clear(); }
}

/** A kbuild-relative path (`drivers/misc/lkdtm/bugs.c`) in the kernel tree, or an absolute one. */
function sourceUri(file: string, line: number, tree: string | undefined): vscode.Uri | undefined {
  const candidates = path.isAbsolute(file) ? [file] : [
    ...(tree ? [path.join(tree, file)] : []),
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, file)),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  return found ? vscode.Uri.file(found).with({ fragment: `L${line}` }) : undefined;
}

async function openAt(uri: vscode.Uri): Promise<void> {
  const line = Math.max(0, Number(/^L(\d+)/.exec(uri.fragment)?.[1] ?? 1) - 1);
  await vscode.window.showTextDocument(uri.with({ fragment: '' }), { selection: new vscode.Range(line, 0, line, 0), preview: true });
}

/** What a link leads to: a frame decoded (its innermost source line), or a printed file:line. */
async function targetOf(resolver: TraceResolver, link: TraceLink, context?: string): Promise<vscode.Uri> {
  if (link.file) {
    let tree: string | undefined;
    try { tree = treeOf(resolver.decoder()); } catch { tree = undefined; }
    const uri = sourceUri(link.file, link.fileLine ?? 1, tree);
    if (!uri) throw new Error(`${link.file} is not in the kernel tree${tree ? ` (${tree})` : ''} nor in the workspace.`);
    return uri;
  }
  const { entry, tree } = await resolver.frame(link.frame!, context);
  const top = entry.frames[0];
  if (entry.error || !top?.file) throw new Error(`Cannot place this frame: ${entry.error ?? (top ? `${top.func} has no line information` : 'no symbol at this address in this kernel')}.`);
  return sourceUri(top.file, top.line, tree) ?? vscode.Uri.file(top.file).with({ fragment: `L${top.line}` });
}

interface FrameTerminalLink extends vscode.TerminalLink { link: TraceLink }
interface FrameDocumentLink extends vscode.DocumentLink { link: TraceLink; doc: vscode.Uri }

const tooltip = (l: TraceLink) => (l.frame ? 'Open the source line of this frame (UML Kernel Debug)' : 'Open this source line');

export function registerTraceLinks(ctx: vscode.ExtensionContext): TraceResolver {
  const resolver = new TraceResolver();
  const decoded = new Map<string, { text: string; targets: ReturnType<typeof decodedDocument>['targets'] }>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const fail = (e: unknown) => void vscode.window.showErrorMessage((e as Error).message);

  ctx.subscriptions.push(resolver, changed,
    vscode.window.registerTerminalLinkProvider({
      provideTerminalLinks: (c: vscode.TerminalLinkContext): FrameTerminalLink[] =>
        linksInLine(c.line).map((link) => ({ startIndex: link.start, length: link.length, tooltip: tooltip(link), link })),
      handleTerminalLink: async (l: FrameTerminalLink) => {
        try { await openAt(await targetOf(resolver, l.link)); } catch (e) { fail(e); }
      },
    }),
    vscode.languages.registerDocumentLinkProvider([{ language: 'log' }, { scheme: 'output' }, { language: 'plaintext' }, { scheme: TRACE_SCHEME }], {
      provideDocumentLinks: (doc): vscode.DocumentLink[] => {
        if (doc.uri.scheme === TRACE_SCHEME) {
          return (decoded.get(doc.uri.toString())?.targets ?? []).map((t) => {
            const l = new vscode.DocumentLink(new vscode.Range(t.line, t.start, t.line, t.start + t.length), vscode.Uri.file(t.file).with({ fragment: `L${t.fileLine}` }));
            l.tooltip = 'Open this source line';
            return l;
          });
        }
        const text = doc.getText();
        // Only kernel output: a trace, a WARN, a KUnit expectation or a panic in it.
        if (!/Call Trace:|WARNING: CPU:|EXPECTATION FAILED|Kernel panic|RIP: |\bip 0x|\] \? |\+0x[0-9a-f]+\/0x/.test(text)) return [];
        return parseTrace(text).links.map((link): FrameDocumentLink => Object.assign(new vscode.DocumentLink(new vscode.Range(link.line, link.start, link.line, link.start + link.length)), { tooltip: tooltip(link), link, doc: doc.uri }));
      },
      resolveDocumentLink: async (l: FrameDocumentLink) => {
        if (!l.link) return l;
        try {
          const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === l.doc.toString());
          l.target = await targetOf(resolver, l.link, doc?.getText());
        } catch (e) { fail(e); }
        return l;
      },
    }),
    vscode.workspace.registerTextDocumentContentProvider(TRACE_SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => decoded.get(uri.toString())?.text ?? '' }),
    vscode.commands.registerCommand('umlKernelDebug.decodeStackTrace', async (file?: vscode.Uri) => {
      try {
        const { text, from } = await traceText(file);
        if (!text) return;
        const d = resolver.decoder();
        const t = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'UML: decoding the stack trace' }, () => decodeTrace(text, d));
        const doc = decodedDocument(t, treeOf(d));
        const uri = vscode.Uri.from({ scheme: TRACE_SCHEME, path: `/${from.replace(/[/\\]/g, '_')} (decoded).log` , query: String(Date.now()) });
        decoded.set(uri.toString(), doc);
        const shown = await vscode.workspace.openTextDocument(uri);
        await vscode.languages.setTextDocumentLanguage(shown, 'log');
        await vscode.window.showTextDocument(shown, { preview: false });
      } catch (e) { fail(e); }
    }),
  );
  return resolver;
}

/** The selection, else the clipboard when it holds frames, else a file the user picks (or `file`). */
async function traceText(file?: vscode.Uri): Promise<{ text: string; from: string }> {
  if (file) return { text: Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'), from: path.basename(file.fsPath) };
  const ed = vscode.window.activeTextEditor;
  if (ed && !ed.selection.isEmpty) return { text: ed.document.getText(ed.selection), from: 'selection' };
  const clip = await vscode.env.clipboard.readText();
  if (parseTrace(clip).links.some((l) => l.frame)) return { text: clip, from: 'clipboard' };
  if (ed && parseTrace(ed.document.getText()).links.some((l) => l.frame)) return { text: ed.document.getText(), from: path.basename(ed.document.fileName) };
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Decode', title: 'A kernel log or trace to decode' });
  if (!picked?.[0]) return { text: '', from: '' };
  return { text: Buffer.from(await vscode.workspace.fs.readFile(picked[0])).toString('utf8'), from: path.basename(picked[0].fsPath) };
}
