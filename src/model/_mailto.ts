/**
 * Whether a mailto link only opens a message to the one address it names: a reader's mail client
 * takes `?cc=`, `?bcc=`, `?to=` and any other header from the link, and a line break in the address
 * or the subject writes a header of its own, so such a link would copy whoever the editor (or a
 * pasted page) chose into the reader's reply. A subject and a body are what a mailto link is for;
 * only a body may hold line breaks.
 */
export function isPlainMailto(value: string): boolean {
  if (!/^mailto:/i.test(value)) return true;
  const query = value.indexOf('?');
  const address = query < 0 ? value.slice(7) : value.slice(7, query);
  if (hasLineBreak(address) || /[,;]/.test(decoded(address))) return false;
  if (query < 0) return true;
  for (const pair of value.slice(query + 1).split('&')) {
    if (pair === '') continue;
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
