// Kernel lists in Variables, hover, Watch and the Debug Console: a list head whose container is
// known (kernelData.ts) expands to its entries, each the containing struct (container_of
// resolved), walked in gdb's Python (one round trip, checked as walked: a broken link, a cycle
// or unreadable memory is said on the list, never walked forever). Nothing is read until the
// list is opened; longer lists come in groups of 100, and only a shown group's names are read.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MiCommands, Where, hex } from '../gdb/commands';
import type { ListWalk } from '../gdb/kernelDataPython';
import { Container, ListKind, PAGE, UNTYPED, listKindOf, listValue, knownHead, pages, splitMember, storesPointers, structName, summaryFields, viewOf } from './kernelData';
import { ListIndex, indexedHead } from './listIndex';
import type { KernelDataViews } from '../shared/messages';

/** Walks stop here: a longer list is shown as such, not walked on. */
export const MAX_ENTRIES = 100000;

interface List { head: bigint; kind: ListKind; type: string; container: Container; expr: string; frameId?: number; walk?: ListWalk; offset?: bigint }

/** The Variables handles a list hands out (created by the owner, which keeps the numbering). */
export interface ListRefs {
  listRef(id: number, frameId?: number): number;
  pageRef(id: number, start: number, count: number, frameId?: number): number;
  exprRef(expr: string, frameId?: number): number;
}


export class KernelLists {
  private lists: List[] = [];

  private readonly choices = new Map<string, Container>();

  /** `whereOf`: the gdb thread and frame of a DAP frame id (Variables' own); `index`: the list index if built. */
  constructor(private readonly mi: MiCommands, private readonly refs: ListRefs, private readonly whereOf: (frameId?: number) => Where | undefined,
    private readonly index: () => ListIndex | undefined = () => undefined) {}

  /** Forgets every list: the guest resumed. */
  reset(): void { this.lists = []; }

  /** The head's key in the tables, the list index and the user's choices: "owner.member", or a global's name. */
  async headKey(expr: string, frameId?: number, ownerType?: string, member?: string): Promise<string | undefined> {
    if (ownerType && member) { const o = structName(ownerType); return o ? `${o}.${member}` : undefined; }
    if (/^\w+$/.test(expr.trim())) return expr.trim();
    // An expression like init_task.tasks: the owner's type says which list it is.
    const split = splitMember(expr);
    if (!split) return undefined;
    const o = structName(await this.mi.whatis(split.owner) ?? '');
    return o ? `${o}.${split.member}` : undefined;
  }

  /** "View as list of...": the containers the list index gives a head, and whether it is built yet. */
  async candidates(expr: string, frameId?: number): Promise<{ key?: string; candidates: Container[]; indexReady: boolean }> {
    const key = await this.headKey(expr, frameId);
    const index = this.index();
    return { key, candidates: key && index ? indexedHead(index, key) : [], indexReady: !!index };
  }

  /** A choice made in "View as list of..." for every head with this key (undefined: forget it). */
  choose(key: string, c: Container | undefined): void {
    if (c) this.choices.set(key, c); else this.choices.delete(key);
  }

  /**
   * A list head this debugger knows the container of: `expr` of `type`, a member `member` of a
   * struct of `ownerType`, or a global. Found, in this order, from the user's choice, the table
   * of well-known heads, and the list index when it gives one answer (checked against the debug
   * info). A head of a list kind without one: its key (the row offers "View as list of...");
   * undefined for anything else, and for a kind whose view is off.
   */
  async recognise(expr: string, type: string, frameId: number | undefined, views: KernelDataViews, ownerType?: string, member?: string): Promise<{ value: string; variablesReference: number } | { key: string } | undefined> {
    const kind = listKindOf(type);
    if (!kind || !views[viewOf(kind)]) return undefined;
    const key = await this.headKey(expr, frameId, ownerType, member);
    let container = key ? this.choices.get(key) ?? knownHead(key) : undefined;
    const index = this.index();
    const found = key && !container && index ? indexedHead(index, key) : undefined;
    if (found?.length === 1 && await this.memberOffset(found[0]) !== undefined) container = found[0];
    // A tree of indexes nobody has said the entries of still shows them, as plain pointers.
    if (!container && storesPointers(kind)) container = UNTYPED;
    if (!container) return key ? { key } : undefined;
    const addr = /0x[0-9a-f]+/i.exec(await this.mi.dataEvaluateExpression(`&(${expr})`, this.whereOf(frameId)).catch(() => ''))?.[0];
    if (!addr) return undefined;
    const id = this.lists.push({ head: BigInt(addr), kind, type: type.replace(/^(volatile|const)\s+/g, ''), container, expr, frameId }) - 1;
    return { value: listValue(kind, container), variablesReference: this.refs.listRef(id, frameId) };
  }

