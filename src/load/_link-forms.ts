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
