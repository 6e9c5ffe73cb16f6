// Which struct a list links, as the kernel's own sources say it: the places that put a node on
// a head (`list_add(&x->member, head)`, `hlist_add_head`, `llist_add`, `rb_link_node`), walk
// it (`list_for_each_entry(pos, head, member)` and its variants) or take an entry
// (`list_first_entry(head, struct t, member)`). A head is keyed by the struct type that holds it
// and its member ("super_block.s_inodes"), or by its name when it is a global ("modules"). Pure
// text: the types of `x`, `pos` and the head's owner come from declarations in the same file
// (or, for globals, any scanned file). The builder is sourceIndexBuild.ts.
import type { Container } from './kernelData';

export interface HeadUse { head: string; container: Container }

/** A file's globals whose type is a struct: name -> struct name (for heads like init_task.tasks). */
export function fileGlobals(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^(?:static\s+|extern\s+)?(?:const\s+)?struct\s+(\w+)\s+(\w+)\b(?!\s*\()/gm)) out.set(m[2], m[1]);
  return out;
}

/** File-scope heads declared by name: LIST_HEAD(x), HLIST_HEAD(x), `struct list_head x`, ... */
function fileHeads(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^(?:static\s+)?(?:LIST_HEAD|HLIST_HEAD|LLIST_HEAD)\s*\(\s*(\w+)\s*\)/gm)) out.add(m[1]);
  for (const m of text.matchAll(/^(?:static\s+)?struct\s+(?:list_head|hlist_head|hlist_nulls_head|llist_head|rb_root|rb_root_cached)\s+(\w+)\b/gm)) out.add(m[1]);
  return out;
}

/** The struct a variable points to (or is), from its nearest declaration before `at`. */
function typeOfVar(text: string, name: string, at: number): string | undefined {
  const window = text.slice(Math.max(0, at - 30000), at);
  const re = new RegExp(`\\bstruct\\s+(\\w+)\\s*(?:\\*\\s*)?(?:const\\s+)?(?:__\\w+\\s+)?\\b${name}\\b\\s*[;,=)\\[]`, 'g');
  let last: string | undefined;
  for (const m of window.matchAll(re)) last = m[1];
  return last;
}

