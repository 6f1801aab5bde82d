import { createHash, createHmac } from 'node:crypto';
import { canonicalAddress } from '../address.js';

/**
 * Per-message bounce addresses (VERP): `bounces+TOKEN@bounces.domain`. A bounce goes to the
 * envelope sender, so a report that quotes nothing of the original still names its reader and
 * issue through the address it was sent to. TOKEN is 24 characters of lower-case base32, because
 * some mail servers lower-case local parts: 8 name the issue (a plain hash, to find it), 16 are an
 * HMAC of issue and reader with ROLECAST_SECRET, so nobody can make a token that suppresses a
 * reader of their choosing. The address itself is not in the token: a local part holds at most
 * 64 characters, and the reader is found among those the issue was delivered to.
 */

export const VERP_PREFIX = 'bounces+';
const ISSUE_CHARS = 8;
const READER_CHARS = 16;

/** The envelope sender for one message: a VERP address when `bounces.domain` and a secret are set. */
export function returnPathFor(
  config: { listId: string; bounces: { domain?: string | undefined } },
  secret: string | undefined,
  issueId: string,
  email: string,
): string | undefined {
  const domain = config.bounces.domain;
  return domain && secret ? verpAddress(domain, secret, issueId, email, config.listId) : undefined;
}

/** Why VERP cannot work with this setup (a domain but no key to sign tokens with); undefined when fine. */
export function verpSetupProblem(
  config: { bounces: { domain?: string | undefined } },
  secret: string | undefined,
): string | undefined {
  if (!config.bounces.domain || secret) return undefined;
  return 'bounces.domain is set but ROLECAST_SECRET is not: messages would go out without a per-message bounce address';
}

/**
 * `listId` binds the token to the list: two lists of one sender often share the secret, the bounce
 * domain and week-named issue ids, and a complaint about one must not suppress the reader on the
 * other. Without it (mail sent by earlier releases) the token is the list-less one.
 */
export function verpAddress(domain: string, secret: string, issueId: string, email: string, listId?: string): string {
  return `${VERP_PREFIX}${issueTag(issueId)}${readerTag(secret, issueId, email, listId)}@${domain.toLowerCase()}`;
}

export interface VerpToken {
  issueTag: string;
  readerTag: string;
}

/** The token of a VERP address on `domain`, or undefined for any other address. */
export function parseVerpAddress(address: string, domain: string): VerpToken | undefined {
  const match = /^bounces\+([a-z2-7]{24})@(.+)$/i.exec(address.trim().replace(/^<|>$/g, ''));
  if (!match || match[2]!.toLowerCase() !== domain.toLowerCase()) return undefined;
  const token = match[1]!.toLowerCase();
  return { issueTag: token.slice(0, ISSUE_CHARS), readerTag: token.slice(ISSUE_CHARS) };
}

export function issueTag(issueId: string): string {
  return base32(createHash('sha256').update(`rolecast-verp-issue\0${issueId}`).digest()).slice(0, ISSUE_CHARS);
}

export function readerTag(secret: string, issueId: string, email: string, listId?: string): string {
  const list = listId === undefined ? '' : `list\0${listId.toLowerCase()}\0`;
  const mac = createHmac('sha256', secret)
    .update(`rolecast-verp\0${list}${issueId}\0${canonicalAddress(email)}`)
    .digest();
  return base32(mac).slice(0, READER_CHARS);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
