import { canonicalAddress, isValidAddress } from '../address.js';
import { sameListId, verifyTokenWithAny } from '../unsubscribe/token.js';
import { decodeWords, header, headerValues, parseMessage, utf8 } from './_mime.js';

/**
 * A reader's unsubscribe request by mail: what a mail client sends to the List-Unsubscribe
 * mailto (`unsubscribe <list id>` as its subject, see unsubscribe/links.ts). Anyone can write any
 * From, so a request counts only when the mailbox's own server vouched for its sender: an
 * Authentication-Results field written by that server (its name, `authServId`, is configured;
 * RFC 8601 §5 has a server remove fields that claim its name from incoming mail) shows DMARC,
 * DKIM or SPF passing for the From address's domain. Without a server name nothing counts. A
 * subject carrying the reader's signed token (`unsubscribe <list id> <token>`, as every message's
 * mailto writes it when signed) names that reader whoever sends it, as the one-click link does:
 * a mail client sends from the account's own address, which may not be the one mailed.
 */

export type UnsubscribeRequest = { email: string } | { ignored: string };

const SUBJECT = /^\s*(?:re:\s*)?unsubscribe((?:\s+\S+){0,2})\s*$/i;

/** The request in `raw`, undefined when it is no unsubscribe request at all. */
export async function readUnsubscribeRequest(
  raw: string | Buffer,
  options: SignedRequestOptions & { authServId?: string | undefined },
): Promise<UnsubscribeRequest | undefined> {
  const root = parseMessage(raw);
  // Some webmails (Yandex, Mail.ru) send even an ASCII subject as an encoded word.
  const subject = SUBJECT.exec(decodeWords(header(root.headers, 'subject') ?? ''));
  if (!subject) return undefined;
  const words = subject[1]!.trim().split(/\s+/).filter(Boolean);
  const signed = signedRequest(words, options);
  if (signed) return signed;
  // A word that is no list id ("unsubscribe me") is a request all the same.
  const named = words[0]?.includes('.') ? words[0] : undefined;
  if (named && options.listId && !sameListId(named, options.listId))
    return { ignored: `an unsubscribe request for another list (${named})` };
  // A mailbox in Unicode (RFC 6532) is written in UTF-8: read as latin1 it would name someone else.
  const fromField = header(root.headers, 'from');
  const from = await fromAddress(fromField === undefined ? undefined : utf8(fromField));
  if (!from) return { ignored: 'an unsubscribe request without one usable From address' };
  const by = `if it is genuine, run \`rolecast suppress add ${from} --reason unsubscribe\``;
  if (!options.authServId)
    return {
      ignored: `an unsubscribe request from ${from}, not read: set bounces.authServId to the name your mail server writes in Authentication-Results, so a forged sender can be told apart; ${by}`,
    };
  const domain = asciiDomainOf(from);
  const server = options.authServId.toLowerCase();
  const vouched = headerValues(root.headers, 'authentication-results').some(
    (results) => authServIdOf(results) === server && vouchedFor(utf8(results), domain),
  );
  if (!vouched)
    return {
      ignored: `an unsubscribe request from ${from} whose sender ${options.authServId} did not verify (no DMARC, DKIM or SPF pass for ${domain} in its Authentication-Results): ${by}`,
    };
  return { email: canonicalAddress(from) };
}

interface SignedRequestOptions {
  listId?: string | undefined;
  secret?: string | undefined;
  /** Keys `secret` replaced: a message mailed before a rotation still names its reader. */
  previousSecrets?: readonly string[] | undefined;
}

/** The reader a word of the subject names by a token signed for this list; undefined when none verifies. */
function signedRequest(words: readonly string[], options: SignedRequestOptions): UnsubscribeRequest | undefined {
  if (!options.secret) return undefined;
  for (const word of words) {
    const claims = verifyTokenWithAny(word, options.secret, options.previousSecrets);
    if (!claims) continue;
    if (options.listId !== undefined && !sameListId(claims.listId, options.listId))
      return { ignored: `an unsubscribe request for another list (${claims.listId})` };
    return { email: canonicalAddress(claims.email) };
  }
  return undefined;
}

/** A domain (or an address's) as compared: lower-case ASCII, a Unicode name in punycode. */
function asciiDomainOf(value: string): string {
  const canonical = canonicalAddress(value.includes('@') ? value : `x@${value}`);
  return canonical.slice(canonical.lastIndexOf('@') + 1);
}

/** The server that wrote an Authentication-Results field: its first word, lower-cased. */
function authServIdOf(results: string): string {
  return (results.split(';')[0] ?? '')
    .replace(/\([^()]*\)/g, ' ')
    .trim()
    .split(/\s+/)[0]!
    .toLowerCase();
}

/** The one mailbox of a From field, parsed as RFC 5322 says (a display name is never read as one). */
async function fromAddress(value: string | undefined): Promise<string | undefined> {
  if (!value) return undefined;
  // Loaded here: commands that never read a request (status, suppress) load no mail module.
  const { default: addressparser } = await import('nodemailer/lib/addressparser');
  const mailboxes = addressparser(value, { flatten: true });
  const address = mailboxes.length === 1 ? mailboxes[0]!.address : undefined;
  return address && isValidAddress(address, { anyLength: true }) ? address : undefined;
}

/**
 * Whether one of the results (RFC 8601) passes for `domain`: the same domain, or one it is under
 * (relaxed alignment) as long as that has two labels or more, never a bare top-level domain.
 * DKIM by its signing domain (`header.d`), never by `header.i`, which the signer chooses freely.
 */
function vouchedFor(results: string, domain: string): boolean {
  const aligned = (value: string | undefined) => {
    const written = value?.replace(/^"|"$/g, '').replace(/^.*@/, '');
    if (!written?.includes('.')) return false;
    const d = asciiDomainOf(written);
    return d === domain || domain.endsWith(`.${d}`) || d.endsWith(`.${domain}`);
  };
  // The first part names the server that wrote the field; each later one is `method=result props`.
  for (const part of withoutQuotedText(results)
    .replace(/\([^()]*\)/g, ' ')
    .split(';')
    .slice(1)) {
    const method = /^\s*(dmarc|dkim|spf)\s*=\s*(\w+)/i.exec(part);
    if (!method || method[2]!.toLowerCase() !== 'pass') continue;
    const property = (name: string) => new RegExp(`\\b${name}\\s*=\\s*([^\\s;]+)`, 'i').exec(part)?.[1];
    const kind = method[1]!.toLowerCase();
    if (kind === 'dmarc' && aligned(property('header\\.from'))) return true;
    if (kind === 'dkim' && aligned(property('header\\.d'))) return true;
    if (kind === 'spf' && aligned(property('smtp\\.mailfrom'))) return true;
  }
  return false;
}

/**
 * Quoted strings that hold more than a plain value replaced by `"…"`. The sender chooses its
 * envelope address, and one with a quoted local part (`"x;dmarc=pass header.from=victim.example;"@attacker.example`),
 * written into `smtp.mailfrom`, would otherwise read as a result of its own: a DMARC pass for
 * any domain.
 */
function withoutQuotedText(results: string): string {
  return results.replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) =>
    /^[^\s;()="\\]*$/.test(inner) ? quoted : '"…"',
  );
}
