// The adapter's own gdb commands, in gdb's Python (sourced from the session directory): one
// gdb round trip for what would take hundreds of MI evaluations. They read kernel structures
// the way the kernel's scripts/gdb does, but work without vmlinux-gdb.py and on ARCH=um:
//   uml-tasks            every task: address|pid|tgid|state|kthread|comm, one per line
//   uml-task-enter ADDR  thread 1's registers become the task's saved context (UML: switch_buf;
//                        x86_64 in QEMU: the inactive_task_frame at thread.sp);
//   uml-task-leave       ...and back, exactly as they were (nothing changes in the guest)
//   uml-task-view ADDR   the same for a core (a crash snapshot), whose registers cannot be set:
//                        an unwinder makes the task's context the caller of thread 1's first
//                        real frame; prints how many frames of thread 1 come before the task's
//   uml-task-unview      ...and gone again
//   uml-modules          every loaded module, uml-module-info EXPR one: name, base, sections
// The data structure walkers are in kernelDataPython.ts.
export const KERNEL_PY = String.raw`
import gdb
import gdb.unwinder

_REGS = ['rbx', 'rsp', 'rbp', 'r12', 'r13', 'r14', 'r15', 'rip']
_saved = None

def _offset(typ, member):
    for f in typ.fields():
        if f.name == member:
            return f.bitpos // 8
    raise gdb.GdbError('no member %s' % member)

def _entries(head, typ, member):
    off = _offset(typ, member)
    charp = gdb.lookup_type('char').pointer()
    node = head['next']
    end = head.address
    n = 0
    while node != end and n < 100000:
        yield (node.cast(charp) - off).cast(typ.pointer())
        node = node['next']
        n += 1

class _TaskReader(object):
    """Reads task fields straight from memory at offsets taken from the debug info once: a
    gdb.Value per field costs ~20 us, 300 tasks a dozen fields each would take 70 ms."""
    def __init__(self):
        import struct
        self.unpack = struct.unpack_from
        task = gdb.lookup_type('struct task_struct')
        sig = gdb.lookup_type('struct signal_struct')
        self.off = {}
        for f in ['pid', 'tgid', 'exit_state', 'flags', 'comm', 'tasks', 'signal', 'thread_node']:
            self.off[f] = _offset(task, f)
        self.off['state'] = _offset(task, '__state' if '__state' in [f.name for f in task.fields()] else 'state')
        self.thread_head = _offset(sig, 'thread_head')
        self.mem = gdb.selected_inferior()
    def u64(self, a):
        return self.unpack('<Q', self.mem.read_memory(a, 8))[0]
    def u32(self, a):
        return self.unpack('<I', self.mem.read_memory(a, 4))[0]
    def i32(self, a):
        return self.unpack('<i', self.mem.read_memory(a, 4))[0]
    def line(self, t):
        o = self.off
        s = self.u32(t + o['state'])
        ex = self.i32(t + o['exit_state'])
        if ex & 16: st = 'X'
        elif ex & 32: st = 'Z'
        elif s == 0: st = 'R'
        elif s & 0x402 == 0x402: st = 'I'
        elif s & 1: st = 'S'
        elif s & 2: st = 'D'
        elif s & 4: st = 'T'
        elif s & 8: st = 't'
        elif s & 0x40: st = 'P'
        else: st = '?'
        comm = bytes(self.mem.read_memory(t + o['comm'], 16)).split(b'\0')[0].decode('utf-8', 'replace')
        kthread = 1 if self.u32(t + o['flags']) & 0x00200000 else 0
        return '%x|%d|%d|%s|%d|%s\n' % (t, self.i32(t + o['pid']), self.i32(t + o['tgid']), st, kthread, comm)
    def walk(self, head, off):
        node = self.u64(head)
        n = 0
        while node != head and n < 100000:
            yield node - off
            node = self.u64(node)
            n += 1
    def all(self):
        init = int(gdb.parse_and_eval('&init_task'))
        o = self.off
        out = [self.line(init)]
        for p in self.walk(init + o['tasks'], o['tasks']):
            head = self.u64(p + o['signal']) + self.thread_head
            for t in self.walk(head, o['thread_node']):
                out.append(self.line(t))
        return out

class UmlTasks(gdb.Command):
    def __init__(self):
        super(UmlTasks, self).__init__('uml-tasks', gdb.COMMAND_DATA)
        self.reader = None
    def invoke(self, arg, from_tty):
        if self.reader is None:
            self.reader = _TaskReader()
        gdb.write(''.join(self.reader.all()))

def _frame0():
    gdb.execute('thread 1', to_string=True)
    gdb.execute('frame 0', to_string=True)

def _context(t):
    th = t['thread']
    if 'switch_buf' in [f.name for f in th.type.fields()]:
        jb = th['switch_buf'][0]
        return [int(jb['__' + r]) for r in _REGS]
    # x86_64: __switch_to_asm pushed the callee-saved registers under its return address.
    sp = int(th['sp'])
    if sp == 0:
        return [0] * len(_REGS)
    ftype = gdb.lookup_type('struct inactive_task_frame')
    f = gdb.parse_and_eval('*(struct inactive_task_frame *) 0x%x' % sp)
    return [int(f['bx']), sp + ftype.sizeof, int(f['bp']), int(f['r12']), int(f['r13']), int(f['r14']), int(f['r15']), int(f['ret_addr'])]

class UmlTaskEnter(gdb.Command):
    def __init__(self):
        super(UmlTaskEnter, self).__init__('uml-task-enter', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        global _saved
        t = gdb.parse_and_eval('(struct task_struct *) ' + arg)
        ctx = _context(t)
        if ctx[1] == 0 or ctx[7] == 0:
            raise gdb.GdbError('no saved context: the task has not been switched out yet')
        if _saved is None:
            _frame0()
            _saved = [int(gdb.parse_and_eval('(unsigned long) $' + r)) for r in _REGS]
        for r, v in zip(_REGS, ctx):
            gdb.execute('set $%s = 0x%x' % (r, v), to_string=True)

class UmlTaskLeave(gdb.Command):
    def __init__(self):
        super(UmlTaskLeave, self).__init__('uml-task-leave', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        global _saved
        if _saved is None:
            return
        _frame0()
        for r, v in zip(_REGS, _saved):
            gdb.execute('set $%s = 0x%x' % (r, v), to_string=True)
        _saved = None

class _FrameId(object):
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc

class _TaskView(gdb.unwinder.Unwinder):
    """A core's registers are read-only: the task's saved context is handed to gdb as what
    thread 1's first non-inline frame unwinds to, so the task's own frames follow it."""
    def __init__(self):
        super(_TaskView, self).__init__('uml-task-view')
        self.ctx = None
        self.level = 0
    def __call__(self, pf):
        if self.ctx is None or pf.level() != self.level:
            return None
        # gdb stops a backtrace whose caller's stack is inner to its callee's: this frame's id
        # is put just below the task's stack, which its frames (the callers) are outer to.
        info = pf.create_unwind_info(_FrameId(gdb.Value(self.ctx[1] - 16).cast(gdb.lookup_type('unsigned long')), pf.read_register('rip')))
        ulong = gdb.lookup_type('unsigned long')
        for r, v in zip(_REGS, self.ctx):
            info.add_saved_register(r, gdb.Value(v).cast(ulong))
        return info

_view = _TaskView()
gdb.unwinder.register_unwinder(None, _view, replace=True)

class UmlTaskView(gdb.Command):
    def __init__(self):
        super(UmlTaskView, self).__init__('uml-task-view', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        t = gdb.parse_and_eval('(struct task_struct *) ' + arg)
        ctx = _context(t)
        if ctx[1] == 0 or ctx[7] == 0:
            raise gdb.GdbError('no saved context: the task has not been switched out yet')
        _view.ctx = None
        gdb.invalidate_cached_frames()
        _frame0()
        f = gdb.newest_frame()
        level = 0
        while f is not None and f.type() == gdb.INLINE_FRAME:
            f = f.older()
            level += 1
        _view.level = level
        _view.ctx = ctx
        gdb.invalidate_cached_frames()
        gdb.write('%d\n' % (level + 1))

class UmlTaskUnview(gdb.Command):
    def __init__(self):
        super(UmlTaskUnview, self).__init__('uml-task-unview', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        _view.ctx = None
        gdb.invalidate_cached_frames()

def _names(t):
    return [f.name for f in t.strip_typedefs().fields()]

def _module_core(m):
    """The module's core text: core_layout up to 6.3, mem[MOD_TEXT] (index 0) since 6.4."""
    names = _names(m.dereference().type)
    if 'core_layout' in names:
        return m['core_layout']['base'], m['core_layout']['size']
    if 'mem' in names:
        return m['mem'][0]['base'], m['mem'][0]['size']
    if 'module_core' in names:  # before 4.5
        return m['module_core'], m['core_size']
    raise gdb.GdbError('struct module has neither core_layout nor mem[]: a layout this debugger does not know')

def _module_sections(m):
    """Each section's load address from /sys/module/X/sections' backing: module_sect_attr
    {battr, address} with nsections up to 6.13; since 6.14 the group's NULL-terminated
    bin_attrs, the address in each one's private."""
    if 'sect_attrs' not in _names(m.dereference().type):
        raise gdb.GdbError('struct module has no sect_attrs (a kernel without CONFIG_KALLSYMS or CONFIG_SYSFS)')
    p = m['sect_attrs']
    if int(p) == 0:
        raise gdb.GdbError('mod->sect_attrs is not set yet')
    sa = p.dereference()
    names = _names(sa.type)
    out = []
    if 'nsections' in names and 'attrs' in names and 'battr' in _names(sa['attrs'].type.target()):
        for n in range(int(sa['nsections'])):
            a = sa['attrs'][n]
            out.append((a['battr']['attr']['name'].string(), int(a['address'])))
        return out
    arr = sa['grp']['bin_attrs']
    for n in range(1000):
        b = arr[n]
        if int(b) == 0:
            break
        out.append((b['attr']['name'].string(), int(b['private'])))
    return out

def _module_lines(m):
    base, size = _module_core(m)
    out = ['M|%x|%s|%x|%d\n' % (int(m), m['name'].string(), int(base), int(size))]
    try:
        for name, addr in _module_sections(m):
            out.append('S|%s|%x\n' % (name, addr))
    except gdb.error as e:
        # Said, not swallowed: without section addresses gdb would place init and data wrongly.
        out.append('E|%s\n' % str(e).replace('\n', ' '))
    return out

class UmlModuleInfo(gdb.Command):
    def __init__(self):
        super(UmlModuleInfo, self).__init__('uml-module-info', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        gdb.write(''.join(_module_lines(gdb.parse_and_eval('(struct module *) (' + arg + ')'))))

class UmlModules(gdb.Command):
    def __init__(self):
        super(UmlModules, self).__init__('uml-modules', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        out = []
        for m in _entries(gdb.parse_and_eval('modules'), gdb.lookup_type('struct module'), 'list'):
            out.extend(_module_lines(m))
        gdb.write(''.join(out))

UmlTasks()
UmlTaskEnter()
UmlTaskLeave()
UmlTaskView()
UmlTaskUnview()
UmlModuleInfo()
UmlModules()
`;

