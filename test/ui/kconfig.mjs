// The Kconfig language server in a real VS Code, on the test kernel's tree and its .config:
// arch/um/Kconfig opens as Kconfig (colored), hovering HOSTFS shows its prompt, value and help,
// and F12 on obj-$(CONFIG_HOSTFS) in fs/Makefile lands on its definition in arch/um/Kconfig.
import { sleep, waitUntil } from './harness.mjs';

export const name = 'kconfig';
export const timeoutMs = 4 * 60 * 1000;

export async function run(s, ctx) {
  const { page } = s;
  await s.step('open the kernel tree and arch/um/Kconfig (the Kconfig language, colored)', async () => {
    await s.openWorkbench(ctx.tree);
    await s.openFile('arch/um/Kconfig');
    await waitUntil('the Kconfig language mode', async () => (await s.texts('.statusbar-item')).some((t) => /^Kconfig$/.test(t)), 20000, 250)
      .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.texts('.statusbar-item'))}`); });
    // The grammar colours the lines after the mode is set (tokenization is asynchronous, and slower
    // on a fresh workbench): wait for the colours, not for a moment.
    const tokenClasses = () => page.$$eval('.part.editor .view-line span span', (els) => new Set(els.map((e) => e.className)).size);
    await waitUntil('the file colored by the Kconfig grammar', async () => (await tokenClasses()) >= 3, 20000, 250)
      .catch(async (e) => { throw new Error(`${e.message}: the file is not colored (${await tokenClasses()} token classes)`); });
  });

  await s.step('hover on HOSTFS: prompt, value from .config, help', async () => {
    await s.goToLine(128);
    // The symbol's word on the current line: hover it with the mouse.
    const word = page.locator('.part.editor .view-line span', { hasText: /^HOSTFS$/ }).first();
    await word.waitFor({ timeout: 10000 });
    const text = await waitUntil('the hover with CONFIG_HOSTFS', async () => {
      await word.hover();
      await sleep(600);
      const t = (await s.texts('.monaco-hover-content')).join('\n');
      return /CONFIG_HOSTFS/.test(t) && t;
    }, 60000, 1000);
    s.log(`hover: ${text.slice(0, 200)}`);
    for (const re of [/\(tristate\) — Host filesystem/, /Value: y — assigned in \.config/, /Defined in arch\/um\/Kconfig:128/, /While the User-Mode Linux port uses its own root file system/]) {
      if (!re.test(text)) throw new Error(`the hover lacks ${re}: ${text}`);
    }
    await s.shot('kconfig-hover');
    await page.keyboard.press('Escape');
  });

  await s.step('F12 on obj-$(CONFIG_HOSTFS) in fs/Makefile lands in arch/um/Kconfig at HOSTFS', async () => {
    await s.openFile('fs/Makefile');
    await s.goToLine(122);
    const sym = page.locator('.part.editor .view-line span', { hasText: /CONFIG_HOSTFS/ }).first();
    await sym.waitFor({ timeout: 10000 });
    await sym.click();
    await page.keyboard.press('F12');
    await waitUntil('arch/um/Kconfig active', () => page.locator('.tab.active[aria-label*="Kconfig"]').count(), 30000, 250);
    const pos = await waitUntil('the cursor on line 128', async () => {
      const t = (await s.texts('.statusbar-item')).find((x) => /^Ln \d+, Col \d+/.test(x));
      return t && /^Ln 128,/.test(t) && t;
    }, 15000, 250).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify((await s.texts('.statusbar-item')).filter((x) => /^Ln/.test(x)))}`); });
    s.log(`after F12: ${pos}`);
    await s.shot('kconfig-definition');
  });
}
