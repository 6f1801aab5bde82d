import { canonicalAddress, isValidAddress } from '../address.js';
import { issueSlug, messageIdFor, ownShapeOf } from '../message-id.js';
import type { SourceHints } from './types.js';

/**
 * Without VERP, a report is tied to a reader by the address it names. A shared bounce mailbox, a
 * forwarded report or a provider account used by another product also carries reports about
 * another sender's mail that name one of this list's readers: what the report quotes of the
 * original tells them apart.
 *
 * - A Message-ID in this list's own shape, on its sender's domain, made for the named address and
 *   a delivered issue, is this list's (a --resend replaced it in the ledger); so is one naming an
 *   issue the named address was sent a resent copy of (an earlier resend's copy). One in that
 *   shape that no delivery has is another list's sending from the same domain, or a test send.
 * - A quoted From on another domain than this list's sender, and than any domain the ledger's
 *   Message-IDs show this list mailed that reader from (a sender that moved), is another sender's mail. The
 *   envelope sender (Return-Path) proves nothing: providers put their own bounce domain there. So
 *   does a Message-ID in another shape: providers (SES among them) write their own.
 * - A report quoting nothing of the original is read as before: many real bounces quote nothing,
 *   and skipping them would go on mailing dead addresses. One read from its HTML alone is not: a
 *   page's layout (a style, a help desk's markup) can hide the original's headers from what is
 *   read, so it is taken only when a quoted Message-ID or From shows this list's mail.
 */

export interface SenderOptions {
  /** This list's sender address (config `sender.email`). */
  sender?: string | undefined;
  listId?: string | undefined;
}

export type SenderVerdict = { issueId: string } | { skipped: string } | undefined;

/**
 * What the quoted original says about a report naming `address`: the issue it belongs to, why it
 * is about another sender's mail, or nothing either way. `deliveredIssues` lists the issues the
 * ledger has (read only for a Message-ID in this list's shape that the ledger did not know);
 * `sentMessageIds` the Message-IDs of this list's messages to `address` (read only for a From on
 * another domain than the sender's).
 */
export async function judgeSender(
  hints: SourceHints,
  address: string | undefined,
  options: SenderOptions,
  deliveredIssues: () => Promise<string[]>,
  sentMessageIds: () => Promise<string[]> = async () => [],
): Promise<SenderVerdict> {
  const domain = options.sender ? domainOf(options.sender) : undefined;
  if (domain === undefined) return hints.fromHtmlAlone ? { skipped: UNPROVEN } : undefined;
  const own = hints.messageIds.filter((id) => ownShapeOf(id)?.domain === domain);
  if (own.length > 0) {
    const issueId = await issueFor(own, address, options, deliveredIssues, sentMessageIds);
    if (issueId !== undefined) return { issueId };
    return {
      skipped: `it quotes the Message-ID ${own[0]}, which no message of this list carries (another list sending from ${domain}, or a test send)`,
    };
  }
  const senders = hints.senders.flatMap(addressesOf);
  if (senders.length > 0 && !senders.some((from) => domainOf(from) === domain)) {
    // A list whose sender moved to another domain still gets reports about what it sent from the
    // old one (a complaint may come weeks later): the ledger's Message-IDs carry that domain.
    const sentFrom = new Set((await sentMessageIds()).map((id) => domainOf(id.trim().replace(/^<|>$/g, ''))));
    if (senders.some((from) => sentFrom.has(domainOf(from)))) return undefined;
    return {
      skipped: `it is about mail from ${senders[0]}, not from this list's sender ${options.sender} (another sender's mail)`,
    };
  }
  return hints.fromHtmlAlone && senders.length === 0 ? { skipped: UNPROVEN } : undefined;
}

const UNPROVEN =
  "it was read from its HTML alone and no From or Message-ID of the original could be read in it to show it is this list's mail (another sender's mail in a shared mailbox reads the same); set bounces.domain (VERP) so such a notice names its reader";

/**
 * The delivered issue whose Message-ID for `address` is one of `ids`, written as a first send
 * writes it; or, when `address` was sent a resent copy of the issue `ids` name, that issue.
 */
async function issueFor(
  ids: readonly string[],
  address: string | undefined,
  options: SenderOptions,
  deliveredIssues: () => Promise<string[]>,
  sentMessageIds: () => Promise<string[]>,
): Promise<string | undefined> {
  const { listId, sender } = options;
  if (!address || listId === undefined || sender === undefined || !isValidAddress(address, { anyLength: true }))
    return undefined;
  const slugs = new Set(ids.map((id) => ownShapeOf(id)!.slug));
  // A relay may write the domain in another case; the rest is compared as written.
  const wanted = new Set(ids.map((id) => `<${id.trim().replace(/^<|>$/g, '')}>`.toLowerCase()));
  const email = canonicalAddress(address);
  const issues = (await deliveredIssues()).filter((issueId) => slugs.has(issueSlug(issueId)));
  const first = (issueId: string) => messageIdFor({ listId, sender: { email: sender } }, issueId, email).toLowerCase();
  for (const issueId of issues) if (wanted.has(first(issueId))) return issueId;
  // Each --resend replaces the ledger's Message-ID with its own, so after a second one the first
  // resend's copy carries an id nobody can work out again. A reader the ledger shows with a resent
  // copy of the issue (an id other than the first send's) is taken: a complaint left unread keeps
  // mailing someone who asked not to be.
  const sent = await sentMessageIds();
  for (const issueId of issues)
    for (const id of sent) {
      const bracketed = `<${id.trim().replace(/^<|>$/g, '')}>`.toLowerCase();
      if (ownShapeOf(id)?.slug === issueSlug(issueId) && bracketed !== first(issueId)) return issueId;
    }
  return undefined;
}

/** Addresses in a From value: those in angle brackets (a display name may spell another), else bare ones. */
function addressesOf(value: string): string[] {
  const plain = value.replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  const bracketed = [...plain.matchAll(/<([^<>\s]+@[^<>\s]+)>/g)].map((m) => m[1]!);
  if (bracketed.length > 0) return bracketed;
  return plain.split(/[\s,;<>()]+/).filter((token) => /^[^@]+@[^@]+$/.test(token));
}

function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  return at < 0 ? undefined : address.slice(at + 1).toLowerCase();
}
