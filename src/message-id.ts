import * as crypto from 'node:crypto';
import { canonicalAddress } from './address.js';

/**
 * The Message-ID every message of a list carries: `<slug.HASH@sender-domain>`, where the slug is
 * the issue id and HASH 22 characters of SHA-256 over (list id, issue, reader, salt). Stable per
 * (issue, address): a message re-sent after a crash carries the same Message-ID, so mailbox
 * providers that deduplicate on it drop the copy. `salt` makes a fresh one for --resend and test
 * sends, which must not be mistaken for the original. The bounce stage reads the same shape back.
 */

export interface MessageIdOwner {
  listId: string;
  sender: { email: string };
}

export function messageIdFor(owner: MessageIdOwner, issueId: string, email: string, salt = ''): string {
  // The list id keeps two lists on one sending domain from minting the same id for different messages.
  const hash = sha256(`${owner.listId}\0${issueId}\0${canonicalAddress(email)}\0${salt}`);
  if (idParts.issueId !== issueId || idParts.sender !== owner.sender.email) {
    idParts = {
      issueId,
      sender: owner.sender.email,
      domain: owner.sender.email.split('@')[1] ?? 'localhost',
      slug: issueSlug(issueId),
    };
  }
  return `<${idParts.slug}.${hash.slice(0, 22)}@${idParts.domain}>`;
}

/** The issue id as a Message-ID writes it. */
export function issueSlug(issueId: string): string {
  return issueId.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/** A Message-ID in the shape `messageIdFor` writes: its slug and domain (lower-cased); else undefined. */
export function ownShapeOf(messageId: string): { slug: string; domain: string } | undefined {
  const match = /^<?([A-Za-z0-9.-]+)\.[A-Za-z0-9_-]{22}@([^<>@\s]+?)>?$/.exec(messageId.trim());
  return match ? { slug: match[1]!, domain: match[2]!.toLowerCase() } : undefined;
}

/**
 * SHA-256 of a string, base64url: Node's one-shot hash where it has one (20.12 and later), a
 * third of the cost of a Hash object per reader; the same digest either way.
 */
const sha256: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'base64url')
    : (text) => crypto.createHash('sha256').update(text).digest('base64url');

/** The parts of a Message-ID the same for a whole issue: worked out once, not once per reader. */
let idParts = { issueId: '', sender: '', domain: '', slug: '' };
