// Kernel data structures shown as their contents: which list heads hold what. A list_head is two
// pointers to every debugger; the kernel's own code says which struct each list links and by
// which member. The well-known heads are in a table here, by the global's name or by the
// struct member that is the head; nodes that are members of someone else's list (a task's
// `sibling`, a module's `list`) stay as they are.

/** What a list links: its entries' struct type and the member that is their node. */
export interface Container { type: string; member: string }

/**
 * The collections walked: list_head (next, prev), hlist_head and hlist_nulls_head (first;
 * nodes next, pprev; the nulls list ends at an odd marker), llist_head (first; nodes next) and
 * rb_root / rb_root_cached (nodes in order), whose nodes are members of their entries; and
 * maple_tree (index ranges -> entries), xarray (radix_tree_root is one) and idr (index ->
 * entry), whose entries are the pointers stored (member '').
 */
export type ListKind = 'list' | 'hlist' | 'hnulls' | 'llist' | 'rb' | 'maple' | 'xarray' | 'idr';

const KINDS: Record<string, ListKind> = {
  'struct list_head': 'list', 'struct hlist_head': 'hlist', 'struct hlist_nulls_head': 'hnulls', 'struct llist_head': 'llist', 'struct rb_root': 'rb', 'struct rb_root_cached': 'rb',
  'struct maple_tree': 'maple', 'struct xarray': 'xarray', 'struct radix_tree_root': 'xarray', 'struct idr': 'idr',
};

export function listKindOf(type: string): ListKind | undefined {
  const t = type.replace(/^(volatile|const)\s+/g, '').trim();
  return Object.prototype.hasOwnProperty.call(KINDS, t) ? KINDS[t] : undefined;
}

/** Which view (umlKernelDebug.kernelData) shows the kind. */
export function viewOf(kind: ListKind): 'lists' | 'rbtrees' | 'mapleTrees' | 'xarrays' {
  if (kind === 'rb') return 'rbtrees';
  if (kind === 'maple') return 'mapleTrees';
  if (kind === 'xarray' || kind === 'idr') return 'xarrays';
  return 'lists';
}

/** Whether the kind's entries are stored pointers (a tree of indexes), not nodes inside them. */
export function storesPointers(kind: ListKind): boolean {
  return kind === 'maple' || kind === 'xarray' || kind === 'idr';
}

/** A maple tree's entries where nothing says what they are. */
export const UNTYPED: Container = { type: 'void', member: '' };

/** Heads that are struct members: "owner.member" -> the entries' type and node member. */
const MEMBER_HEADS: Record<string, Container> = {
  'task_struct.tasks': { type: 'struct task_struct', member: 'tasks' },
  'task_struct.children': { type: 'struct task_struct', member: 'sibling' },
  'signal_struct.thread_head': { type: 'struct task_struct', member: 'thread_node' },
  'super_block.s_inodes': { type: 'struct inode', member: 'i_sb_list' },
  'net.dev_base_head': { type: 'struct net_device', member: 'dev_list' },
  'mm_struct.mmlist': { type: 'struct mm_struct', member: 'mmlist' },
  'cfs_rq.tasks_timeline': { type: 'struct sched_entity', member: 'run_node' },
  'timerqueue_head.rb_root': { type: 'struct timerqueue_node', member: 'node' },
  'eventpoll.rbr': { type: 'struct epitem', member: 'rbn' },
  'kernfs_elem_dir.children': { type: 'struct kernfs_node', member: 'rb' },
  // trees of indexes: the entries are the pointers stored
  'mm_struct.mm_mt': { type: 'struct vm_area_struct', member: '' },
  'pid_namespace.idr': { type: 'struct pid', member: '' },
  'address_space.i_pages': { type: 'struct folio', member: '' },
};

/** Heads that are globals. */
const GLOBAL_HEADS: Record<string, Container> = {
  modules: { type: 'struct module', member: 'list' },
  super_blocks: { type: 'struct super_block', member: 's_list' },
  slab_caches: { type: 'struct kmem_cache', member: 'list' },
  net_namespace_list: { type: 'struct net', member: 'list' },
  workqueues: { type: 'struct workqueue_struct', member: 'list' },
  crypto_alg_list: { type: 'struct crypto_alg', member: 'cra_list' },
  vmap_area_root: { type: 'struct vmap_area', member: 'rb_node' },
  free_vmap_area_root: { type: 'struct vmap_area', member: 'rb_node' },
  purge_vmap_area_root: { type: 'struct vmap_area', member: 'rb_node' },
};

/** "struct task_struct *" / "const struct task_struct" -> "task_struct"; undefined for non-structs. */
export function structName(type: string): string | undefined {
  return /^(?:const\s+|volatile\s+)*struct\s+(\w+)\s*\**\s*$/.exec(type.trim())?.[1];
}

/** The container of the list whose head is member `member` of a struct of type `ownerType`. */
export function memberHead(ownerType: string, member: string): Container | undefined {
  const owner = structName(ownerType);
  return owner ? MEMBER_HEADS[`${owner}.${member}`] : undefined;
}

/** The container of a list head named by a global expression (`modules`). */
export function globalHead(expr: string): Container | undefined {
  return Object.prototype.hasOwnProperty.call(GLOBAL_HEADS, expr.trim()) ? GLOBAL_HEADS[expr.trim()] : undefined;
}