  /** The member's offset in its container; undefined where the debug info lacks either (the sources may say more than this build has). */
  private async memberOffset(c: Container): Promise<bigint | undefined> {
    if (!c.member) return 0n;
    return this.mi.dataEvaluateExpression(`(unsigned long) &((${c.type} *) 0)->${c.member}`).then(BigInt, () => undefined);
  }

  /** The opened list: its entries (or groups of 100), what went wrong on the walk, and the head as it is. */
  async expand(id: number, frameId?: number): Promise<DebugProtocol.Variable[]> {
    const l = this.lists[id];
    if (!l) return [];
    const w = l.walk ??= await this.walk(l);
    const out: DebugProtocol.Variable[] = [];
    if (w.nodes.length <= PAGE) out.push(...await this.entries(id, 0, w.nodes.length, frameId));
    else {
      for (const p of pages(w.nodes.length)) {
        out.push({ name: p.name, value: `${p.count} × ${l.container.type}`, variablesReference: this.refs.pageRef(id, p.start, p.count, frameId) });
      }
    }
    if (w.corrupt) out.push({ name: '[corrupt]', value: w.corrupt, variablesReference: 0, presentationHint: { kind: 'data', attributes: ['readOnly'] } });
    if (!w.complete) out.push({ name: '[more]', value: `the walk stopped after ${MAX_ENTRIES} entries`, variablesReference: 0 });
    out.push({ name: '[raw]', value: `${l.type} at ${hex(l.head)}`, evaluateName: l.expr, variablesReference: this.refs.exprRef(l.expr, frameId) });
    return out;
  }

  private async walk(l: List): Promise<ListWalk> {
    switch (l.kind) {
      case 'list': case 'hlist': case 'hnulls': case 'llist': return this.mi.listWalk(l.kind, l.head, MAX_ENTRIES);
      case 'rb': return this.mi.rbWalk(l.head, MAX_ENTRIES);  // rb_root_cached starts with its rb_root
      case 'maple': return this.mi.mapleWalk(l.head, MAX_ENTRIES);
      case 'xarray': return this.mi.xaWalk(l.head, 0n, MAX_ENTRIES);
      case 'idr': {  // idr_rt (an xarray) is its first member; indexes count from idr_base
        const base = BigInt(await this.mi.dataEvaluateExpression(`(${l.expr}).idr_base`, this.whereOf(l.frameId)).catch(() => '0'));
        return this.mi.xaWalk(l.head, base, MAX_ENTRIES);
      }
    }
  }

  /** Entries start..start+count-1: each the containing struct, named by a field or two. */
  async entries(id: number, start: number, count: number, frameId?: number): Promise<DebugProtocol.Variable[]> {
    const l = this.lists[id];
    const w = l?.walk;
    if (!l || !w) return [];
    const { type, member } = l.container;
    // A list's nodes are members of their entries (container_of); a tree's entries are the pointers.
    l.offset ??= await this.memberOffset(l.container);
    if (l.offset === undefined) throw new Error(`${type} has no member ${member} in this kernel's debug info: choose another with View as List of...`);
    const addrs = w.nodes.slice(start, start + count).map((n) => n - l.offset!);
    const typed = type !== UNTYPED.type;
    const named = typed ? await this.mi.structFields(type, summaryFields(type), addrs).catch(() => undefined) : undefined;
    return addrs.map((a, i) => {
      const ptr = `((${type} *) ${hex(a)})`;
      const fields = named?.get(a);
      const summary = fields?.length ? ` {${fields.map(([k, v]) => `${k} = ${v}`).join(', ')}}` : '';
      const range = w.ranges?.[start + i];
      const name = !range ? `[${start + i}]` : l.kind === 'maple' ? `[${hex(range[0])}-${hex(range[1])}]` : `[${range[0]}]`;
      // xarray value entries (low bit set) are numbers stored in place of pointers.
      if (storesPointers(l.kind) && a & 1n) return { name, value: `value ${a >> 1n}`, variablesReference: 0 };
      return {
        name, type: `${type} *`, value: `${hex(a)}${summary}`, evaluateName: ptr,
        variablesReference: typed ? this.refs.exprRef(`*${ptr}`, frameId) : 0, memoryReference: hex(a),
      };
    });
  }
}
