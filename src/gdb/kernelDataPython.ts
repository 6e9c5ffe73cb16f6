// The adapter's gdb Python for kernel data structures (sourced after kernelPython.ts's): each
// walk is one gdb round trip that reads raw memory at offsets taken from the debug info, checked
// as it goes (a link that does not point back, a cycle, unreadable memory, a pivot out of order
// are said with the address, never walked forever):
//   uml-list-walk KIND HEAD MAX   the nodes of a list_head (KIND list), hlist_head (hlist),
//                        hlist_nulls_head (hnulls) or llist_head (llist) at HEAD: N|node per entry, then C|why when corrupt, and T|count|complete
//                        (complete 0: stopped at MAX)
//   uml-maple-walk TREE MAX       a struct maple_tree's entries in index order: R|first|last|entry
//                        per range that holds one (hex), then C| and T| as above
//   uml-rb-walk ROOT MAX         a struct rb_root's nodes in order (N| lines), each node's parent
//                        link checked
//   uml-xa-walk XA BASE MAX      a struct xarray's entries in index order: R|index|index|entry, the
//                        index plus BASE (an idr's idr_base); internal entries are skipped
//   uml-fields TYPE F,G ADDR...   for each struct at ADDR: ADDR|F=value|G=value (what names an entry;
//                        F may be a path: numbers[0].nr)
export const KERNEL_DATA_PY = String.raw`
import gdb
import struct as _struct

def _list_walk(kind, head, limit):
    mem = gdb.selected_inferior()
    def u64(a):
        return _struct.unpack_from('<Q', mem.read_memory(a, 8))[0]
    out = []
    seen = set()
    n = 0
    try:
        node = u64(head)
        back = head  # list: the previous node (node->prev); hlist: the previous next field (node->pprev)
        def more(node):
            if kind == 'list':
                return node != head
            if kind == 'hnulls':  # the end is a "nulls" marker: an odd value
                return not node & 1
            return node != 0
        while more(node):
            if n >= limit:
                out.append('T|%d|0\n' % n)
                return out
            if node in seen:
                out.append('C|cycle: node 0x%x comes again after %d entries\n' % (node, n))
                break
            try:
                nxt = u64(node)
                prev = u64(node + 8) if kind != 'llist' else back  # an llist has no back links
            except gdb.MemoryError:
                out.append('C|unreadable: node 0x%x (entry %d) cannot be read\n' % (node, n))
                break
            if prev != back:
                what = 'prev' if kind == 'list' else 'pprev'
                out.append('C|corrupt: node 0x%x ->%s points to 0x%x, not 0x%x\n' % (node, what, prev, back))
                break
            seen.add(node)
            out.append('N|%x\n' % node)
            n += 1
            back = node
            node = nxt
    except gdb.MemoryError:
        out.append('C|unreadable: the head at 0x%x cannot be read\n' % head)
    out.append('T|%d|1\n' % n)
    return out

class UmlListWalk(gdb.Command):
    def __init__(self):
        super(UmlListWalk, self).__init__('uml-list-walk', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        kind, head, limit = arg.split()
        gdb.write(''.join(_list_walk(kind, int(head, 0), int(limit))))

class UmlFields(gdb.Command):
    def __init__(self):
        super(UmlFields, self).__init__('uml-fields', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        words = arg.split()
        typ = gdb.lookup_type(' '.join(words[0].split('+'))).pointer()
        fields = [f for f in words[1].split(',') if f]
        out = []
        for a in words[2:]:
            parts = [a]
            for f in fields:
                try:
                    if '.' in f or '[' in f:
                        v = gdb.parse_and_eval('((%s) %s)->%s' % (typ, a, f))
                    else:
                        v = gdb.Value(int(a, 0)).cast(typ)[f]
                    if v.type.strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
                        t = '"%s"' % v.string(length=v.type.sizeof).split('\0')[0]
                    elif v.type.strip_typedefs().code == gdb.TYPE_CODE_PTR and str(v.type.target().strip_typedefs()) in ('char', 'const char'):
                        t = '"%s"' % v.string(length=64)
                    else:
                        t = str(v)
                except (gdb.error, gdb.MemoryError, UnicodeDecodeError):
                    t = '?'
                parts.append('%s=%s' % (f, t.replace('|', '/').replace('\n', ' ')))
            out.append('|'.join(parts) + '\n')
        gdb.write(''.join(out))


def _member(typ, name):
    """(byte offset, type) of member name, looking into anonymous unions and structs."""
    for f in typ.strip_typedefs().fields():
        if f.name == name:
            return f.bitpos // 8, f.type
        if f.name is None:
            found = _member(f.type, name)
            if found:
                return f.bitpos // 8 + found[0], found[1]
    return None

_ULONG_MAX = (1 << 64) - 1

class _Limit(Exception):
    pass

class _Maple(object):
    """lib/maple_tree.c's encoding: a node pointer is 256-byte aligned, its low byte holding the
    node type (bits 3-6: dense, leaf_64, range_64, arange_64), 4 (an encoded node) and, at the
    root, 2. Pivots end each slot's range; the node's last slot ends at its parent's pivot."""
    def __init__(self):
        self.mem = gdb.selected_inferior()
        self.root_off = _member(gdb.lookup_type('struct maple_tree'), 'ma_root')[0]
        self.layout = {}
        for t, name in ((1, 'struct maple_range_64'), (2, 'struct maple_range_64'), (3, 'struct maple_arange_64')):
            typ = gdb.lookup_type(name)
            po, pt = _member(typ, 'pivot')
            so, st = _member(typ, 'slot')
            self.layout[t] = (po, pt.range()[1] + 1, so, st.range()[1] + 1)
        so, st = _member(gdb.lookup_type('struct maple_node'), 'slot')
        self.layout[0] = (0, 0, so, st.range()[1] + 1)

    def walk(self, tree, limit):
        out = []
        try:
            entry = _struct.unpack_from('<Q', self.mem.read_memory(tree + self.root_off, 8))[0]
        except gdb.MemoryError:
            return ['C|unreadable: the tree at 0x%x cannot be read\n' % tree, 'T|0|1\n']
        self.n = 0
        try:
            if entry & 3 == 2 and entry > 4096:
                self.node(out, entry, 0, _ULONG_MAX, 0, limit)
            elif entry:
                out.append('R|0|0|%x\n' % entry)  # a tree of one entry keeps it in the root, at index 0
                self.n = 1
        except _Limit:
            out.append('T|%d|0\n' % self.n)
            return out
        except ValueError as e:
            out.append('C|%s\n' % e)
        out.append('T|%d|1\n' % self.n)
        return out

    def node(self, out, enode, lo, hi, depth, limit):
        if depth > 32:
            raise ValueError('corrupt: deeper than 32 levels at node 0x%x' % enode)
        kind = (enode >> 3) & 15
        addr = enode & ~255
        if kind not in self.layout:
            raise ValueError('corrupt: node 0x%x has type %d' % (enode, kind))
        po, npiv, so, nslot = self.layout[kind]
        try:
            raw = self.mem.read_memory(addr, 256)
        except gdb.MemoryError:
            raise ValueError('unreadable: node 0x%x cannot be read' % addr)
        pivots = _struct.unpack_from('<%dQ' % npiv, raw, po) if npiv else ()
        slots = _struct.unpack_from('<%dQ' % nslot, raw, so)
        if kind == 0:  # dense: one index per slot
            for i, v in enumerate(slots):
                if v:
                    self.emit(out, lo + i, lo + i, v, limit)
            return
        first = lo
        for i in range(nslot):
            last = pivots[i] if i < npiv else hi
            if i >= npiv and not slots[i] and hi != _ULONG_MAX:
                break
            if last == 0 and i > 0:
                break
            if last < first or last > hi:
                raise ValueError('corrupt: node 0x%x pivot %d is 0x%x, outside 0x%x-0x%x' % (addr, i, last, first, hi))
            if slots[i]:
                if kind == 1:
                    self.emit(out, first, last, slots[i], limit)
                else:
                    self.node(out, slots[i], first, last, depth + 1, limit)
            if last == hi:
                break
            first = last + 1

    def emit(self, out, first, last, v, limit):
        if self.n >= limit:
            raise _Limit()
        out.append('R|%x|%x|%x\n' % (first, last, v))
        self.n += 1

_maple = None

class UmlMapleWalk(gdb.Command):
    def __init__(self):
        super(UmlMapleWalk, self).__init__('uml-maple-walk', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        global _maple
        if _maple is None:
            _maple = _Maple()
        tree, limit = arg.split()
        gdb.write(''.join(_maple.walk(int(tree, 0), int(limit))))

class _Rb(object):
    def __init__(self):
        self.mem = gdb.selected_inferior()
        t = gdb.lookup_type('struct rb_node')
        self.pc = _member(t, '__rb_parent_color')[0]
        self.right = _member(t, 'rb_right')[0]
        self.left = _member(t, 'rb_left')[0]

    def u64(self, a):
        return _struct.unpack_from('<Q', self.mem.read_memory(a, 8))[0]

    def walk(self, root, limit):
        out = []
        seen = set()
        stack = []
        n = 0
        try:
            cur = self.u64(root)
            parent = 0
            while stack or cur:
                while cur:
                    if cur in seen:
                        out.append('C|cycle: node 0x%x comes again after %d entries\n' % (cur, n))
                        out.append('T|%d|1\n' % n)
                        return out
                    seen.add(cur)
                    try:
                        up = self.u64(cur + self.pc) & ~3
                        right = self.u64(cur + self.right)
                        left = self.u64(cur + self.left)
                    except gdb.MemoryError:
                        out.append('C|unreadable: node 0x%x cannot be read\n' % cur)
                        out.append('T|%d|1\n' % n)
                        return out
                    if up != parent:
                        out.append('C|corrupt: node 0x%x ->parent points to 0x%x, not 0x%x\n' % (cur, up, parent))
                        out.append('T|%d|1\n' % n)
                        return out
                    stack.append((cur, right))
                    parent = cur
                    cur = left
                node, right = stack.pop()
                if n >= limit:
                    out.append('T|%d|0\n' % n)
                    return out
                out.append('N|%x\n' % node)
                n += 1
                parent = node
                cur = right
        except gdb.MemoryError:
            out.append('C|unreadable: the root at 0x%x cannot be read\n' % root)
        out.append('T|%d|1\n' % n)
        return out

class _Xa(object):
    """include/linux/xarray.h's encoding: an internal entry has low bits 10; above 4096 it is a
    node (pointer + 2), below it a sibling, retry or zero entry (not an entry of its own)."""
    def __init__(self):
        self.mem = gdb.selected_inferior()
        self.head = _member(gdb.lookup_type('struct xarray'), 'xa_head')[0]
        t = gdb.lookup_type('struct xa_node')
        self.shift = _member(t, 'shift')[0]
        self.slots, st = _member(t, 'slots')
        self.nslots = st.range()[1] + 1

    def walk(self, xa, base, limit):
        out = []
        self.n = 0
        try:
            head = _struct.unpack_from('<Q', self.mem.read_memory(xa + self.head, 8))[0]
            if head & 3 == 2 and head > 4096:
                self.node(out, head - 2, 0, base, limit, 0)
            elif head and head & 3 != 2:
                self.emit(out, base, head, limit)
        except _Limit:
            out.append('T|%d|0\n' % self.n)
            return out
        except ValueError as e:
            out.append('C|%s\n' % e)
        except gdb.MemoryError:
            out.append('C|unreadable: the xarray at 0x%x cannot be read\n' % xa)
        out.append('T|%d|1\n' % self.n)
        return out

    def node(self, out, addr, index, base, limit, depth):
        if depth > 12:
            raise ValueError('corrupt: deeper than 12 levels at node 0x%x' % addr)
        try:
            shift = _struct.unpack_from('<B', self.mem.read_memory(addr + self.shift, 1))[0]
            slots = _struct.unpack_from('<%dQ' % self.nslots, self.mem.read_memory(addr + self.slots, 8 * self.nslots))
        except gdb.MemoryError:
            raise ValueError('unreadable: node 0x%x cannot be read' % addr)
        for i, e in enumerate(slots):
            if not e:
                continue
            at = index + (i << shift)
            if e & 3 == 2:
                if e > 4096 and shift:
                    self.node(out, e - 2, at, base, limit, depth + 1)
                continue  # sibling, retry, zero
            self.emit(out, at + base, e, limit)

    def emit(self, out, index, e, limit):
        if self.n >= limit:
            raise _Limit()
        out.append('R|%x|%x|%x\n' % (index, index, e))
        self.n += 1

_walkers = {}

def _walker(cls):
    if cls not in _walkers:
        _walkers[cls] = cls()
    return _walkers[cls]

class UmlRbWalk(gdb.Command):
    def __init__(self):
        super(UmlRbWalk, self).__init__('uml-rb-walk', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        root, limit = arg.split()
        gdb.write(''.join(_walker(_Rb).walk(int(root, 0), int(limit))))

class UmlXaWalk(gdb.Command):
    def __init__(self):
        super(UmlXaWalk, self).__init__('uml-xa-walk', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        xa, base, limit = arg.split()
        gdb.write(''.join(_walker(_Xa).walk(int(xa, 0), int(base, 0), int(limit))))

UmlListWalk()
UmlMapleWalk()
UmlRbWalk()
UmlXaWalk()
UmlFields()
`;