/** A well-known head by its key: "owner.member" or a global's name. */
export function knownHead(key: string): Container | undefined {
  const table = key.includes('.') ? MEMBER_HEADS : GLOBAL_HEADS;
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** `a.b.c` / `p->c` -> the owner expression and the member; undefined for a plain name. */
export function splitMember(expr: string): { owner: string; member: string } | undefined {
  const m = /^(.*\S)\s*(\.|->)\s*(\w+)$/.exec(expr.trim());
  if (!m) return undefined;
  return { owner: m[2] === '->' ? `*(${m[1]})` : m[1], member: m[3] };
}

/** The fields that say which entry is which, per container type (read for each entry shown). */
const SUMMARY_FIELDS: Record<string, string[]> = {
  task_struct: ['pid', 'comm'],
  module: ['name'],
  super_block: ['s_id'],
  kmem_cache: ['name'],
  net_device: ['name'],
  workqueue_struct: ['name'],
  crypto_alg: ['cra_name'],
  inode: ['i_ino'],
  vm_area_struct: ['vm_flags'],
  pid: ['numbers[0].nr'],
  vmap_area: ['va_start', 'va_end'],
  sched_entity: ['vruntime'],
  kernfs_node: ['name'],
  folio: ['index'],
};

export function summaryFields(containerType: string): string[] {
  return SUMMARY_FIELDS[structName(containerType) ?? ''] ?? [];
}

/** Entries shown per group: DAP clients page by 100. */
export const PAGE = 100;

/** A list too long for one level: its entries in groups of PAGE, "[0..99]", "[100..199]", ... */
export function pages(count: number): Array<{ start: number; count: number; name: string }> {
  const out = [];
  for (let s = 0; s < count; s += PAGE) {
    const n = Math.min(PAGE, count - s);
    out.push({ start: s, count: n, name: `[${s}..${s + n - 1}]` });
  }
  return out;
}

const KIND_NAMES: Record<ListKind, string> = { list: 'list', hlist: 'hlist', hnulls: 'hlist_nulls', llist: 'llist', rb: 'rbtree', maple: 'maple tree', xarray: 'xarray', idr: 'idr' };

/** The collection's one-line value (nothing is read for it): what it holds. */
export function listValue(kind: ListKind, c: Container): string {
  return `${KIND_NAMES[kind]} of ${c.member ? `${c.type} (.${c.member})` : `${c.type} *`}`;
}

/**
 * Types shown as one number: the counter inside (atomic_t's counter, refcount_t's refs,
 * kref's refcount). The path is appended to the variable's expression.
 */
const COUNTERS: Record<string, string> = {
  atomic_t: '.counter', atomic64_t: '.counter', atomic_long_t: '.counter',
  refcount_t: '.refs.counter', 'struct refcount_struct': '.refs.counter', 'struct kref': '.refcount.refs.counter',
};

export function counterPath(type: string): string | undefined {
  const t = type.replace(/^(const|volatile)\s+/g, '').trim();
  return Object.prototype.hasOwnProperty.call(COUNTERS, t) ? COUNTERS[t] : undefined;
}

/** kuid_t, kgid_t, kprojid_t: one id in a struct (so that uids are not mixed up with gids). */
export function idPath(type: string): string | undefined {
  return /^(const\s+)?k(uid|gid|projid)_t$/.test(type.trim()) ? '.val' : undefined;
}

/** A struct pid pointer: shown with the pid number (in the initial namespace). */
export function isPidPointer(type: string): boolean {
  return /^(const\s+)?struct pid \*$/.test(type.trim());
}

/** ktime_t (nanoseconds) beside its raw value: "1500000000 (1.500000000 s)". */
export function ktimeText(type: string, raw: string | undefined): string | undefined {
  if (!/^(const\s+)?ktime_t$/.test(type.trim()) || raw === undefined || !/^-?\d+$/.test(raw.trim())) return undefined;
  const ns = BigInt(raw.trim());
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  return `${raw.trim()} (${neg ? '-' : ''}${abs / 1000000000n}.${(abs % 1000000000n).toString().padStart(9, '0')} s)`;
}

/** cpumask_t / struct cpumask: shown as its set bits ("0-3,7"), read from `.bits`. */
export function isCpumask(type: string): boolean {
  return /^(const\s+)?(cpumask_t|struct cpumask)$/.test(type.trim());
}

/** gdb's print of an unsigned long array ("{143, 0}") -> its set bits: [0, 1, 2, 3, 7]. */
export function setBits(words: string): number[] {
  const bits: number[] = [];
  (words.match(/\d+/g) ?? []).forEach((w, i) => { for (let b = 0; b < 64; b++) if ((BigInt(w) >> BigInt(b)) & 1n) bits.push(i * 64 + b); });
  return bits;
}

/** gdb's print of an unsigned long array ("{15, 0}") -> the set bits as ranges: "0-3", "" for none. */
export function bitRanges(words: string): string {
  const bits = setBits(words);
  const out: string[] = [];
  for (let i = 0; i < bits.length; i++) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j] + 1) j++;
    out.push(j > i ? `${bits[i]}-${bits[j]}` : `${bits[i]}`);
    i = j;
  }
  return out.join(',');
}

/**
 * jiffies beside its raw value: time since boot. The kernel starts the count 300 s before the
 * 32-bit wrap (INITIAL_JIFFIES) and ticks HZ times a second (HZ = 1e9 / tick_nsec).
 */
export function jiffiesText(raw: string, tickNsec: string): string | undefined {
  if (!/^\d+$/.test(raw.trim()) || !/^\d+$/.test(tickNsec.trim()) || Number(tickNsec) === 0) return undefined;
  const hz = Math.round(1e9 / Number(tickNsec));
  const initial = (1n << 32n) - BigInt(300 * hz);
  const since = (BigInt(raw.trim()) - initial) & ((1n << 64n) - 1n);
  return `${raw.trim()} (${(Number(since) / hz).toFixed(2)} s since boot at HZ=${hz})`;
}
