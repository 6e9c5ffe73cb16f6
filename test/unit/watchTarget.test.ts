// dataBreakpointInfo by container and name over a scripted MI stream: a child of a container
// the client never expanded is resolved from the container's own expression; a container from
// an earlier stop is reported as such.
import { test } from 'node:test';
import * as assert from 'assert';
import { Variables } from '../../src/debug/variables';
import { MiCommands } from '../../src/gdb/commands';
import { frameId } from '../../src/debug/frames';
import { scripted } from '../support/scriptedGdb';

const W = '--thread 1 --frame 0';
const ANSWERS: Record<string, string> = {
  [`-stack-list-variables ${W} --simple-values`]: '^done,variables=[{name="m",arg="1",type="struct seq_file *",value="0x60a64690"},{name="v",arg="1",type="void *",value="0x1"}]',
  [`-var-create ${W} - * "m"`]: '^done,name="var1",numchild="20",type="struct seq_file *"',
  [`-data-evaluate-expression ${W} "&((m)->count)"`]: '^done,value="(size_t *) 0x60a646a8"',
  [`-data-evaluate-expression ${W} "sizeof((m)->count)"`]: '^done,value="8"',
  [`-var-create ${W} - * "(m)->count"`]: '^done,name="var2",numchild="0",value="0",type="size_t"',
  [`-data-evaluate-expression ${W} "&(v)"`]: '^done,value="(void **) 0x6014bf60"',
  [`-data-evaluate-expression ${W} "sizeof(v)"`]: '^done,value="8"',
  [`-var-create ${W} - * "v"`]: '^done,name="var3",numchild="0",value="0x1",type="void *"',
};

test('a member of a struct the client never expanded: resolved from its container; gone after the guest ran', async () => {
  const { proc, gdb } = scripted((c, t, g) => { const a = ANSWERS[c]; if (a) { g.write(`${t}${a}`); return true; } return false; });
  const vars = new Variables(new MiCommands(gdb));
  const [args] = vars.scopes(frameId(1, 0));
  const m = (await vars.variables(args.variablesReference)).find((x) => x.name === 'm')!;
  assert.ok(m.variablesReference > 0);

  // `m` was listed, its members never were.
  const count = await vars.watchTarget('count', m.variablesReference);
  assert.deepStrictEqual(count, {
    dataId: JSON.stringify({ expr: '{size_t} 0x60a646a8', label: '(m)->count' }),
    description: '(m)->count (8 bytes at 0x60a646a8)', accessTypes: ['write', 'read', 'readWrite'], canPersist: false,
  });
  assert.ok(!proc.commands.some((c) => c.startsWith('-var-list-children')), 'no listing of the container needed');
  // A variable of the scope itself, by name.
  assert.strictEqual((await vars.watchTarget('v', args.variablesReference)).description, 'v (8 bytes at 0x6014bf60)');

  vars.reset();  // the guest resumed
  const gone = await vars.watchTarget('count', m.variablesReference);
  assert.strictEqual(gone.dataId, null);
  assert.strictEqual(gone.description, 'count: the guest ran since it was listed (it belongs to an earlier stop): open it again at this stop to watch it.');
  assert.match((await vars.watchTarget('count', 9999)).description, /^count: no such variables container \(9999\)/);
});
