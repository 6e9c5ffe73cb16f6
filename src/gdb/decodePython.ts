// The stack trace decoder's gdb command, in gdb's Python (sourced with the session's helpers, or
// by the standalone decoder): every frame of a kernel trace to its source lines in one round trip.
//   uml-decode JSON   JSON: a list of frames, each {"addr": "0x...", "func": NAME, "off": N,
//                     "size": N, "module": NAME} (any of them); prints one JSON line per frame, in order:
//                     {"pc": "0x...", "frames": [{"func", "file", "line"}...], "objfile"} with the
//                     inlined functions first, as `addr2line -i` lists them, or {"error": "..."}
// An inlined function's block carries its call site (DW_AT_call_file/line) as its symbol's line:
// that is the caller's line, the next entry out.
export const DECODE_PY = String.raw`
import gdb
import json
import re

def _is_module(filename, module):
    # The adapter may load a rewritten copy of a .ko: <name>-<hash>.ko in the session directory.
    base = re.sub(r'-[0-9a-f]{12}$', '', filename.split('/')[-1].split('.')[0])
    return base.replace('-', '_') == module.replace('-', '_')

def _fn_candidates(name, module):
    out = []
    seen = set()
    objfiles = [o for o in gdb.objfiles() if _is_module(o.filename, module)] if module else [None]
    for o in objfiles:
        found = []
        try:
            g = o.lookup_global_symbol(name) if o else gdb.lookup_global_symbol(name)
            if g is not None:
                found.append(g)
        except Exception:
            pass
        try:
            if o:
                s = o.lookup_static_symbol(name)
                found += [s] if s is not None else []
            else:
                found += list(gdb.lookup_static_symbols(name))
        except Exception:
            pass
        for s in found:
            if s.addr_class != gdb.SYMBOL_LOC_BLOCK:
                continue
            start = int(s.value().address)
            if start in seen:
                continue
            seen.add(start)
            b = gdb.block_for_pc(start)
            while b is not None and b.function is None:
                b = b.superblock
            out.append((start, (b.end - b.start) if b is not None else 0))
    if not out and not module:
        # No debug info for it (assembly): the ELF symbol still gives its address.
        try:
            v = gdb.parse_and_eval('(unsigned long)&' + name)
            out.append((int(v), 0))
        except gdb.error:
            pass
    return out

def _pc_of(f):
    if f.get('addr'):
        pc = int(f['addr'], 16)
        # A module's address means something only where the module is loaded (a session); with
        # its .ko read on its own (no session), the module's function and offset place the frame.
        if not (f.get('module') and f.get('func')) or gdb.find_pc_line(pc).symtab is not None:
            return pc
    cands = _fn_candidates(f['func'], f.get('module'))
    if not cands:
        raise gdb.GdbError('no function %s in the debug info%s' % (f['func'], ' (module %s not loaded)' % f['module'] if f.get('module') else ''))
    size = f.get('size')
    if size and len(cands) > 1:
        # Static functions share names: the kernel's size (to the next symbol) picks the one.
        fit = [c for c in cands if c[1] <= size] or cands
        cands = sorted(fit, key=lambda c: size - c[1])
    return cands[0][0] + int(f.get('off') or 0)

def _name(sym):
    return sym.print_name if sym is not None else None

def _decode(pc):
    sal = gdb.find_pc_line(pc)
    frames = []
    b = gdb.block_for_pc(pc)
    fns = []
    while b is not None and not b.is_global:
        if b.function is not None:
            fns.append(b.function)
        b = b.superblock
    objfile = None
    if sal.symtab is not None:
        objfile = sal.symtab.objfile.filename
        frames.append({'func': _name(fns[0]) if fns else None, 'file': sal.symtab.fullname(), 'line': sal.line})
        for i in range(1, len(fns)):
            site = fns[i - 1]
            frames.append({'func': _name(fns[i]), 'file': site.symtab.fullname() if site.symtab else None, 'line': site.line})
    else:
        info = gdb.execute('info symbol 0x%x' % pc, to_string=True).strip()
        if not info.startswith('No symbol'):
            frames.append({'func': info.split(' ')[0], 'file': None, 'line': 0})
    return {'pc': '0x%x' % pc, 'frames': frames, 'objfile': objfile}

class UmlDecode(gdb.Command):
    """uml-decode JSON: frames of a kernel stack trace to source lines (see decodePython.ts)."""
    def __init__(self):
        super(UmlDecode, self).__init__('uml-decode', gdb.COMMAND_DATA)
    def invoke(self, arg, from_tty):
        for f in json.loads(arg):
            try:
                r = _decode(_pc_of(f))
            except Exception as e:
                r = {'error': str(e)}
            gdb.write(json.dumps(r) + '\n')

UmlDecode()
`;
