// Kernel lists in Variables, hover, Watch and the Debug Console: a list head whose container is
// known (kernelData.ts) expands to its entries, each the containing struct (container_of
// resolved), walked in gdb's Python (one round trip, checked as walked: a broken link, a cycle
// or unreadable memory is said on the list, never walked forever). Nothing is read until the
// list is opened; longer lists come in groups of 100, and only a shown group's names are read.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MiCommands, Where, hex } from '../gdb/commands';
import type { ListWalk } from '../gdb/kernelDataPython';
import { Container, ListKind, PAGE, UNTYPED, globalHead, listKindOf, listValue, memberHead, pages, splitMember, storesPointers, summaryFields, viewOf } from './kernelData';
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

  /** `whereOf`: the gdb thread and frame of a DAP frame id (Variables' own). */
  constructor(private readonly mi: MiCommands, private readonly refs: ListRefs, private readonly whereOf: (frameId?: number) => Where | undefined) {}

  /** Forgets every list: the guest resumed. */
  reset(): void { this.lists = []; }

  /**
   * A list head this debugger knows the container of: `expr` of `type`, a member `member` of a
   * struct of `ownerType`, or a global; undefined for anything else (shown as it is), and for
   * a kind whose view is off.
   */
  async recognise(expr: string, type: string, frameId: number | undefined, views: KernelDataViews, ownerType?: string, member?: string): Promise<{ value: string; variablesReference: number } | undefined> {
    const kind = listKindOf(type);
    if (!kind || !views[viewOf(kind)]) return undefined;
    let container = ownerType && member ? memberHead(ownerType, member) : globalHead(expr);
    if (!container && !ownerType) {
      // An expression like init_task.tasks: the owner's type says which list it is.
      const split = splitMember(expr);
      if (split) {
        const owner = /type = (.*)/.exec(await this.mi.consoleExec(`whatis ${split.owner}`).catch(() => ''))?.[1] ?? '';
        container = memberHead(owner.trim(), split.member);
      }
    }
    // A tree of indexes nobody has said the entries of still shows them, as plain pointers.
    if (!container && storesPointers(kind)) container = UNTYPED;
    if (!container) return undefined;
    const addr = /0x[0-9a-f]+/i.exec(await this.mi.dataEvaluateExpression(`&(${expr})`, this.whereOf(frameId)).catch(() => ''))?.[0];
    if (!addr) return undefined;
    const id = this.lists.push({ head: BigInt(addr), kind, type: type.replace(/^(volatile|const)\s+/g, ''), container, expr, frameId }) - 1;
    return { value: listValue(kind, container), variablesReference: this.refs.listRef(id, frameId) };
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
      case 'list': case 'hlist': return this.mi.listWalk(l.kind, l.head, MAX_ENTRIES);
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
    l.offset ??= member ? BigInt(await this.mi.dataEvaluateExpression(`(unsigned long) &((${type} *) 0)->${member}`)) : 0n;
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