export type TaskState = 'R' | 'S' | 'D' | 'I' | 'T' | 't' | 'Z' | 'X' | 'P' | '?';
export interface KernelTask { addr: bigint; pid: number; tgid: number; state: TaskState; kthread: boolean; comm: string }

export function parseTasks(text: string): KernelTask[] {
  const out: KernelTask[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)\|(\d+)\|(\d+)\|(.)\|([01])\|(.*)$/.exec(line);
    if (m) out.push({ addr: BigInt(`0x${m[1]}`), pid: Number(m[2]), tgid: Number(m[3]), state: m[4] as TaskState, kthread: m[5] === '1', comm: m[6] });
  }
  return out;
}

/** A loaded module; sectionsError: why its sections' addresses could not be read. */
export interface KernelModule { addr: bigint; name: string; base: bigint; size: number; sections: Record<string, bigint>; sectionsError?: string }

export function parseModules(text: string): KernelModule[] {
  const out: KernelModule[] = [];
  for (const line of text.split('\n')) {
    const [kind, ...f] = line.split('|');
    if (kind === 'M' && f.length === 4) out.push({ addr: BigInt(`0x${f[0]}`), name: f[1], base: BigInt(`0x${f[2]}`), size: Number(f[3]), sections: {} });
    else if (kind === 'S' && f.length === 2 && out.length) out[out.length - 1].sections[f[0]] = BigInt(`0x${f[1]}`);
    else if (kind === 'E' && out.length) out[out.length - 1].sectionsError = f.join('|');
  }
  return out;
}

