// The list index's reading of kernel sources: which struct and member a head links, from the
// places that add to it, walk it, or take its first entry; the owner's type from declarations.
import { test } from 'node:test';
import * as assert from 'assert';
import { fileGlobals, indexedHead, mergeUses, parseContainer, scanSource } from '../../src/debug/listIndex';

const FORK = `
struct task_struct init_task
#ifdef CONFIG_ARCH_TASK_STRUCT_ON_STACK
	__init_task_data
#endif
	= { };
static LIST_HEAD(pending);
static __latent_entropy struct task_struct *copy_process(struct pid *pid)
{
	struct task_struct *p;
	struct super_block *sb = get_sb();
	struct inode *inode;
	list_add_tail_rcu(&p->tasks, &init_task.tasks);
	list_add_tail(&p->sibling, &p->real_parent->children);
	list_add(&inode->i_sb_list, &sb->s_inodes);
	list_add(&p->ptrace_entry, &pending);
	list_add(&p->cg_list, head);
}
static void walk(struct super_block *sb)
{
	struct inode *inode, *next;
	struct module *mod;
	list_for_each_entry_safe(inode, next, &sb->s_inodes, i_sb_list)
		count++;
	list_for_each_entry(mod, &modules, list)
		count++;
	struct task_struct *child = list_first_entry(&init_task.children, struct task_struct, sibling);
}
`;

test('adds, walks and first-entry getters give the head\'s container, keyed by owner type or global', () => {
  const index = mergeUses(scanSource(FORK, new Map([['modules', 'list_head']])));
  const idx = index.heads;
  assert.deepStrictEqual(idx['task_struct.tasks'], [{ type: 'struct task_struct', member: 'tasks', uses: 1 }], 'init_task is a file global');
  assert.deepStrictEqual(idx['super_block.s_inodes'], [{ type: 'struct inode', member: 'i_sb_list', uses: 2 }], 'an add and a _safe walk (pos, n, head, member)');
  assert.deepStrictEqual(idx.pending, [{ type: 'struct task_struct', member: 'ptrace_entry', uses: 1 }], 'a LIST_HEAD global by name');
  assert.deepStrictEqual(idx['task_struct.children'], [{ type: 'struct task_struct', member: 'sibling', uses: 1 }], 'list_first_entry spells the type');
  assert.strictEqual(idx.head, undefined, 'a local head pointer is no key');
  assert.strictEqual(idx['task_struct.real_parent'], undefined);
  assert.strictEqual(Object.keys(idx).some((k) => k.includes('->')), false);
  // A member that is a node is not a head, whatever walks start from it.
  assert.ok(index.nodes.includes('task_struct.sibling') && index.nodes.includes('inode.i_sb_list'));
  const walkFromNode = mergeUses([...scanSource(FORK), ...scanSource('void f(struct task_struct *t)\n{\n\tstruct task_struct *s;\n\tlist_for_each_entry(s, &t->sibling, sibling)\n\t\tn++;\n}\n')]);
  assert.ok(walkFromNode.heads['task_struct.sibling'], 'the walk is seen');
  assert.deepStrictEqual(indexedHead(walkFromNode, 'task_struct.sibling'), [], 'but sibling stays a node');
  assert.strictEqual(indexedHead(walkFromNode, 'super_block.s_inodes').length, 1);
});

test('globals by struct type; several containers sorted by use; what a user types', () => {
  assert.strictEqual(fileGlobals(FORK).get('init_task'), 'task_struct');
  assert.strictEqual(fileGlobals('struct foo *bar(void);\n').has('bar'), false, 'a function is not a global');
  const idx = mergeUses([
    { head: 'kset.list', container: { type: 'struct device', member: 'kobj.entry' } },
    { head: 'kset.list', container: { type: 'struct kobject', member: 'entry' } },
    { head: 'kset.list', container: { type: 'struct kobject', member: 'entry' } },
  ]);
  assert.deepStrictEqual(idx.heads['kset.list'].map((c) => `${c.type}.${c.member}:${c.uses}`), ['struct kobject.entry:2', 'struct device.kobj.entry:1']);
  assert.deepStrictEqual(parseContainer('struct inode.i_sb_list'), { type: 'struct inode', member: 'i_sb_list' });
  assert.deepStrictEqual(parseContainer('inode i_sb_list'), { type: 'struct inode', member: 'i_sb_list' });
  assert.strictEqual(parseContainer('inode'), undefined);
});