/** Top-level comma-separated arguments of a macro call starting after its "(" at `from`. */
function callArgs(text: string, from: number): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = from; i < text.length && i < from + 600; i++) {
    const c = text[i];
    if (c === '(') depth++;
    if (c === ')') {
      if (depth === 0) { args.push(cur.trim()); return args; }
      depth--;
    }
    if (c === ',' && depth === 0) { args.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  return undefined;
}

const strip = (e: string) => e.replace(/^&\s*/, '').replace(/^\((.*)\)$/s, '$1').replace(/\s+/g, '').replace(/^&/, '');

/** The key of a head expression at `at`: "type.member" via its owner's declaration, or a global's name. */
function headKey(text: string, expr: string, at: number, heads: Set<string>, globals: Map<string, string>): string | undefined {
  const e = strip(expr);
  if (/^\w+$/.test(e)) return heads.has(e) ? e : undefined;
  const m = /^(\w+)(?:->|\.)(\w+)$/.exec(e);
  if (!m) return undefined;
  const owner = typeOfVar(text, m[1], at) ?? globals.get(m[1]);
  return owner ? `${owner}.${m[2]}` : undefined;
}

/** Node-adding calls: the first argument is &x->member, the second the head. */
const ADDS = /\b(?:list_add(?:_tail)?(?:_rcu)?|list_move(?:_tail)?|hlist_add_head(?:_rcu)?|hlist_nulls_add_head(?:_rcu)?|llist_add|rb_link_node(?:_rcu)?)\s*\(/g;
/** Walks: the first argument is the entry, the next-to-last the head, the last the member. */
const WALKS = /\b(?:list|hlist|hlist_nulls|llist)_for_each_entry(?:_safe|_rcu|_continue|_reverse|_from|_srcu|_safe_reverse|_continue_rcu)?\s*\(/g;
/** Entry getters with the type spelt out: (head, struct t, member). */
const GETS = /\b(?:list_first_entry|list_last_entry|list_first_entry_or_null|list_first_or_null_rcu|list_entry_rcu|hlist_entry_safe|llist_entry)\s*\(/g;

export function scanSource(text: string, globals: Map<string, string> = new Map()): HeadUse[] {
  const heads = fileHeads(text);
  const all = new Map([...fileGlobals(text), ...globals]);
  const out: HeadUse[] = [];
  const add = (head: string | undefined, type: string | undefined, member: string) => {
    if (head && type && /^[\w.]+$/.test(member)) out.push({ head, container: { type: `struct ${type}`, member } });
  };
  for (const m of text.matchAll(ADDS)) {
    const a = callArgs(text, m.index! + m[0].length);
    if (!a || a.length < 2) continue;
    const node = /^&\s*\(?\s*(\w+)\s*->\s*([\w.]+)\s*\)?$/.exec(a[0]);
    if (!node) continue;
    // rb_link_node(node, parent, link): the tree is the rb_insert_color/rb_add root, not an argument here.
    if (/^rb_link_node/.test(m[0])) continue;
    add(headKey(text, a[1], m.index!, heads, all), typeOfVar(text, node[1], m.index!), node[2]);
  }
  for (const m of text.matchAll(/\brb_(?:insert_color(?:_cached)?|add(?:_cached)?)\s*\(/g)) {
    const a = callArgs(text, m.index! + m[0].length);
    const node = a && /^&\s*\(?\s*(\w+)\s*->\s*([\w.]+)\s*\)?$/.exec(a[0]);
    if (a && node && a.length >= 2) add(headKey(text, a[1], m.index!, heads, all), typeOfVar(text, node[1], m.index!), node[2]);
  }
  for (const m of text.matchAll(WALKS)) {
    const a = callArgs(text, m.index! + m[0].length);
    if (!a || a.length < 3 || !/^\w+$/.test(a[0])) continue;
    add(headKey(text, a[a.length - 2], m.index!, heads, all), typeOfVar(text, a[0], m.index!), a[a.length - 1]);
  }
  for (const m of text.matchAll(GETS)) {
    const a = callArgs(text, m.index! + m[0].length);
    const t = a && /^struct\s+(\w+)$/.exec(a[1] ?? '');
    if (a && t && a.length === 3) add(headKey(text, a[0], m.index!, heads, all), t[1], a[2]);
  }
  return out;
}

/**
 * Head key -> the distinct containers the sources give it, most used first; and the members
 * that are nodes ("task_struct.sibling"): a node is never taken for a head, even where code
 * walks a list from one of its nodes.
 */
export interface ListIndex { heads: Record<string, Array<Container & { uses: number }>>; nodes: string[] }

export function mergeUses(uses: HeadUse[]): ListIndex {
  const heads: ListIndex['heads'] = {};
  const nodes = new Set<string>();
  for (const u of uses) {
    nodes.add(`${u.container.type.replace(/^struct\s+/, '')}.${u.container.member}`);
    const list = heads[u.head] ??= [];
    const same = list.find((c) => c.type === u.container.type && c.member === u.container.member);
    if (same) same.uses++; else list.push({ ...u.container, uses: 1 });
  }
  for (const k of Object.keys(heads)) heads[k].sort((a, b) => b.uses - a.uses);
  return { heads, nodes: [...nodes].sort() };
}

/** What the index says of a head key: its containers, none when the key is a node member. */
export function indexedHead(index: ListIndex, key: string): Array<Container & { uses: number }> {
  if (index.nodes.includes(key)) return [];
  return index.heads[key] ?? [];
}

/** "struct foo.member" or "foo member" (what a user types) -> the container; undefined when it is not that. */
export function parseContainer(text: string): Container | undefined {
  const m = /^\s*(?:struct\s+)?(\w+)\s*[.\s]\s*([\w.]+(?:\[\d+\])?)\s*$/.exec(text);
  return m ? { type: `struct ${m[1]}`, member: m[2] } : undefined;
}
