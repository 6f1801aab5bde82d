/**
 * Waits while `next` hands out something to wait for (a write under way, the next answer), until
 * `giveUp` settles; with no `giveUp`, as long as there is something. True when `giveUp` ended it.
 */
export async function waitUntilGiveUp(
  giveUp: Promise<unknown> | undefined,
  next: () => Promise<unknown> | undefined,
): Promise<boolean> {
  let late = false;
  const lateness = giveUp?.then(() => {
    late = true;
  });
  for (let waiting = next(); waiting && !late; waiting = late ? undefined : next())
    await (lateness ? Promise.race([waiting, lateness]) : waiting);
  return late;
}
