import { canonicalAddress, isValidAddress } from '../address.js';
import { header, headerValues, parseMessage } from './_mime.js';

/**
 * A reader's unsubscribe request by mail: what a mail client sends to the List-Unsubscribe
 * mailto (`unsubscribe <list id>` as its subject, see unsubscribe/links.ts). Anyone can write any
 * From, so a request counts only when the mailbox's own server vouched for its sender: the topmost
 * Authentication-Results field (the one the receiving server adds; those below it came with the
 * message) shows DMARC, DKIM or SPF passing for the From address's domain.
 */

export type UnsubscribeRequest = { email: string } | { ignored: string };

const SUBJECT = /^\s*(?:re:\s*)?unsubscribe(?:\s+(\S+))?\s*$/i;

/** The request in `raw`, undefined when it is no unsubscribe request at all. */
export function readUnsubscribeRequest(
  raw: string | Buffer,
  listId: string | undefined,
): UnsubscribeRequest | undefined {
  const root = parseMessage(raw);
  const subject = SUBJECT.exec(header(root.headers, 'subject') ?? '');
  if (!subject) return undefined;
  const named = subject[1];
  if (named && listId && named.toLowerCase() !== listId.toLowerCase())
    return { ignored: `an unsubscribe request for another list (${named})` };
  const from = fromAddress(header(root.headers, 'from'));
  if (!from) return { ignored: 'an unsubscribe request without a usable From address' };
  const domain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  const [results] = headerValues(root.headers, 'authentication-results');
  if (!results || !vouchedFor(results, domain))
    return {
      ignored: `an unsubscribe request from ${from} whose sender the receiving server did not verify (no DMARC, DKIM or SPF pass for ${domain} in its Authentication-Results): if it is genuine, run \`rolecast suppress add ${from} --reason unsubscribe\``,
    };
  return { email: canonicalAddress(from) };
}

function fromAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const address = (/<([^<>\s]+)>/.exec(value)?.[1] ?? value).trim();
  return isValidAddress(address, { anyLength: true }) ? address : undefined;
}

/** Whether one of the results (RFC 8601) passes for `domain` or a domain it belongs to (relaxed alignment). */
function vouchedFor(results: string, domain: string): boolean {
  const aligned = (value: string | undefined) => {
    const d = value
      ?.replace(/^.*@/, '')
      .replace(/[>"'.]+$/, '')
      .toLowerCase();
    return d !== undefined && d !== '' && (d === domain || domain.endsWith(`.${d}`) || d.endsWith(`.${domain}`));
  };
  // The first part names the server that wrote the field; each later one is `method=result props`.
  for (const part of results
    .replace(/\([^()]*\)/g, ' ')
    .split(';')
    .slice(1)) {
    const method = /^\s*(dmarc|dkim|spf)\s*=\s*(\w+)/i.exec(part);
    if (!method || method[2]!.toLowerCase() !== 'pass') continue;
    const property = (name: string) => new RegExp(`\\b${name}\\s*=\\s*([^\\s;]+)`, 'i').exec(part)?.[1];
    const kind = method[1]!.toLowerCase();
    if (kind === 'dmarc' && aligned(property('header\\.from'))) return true;
    if (kind === 'dkim' && (aligned(property('header\\.d')) || aligned(property('header\\.i')))) return true;
    if (kind === 'spf' && aligned(property('smtp\\.mailfrom'))) return true;
  }
  return false;
}
