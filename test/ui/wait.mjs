// Waiting for a state, not for a moment: the one polling helper every UI step uses.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value; throws `what` after ms. */
export async function waitUntil(what, fn, ms, every = 500) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`${what}: not after ${(ms / 1000).toFixed(0)} s${last ? ` (last error: ${last.message.split('\n')[0]})` : ''}`);
    await sleep(every);
  }
}
