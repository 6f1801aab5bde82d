/**
 * Whether a mailto link only opens a message to the one address it names: a reader's mail client
 * takes `?cc=`, `?bcc=`, `?to=` and any other header from the link, and a line break in the address
 * or the subject writes a header of its own, so such a link would copy whoever the editor (or a
 * pasted page) chose into the reader's reply. A subject and a body are what a mailto link is for;
 * only a body may hold line breaks.
 */
export function isPlainMailto(value: string): boolean {
  if (!/^mailto:/i.test(value)) return true;
  // Some mail clients decode the whole link before splitting it: `a%40b.c%3Fbcc%3Dx@y.z` is then
  // `a@b.c?bcc=x@y.z`. The link must be plain read either way.
  return plainReading(value.slice(7), false) && plainReading(decoded(value.slice(7)), true);
}

/** `rest`, what follows `mailto:`, read as one address and a subject and body at most. */
function plainReading(rest: string, wholeDecoded: boolean): boolean {
  const query = rest.indexOf('?');
  const address = decoded(query < 0 ? rest : rest.slice(0, query));
  if (hasLineBreak(address) || /[,;]/.test(address) || address.indexOf('@') !== address.lastIndexOf('@')) return false;
  if (query < 0) return true;
  for (const pair of rest.slice(query + 1).split('&')) {
    // Decoded, a subject's "Q&A" leaves a bare "A", a header without a value: only `name=` sets one.
    if (pair === '' || (wholeDecoded && !pair.includes('='))) continue;
    const [name = '', text = ''] = pair.split('=', 2);
    const header = decoded(name).trim().toLowerCase();
    if (header === 'body') continue;
    if (header !== 'subject' || hasLineBreak(text)) return false;
  }
  return true;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function hasLineBreak(text: string): boolean {
  return /[\r\n]|%0[ad]/i.test(text);
}
