// Kconfig's macro language as preprocess.c expands it: variables simple and recursive, $(1),
// built-in shell through the probe cache ("not yet known" until answered), the environment.
import { test } from 'node:test';
import * as assert from 'assert';
import { KconfigMacros, kconfigEnv } from '../../src/kconfig/macros';

const INCLUDE = [
  { name: 'comma', op: ':=', value: ',' },
  { name: 'if-success', op: '=', value: '$(shell,{ $(1); } >/dev/null 2>&1 && echo "$(2)" || echo "$(3)")' },
  { name: 'success', op: '=', value: '$(if-success,$(1),y,n)' },
  { name: 'cc-option', op: '=', value: '$(success,trap "rm -rf .tmp_$$" EXIT; mkdir .tmp_$$; $(CC) -Werror $(CLANG_FLAGS) $(1) -c -x c /dev/null -o .tmp_$$/tmp.o)' },
  { name: 'cc-info', op: ':=', value: '$(shell,$(srctree)/scripts/cc-version.sh $(CC))' },
  { name: 'cc-name', op: ':=', value: '$(shell,set -- $(cc-info) && echo $1)' },
];

test('cc-option is one shell command with $(1), $(CC) and $$ as conf writes them; unknown until answered', () => {
  const asked: string[] = [];
  const answers = new Map<string, string>();
  const shell = (c: string) => { asked.push(c); return answers.get(c); };
  const env = kconfigEnv('/src/linux', 'gcc (Debian 12.2.0-14) 12.2.0');
  let m = new KconfigMacros(env, shell, INCLUDE);
  assert.strictEqual(m.expand('$(cc-option,-gz=zlib) && X'), undefined, 'not yet known');
  const cmd = '{ trap "rm -rf .tmp_$$" EXIT; mkdir .tmp_$$; gcc -Werror  -gz=zlib -c -x c /dev/null -o .tmp_$$/tmp.o; } >/dev/null 2>&1 && echo "y" || echo "n"';
  assert.ok(asked.includes(cmd), JSON.stringify(asked));
  answers.set(cmd, 'y\n');
  assert.strictEqual(m.expand('$(cc-option,-gz=zlib) && X'), 'y && X');
  // A simple variable waits on its probe: read again once answered, as the server does.
  answers.set('/src/linux/scripts/cc-version.sh gcc', 'GCC 120200\n');
  answers.set('set -- GCC 120200 && echo $1', 'GCC\n');
  m = new KconfigMacros(env, shell, INCLUDE);
  assert.strictEqual(m.expand('"$(cc-name)"'), '"GCC"');
  assert.strictEqual(m.expand('$(CC_VERSION_TEXT)'), 'gcc (Debian 12.2.0-14) 12.2.0', 'the environment');
  assert.strictEqual(m.expand('a$(comma)b $$x $(info,hello)'), 'a,b $$x ', 'a $ without ( is itself; info says nothing');
  assert.strictEqual(kconfigEnv('/t', 'Debian clang version 14.0.6').CC, 'clang');
  assert.strictEqual(m.expand('$(no-such-function,x)'), undefined, 'a function it does not know: not known');
});
