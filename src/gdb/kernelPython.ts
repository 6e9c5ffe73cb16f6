// The adapter's own gdb commands, in gdb's Python (sourced from the session directory): one
// gdb round trip for what would take hundreds of MI evaluations. They read kernel structures
// the way the kernel's scripts/gdb does, but work without vmlinux-gdb.py and on ARCH=um:
//   uml-tasks            every task: address|pid|tgid|state|kthread|comm, one per line
//   uml-task-enter ADDR  thread 1's registers become the task's saved context (switch_buf);
//   uml-task-leave       ...and back, exactly as they were (nothing changes in the guest)
//   uml-modules          every loaded module, uml-module-info EXPR one: name, base, sections
export const KERNEL_PY = String.raw`
import gdb

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

_state_field = None

def _state(t):
    global _state_field
    if _state_field is None:
        _state_field = '__state' if '__state' in [f.name for f in gdb.lookup_type('struct task_struct').fields()] else 'state'
    s = int(t[_state_field])
    ex = int(t['exit_state'])
    if ex & 16: return 'X'
    if ex & 32: return 'Z'
    if s == 0: return 'R'
    if s & 0x402 == 0x402: return 'I'
    if s & 1: return 'S'
    if s & 2: return 'D'
    if s & 4: return 'T'
    if s & 8: return 't'
    if s & 0x40: return 'P'
    return '?'

def _line(t):
    comm = t['comm'].string(errors='replace')
    kthread = 1 if int(t['flags']) & 0x00200000 else 0
    return '%x|%d|%d|%s|%d|%s\n' % (int(t), int(t['pid']), int(t['tgid']), _state(t), kthread, comm)

class UmlTasks(gdb.Command):
    def __init__(self):
        super(UmlTasks, self).__init__('uml-tasks', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        task = gdb.lookup_type('struct task_struct')
        init = gdb.parse_and_eval('init_task')
        out = [_line(init.address)]
        for p in _entries(init['tasks'], task, 'tasks'):
            for t in _entries(p['signal']['thread_head'], task, 'thread_node'):
                out.append(_line(t))
        gdb.write(''.join(out))

def _frame0():
    gdb.execute('thread 1', to_string=True)
    gdb.execute('frame 0', to_string=True)

class UmlTaskEnter(gdb.Command):
    def __init__(self):
        super(UmlTaskEnter, self).__init__('uml-task-enter', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        global _saved
        t = gdb.parse_and_eval('(struct task_struct *) ' + arg)
        jb = t['thread']['switch_buf'][0]
        ctx = [int(jb['__' + r]) for r in _REGS]
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

def _module_lines(m):
    names = [f.name for f in m.dereference().type.fields()]
    if 'core_layout' in names:
        base, size = m['core_layout']['base'], m['core_layout']['size']
    else:
        base, size = m['mem'][0]['base'], m['mem'][0]['size']
    out = ['M|%x|%s|%x|%d\n' % (int(m), m['name'].string(), int(base), int(size))]
    try:
        sa = m['sect_attrs'].dereference()
        for n in range(int(sa['nsections'])):
            a = sa['attrs'][n]
            out.append('S|%s|%x\n' % (a['battr']['attr']['name'].string(), int(a['address'])))
    except gdb.error:
        pass
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

export interface KernelModule { addr: bigint; name: string; base: bigint; size: number; sections: Record<string, bigint> }

export function parseModules(text: string): KernelModule[] {
  const out: KernelModule[] = [];
  for (const line of text.split('\n')) {
    const [kind, ...f] = line.split('|');
    if (kind === 'M' && f.length === 4) out.push({ addr: BigInt(`0x${f[0]}`), name: f[1], base: BigInt(`0x${f[2]}`), size: Number(f[3]), sections: {} });
    else if (kind === 'S' && f.length === 2 && out.length) out[out.length - 1].sections[f[0]] = BigInt(`0x${f[1]}`);
  }
  return out;
}
