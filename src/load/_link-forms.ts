/** How editors paste a link, read the same wherever a summary may hold one. */

/** A line that is only a web address. */
export function isBareUrl(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text);
}

/**
 * Slack's copy of a link, `<https://…|text>`: the address before the first bar, then the text
 * readers saw. Callers check the address's scheme and the text's length for what they accept.
 */
export function slackLink(text: string): { url: string; text: string } | undefined {
  const found = /^<([^<>|\s]+)\|([^<>]*)>$/.exec(text);
  return found ? { url: found[1]!, text: found[2]! } : undefined;
}

/**
 * An address as it ends a sentence ("Link: https://…/queues.", "(see https://…/a?x=1)."): the
 * sentence's full stop, comma, colon or mark and a closing bracket the address never opened are
 * not the address's, so they are dropped; a bracket it opens itself (`Queue_(abstract_data_type)`)
 * stays. `dropped` is what was cut off, empty when nothing was.
 */
export function sentenceEndDropped(address: string): { url: string; dropped: string } {
  let url = address;
  for (;;) {
    const last = url.at(-1);
    const open = last === ')' ? '(' : last === ']' ? '[' : undefined;
    const unopened = open !== undefined && url.split(open).length < url.split(last!).length;
    if (last === undefined || !(/[.,;:!?]/.test(last) || unopened)) break;
    url = url.slice(0, -1);
  }
  return { url, dropped: address.slice(url.length) };
}