/** A walked list: its nodes' addresses (a maple tree: its entries, with the index ranges), whether the walk reached the end, and why it stopped if corrupt. */
export interface ListWalk { nodes: bigint[]; ranges?: Array<[bigint, bigint]>; complete: boolean; corrupt?: string }

export function parseListWalk(text: string): ListWalk {
  const w: ListWalk = { nodes: [], complete: false };
  for (const line of text.split('\n')) {
    const [kind, ...f] = line.split('|');
    if (kind === 'N' && f[0]) w.nodes.push(BigInt(`0x${f[0]}`));
    else if (kind === 'R' && f.length === 3) {
      w.nodes.push(BigInt(`0x${f[2]}`));
      (w.ranges ??= []).push([BigInt(`0x${f[0]}`), BigInt(`0x${f[1]}`)]);
    }
    else if (kind === 'C') w.corrupt = f.join('|');
    else if (kind === 'T') w.complete = f[1] === '1';
  }
  return w;
}

/** uml-fields' lines: per address, the named fields as gdb printed them. */
export function parseFields(text: string): Map<bigint, Array<[string, string]>> {
  const out = new Map<bigint, Array<[string, string]>>();
  for (const line of text.split('\n')) {
    const [a, ...f] = line.split('|');
    if (!/^0x[0-9a-f]+$/i.test(a)) continue;
    out.set(BigInt(a), f.map((x) => { const i = x.indexOf('='); return [x.slice(0, i), x.slice(i + 1)] as [string, string]; }));
  }
  return out;
}
