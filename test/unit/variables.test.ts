// Variables over a scripted MI stream: lazy varobjs, paging, char arrays as strings, registers,
// set value, and every varobj deleted when the guest resumes.
import { test } from 'node:test';
import * as assert from 'assert';
import { Variables } from '../../src/debug/variables';
import { MiCommands } from '../../src/gdb/commands';
import { frameId } from '../../src/debug/frames';
import { scripted } from '../support/scriptedGdb';

const ANSWERS: Record<string, string> = {
  '-stack-list-variables --thread 1 --frame 0 --simple-values': '^done,variables=[{name="m",arg="1",type="struct seq_file *",value="0x60a64690"},{name="v",arg="1",type="void *",value="0x1"},{name="buf",type="char [16]"}]',
  '-var-create --thread 1 --frame 0 - * "m"': '^done,name="var1",numchild="20",type="struct seq_file *"',
  '-var-list-children --all-values var1': '^done,numchild="2",children=[child={name="var1.size",exp="size",numchild="0",value="4096",type="size_t"},child={name="var1.name",exp="name",numchild="16",type="char [16]"}]',
  '-data-evaluate-expression --thread 1 --frame 0 "(m)->name"': '^done,value="\\"cat\\\\000\\""',
  '-var-create --thread 1 --frame 0 - * "tasks"': '^done,name="var2",numchild="300",type="struct task_struct *[300]"',
  '-var-list-children --all-values var2 100 200': '^done,numchild="100",children=[]',
  '-data-evaluate-expression --thread 1 --frame 0 "(m)->size = 8192"': '^done,value="8192"',
  '-data-list-register-names': '^done,register-names=["rax","rbx","xmm0","rip"]',
  '-data-list-register-values --thread 1 --frame 0 --skip-unavailable x 0 1 3': '^done,register-values=[{number="0",value="0x0"},{number="1",value="0x2"},{number="3",value="0x6014bf68"}]',
};

test('variables: arguments, lazy structs, char arrays as strings, paging, set value, registers, reset', async () => {
  const { proc, gdb } = scripted((c, t, g) => { const a = ANSWERS[c]; if (a) { g.write(`${t}${a}`); return true; } return false; });
  const v = new Variables(new MiCommands(gdb));
  const [args, , regs] = v.scopes(frameId(1, 0));
  const a = await v.variables(args.variablesReference);
  assert.deepStrictEqual(a.map((x) => [x.name, x.value, x.variablesReference > 0]), [['m', '0x60a64690', true], ['v', '0x1', false]]);
  assert.ok(!proc.commands.some((c) => c.startsWith('-var-create')), 'no varobj until a struct is opened');

  const kids = await v.variables(a[0].variablesReference);
  assert.deepStrictEqual(kids.map((k) => [k.name, k.value, k.evaluateName]), [['size', '4096', '(m)->size'], ['name', '"cat\\000"', '(m)->name']]);
  assert.deepStrictEqual(await v.setVariable(a[0].variablesReference, 'size', '8192'), { value: '8192' });

  const arr = await v.evaluate('tasks', frameId(1, 0));
  assert.strictEqual(arr.indexedVariables, 300);
  await v.variables(arr.variablesReference, 100, 100);
  assert.ok(proc.commands.includes('-var-list-children --all-values var2 100 200'));

  const r = await v.variables(regs.variablesReference);
  assert.deepStrictEqual(r.map((x) => [x.name, x.value]), [['rax', '0x0'], ['rbx', '0x2'], ['rip', '0x6014bf68']]);

  v.reset();
  await new Promise((res) => setTimeout(res, 20));
  assert.deepStrictEqual(proc.commands.filter((c) => c.startsWith('-var-delete')).sort(), ['-var-delete var1', '-var-delete var2']);
  assert.deepStrictEqual(await v.variables(a[0].variablesReference), [], 'references are gone after a resume');
});
