import { canonicalAddress, isValidAddress } from '../address.js';
import { sameListId, type TokenClaims, verifyTokenWithAny } from '../unsubscribe/token.js';
import { judgeSender, type SenderOptions } from './other-sender.js';
import type { BounceStore } from './store.js';
import type { BounceEvent } from './types.js';
import { issueTag, parseVerpAddress, readerTag, type VerpToken } from './verp.js';

/**
 * Which reader and issue an event is about, most certain first: the VERP address the report was
 * sent to (it names the subscribed address even when the mail was forwarded elsewhere), then the
 * original Message-ID found in the ledger, then the signed unsubscribe token the original carried,
 * and last the address the report names. Caches per resolver: one import builds each issue's
 * token table once.
 *
 * Anyone can mail a bounce mailbox, and a Message-ID can be worked out from the public List-Id,
 * issue and address. So with VERP on, a report from the mailbox is taken only through what nobody
 * else can make: a VERP token that verifies, or a signed unsubscribe link. Every message then goes
 * out with its VERP address as envelope sender, so a real bounce is sent to it, and a complaint
 * quotes it (and the signed link). Anything else is unmatched. A provider's webhook, whose
 * signature was checked, is believed about the address it names.
 */

export interface Resolved {
  email: string;
  issueId: string | null;
  via: 'verp' | 'message-id' | 'unsubscribe-token' | 'report';
}

/** A report about mail that is not this list's, and why (see other-sender.ts). */
export interface Skipped {
  skipped: string;
}

/** A report that names no reader, and why: the person reading the import can then tell a redacted complaint from a broken one. */
export interface Unnamed {
  unnamed: string;
}

/** What would have tied a report to its reader, for the reason one names none. */
const TIES =
  "a VERP address, a Message-ID the ledger knows, a signed unsubscribe link, Microsoft's X-HmXmrOriginalRecipient";

export interface ResolveOptions extends SenderOptions {
  secret?: string | undefined;
  /** Keys `secret` replaced (ROLECAST_SECRET_PREVIOUS): tags and links of mail sent before a rotation still name their reader. */
  previousSecrets?: readonly string[] | undefined;
  verpDomain?: string | undefined;
  /**
   * This list's id: a signed unsubscribe link counts only when it was signed for this list (two
   * lists may share a secret; a report about the other list's reader is not about this one).
   */
  listId?: string | undefined;
  /** The events come signed by the sending provider (a webhook), not from a mailbox anyone can write to. */
  authenticated?: boolean | undefined;
}

export type Resolver = (event: BounceEvent) => Promise<Resolved | Skipped | Unnamed | undefined>;

export function createResolver(store: BounceStore, options: ResolveOptions): Resolver {
  const readersByIssue = new Map<string, Map<string, string>>();
  let issuesByTag: Map<string, string[]> | undefined;

  const byVerp = async (candidate: string, named: string | undefined): Promise<Resolved | undefined> => {
    if (!options.verpDomain || !options.secret) return undefined;
    const token = parseVerpAddress(candidate, options.verpDomain);
    if (!token) return undefined;
    issuesByTag ??= groupBy(await store.deliveredIssues(), issueTag);
    const issues = issuesByTag.get(token.issueTag) ?? [];
    // The address a report names is nearly always the reader the token was made for: checked with
    // two MACs, where the issue's table costs two per reader, built afresh for each webhook call
    // (seconds of a blocked serve per SES notification on a list of 50,000).
    const quick = named === undefined ? undefined : await namedReader(token, issues, named);
    if (quick) return quick;
    for (const issueId of issues) {
      let readers = readersByIssue.get(issueId);
      if (!readers) {
        readers = new Map();
        // Tokens of earlier releases name no list; this list's own tokens win over them.
        for (const email of await store.recipients(issueId))
          for (const tag of readerTags(issueId, email)) readers.set(tag, email);
        readersByIssue.set(issueId, readers);
      }
      const email = readers.get(token.readerTag);
      if (email) return { email, issueId, via: 'verp' };
    }
    return undefined;
  };

  /** The named address, when the token is its own for one of `issues` delivered to it; else undefined. */
  const namedReader = async (
    token: VerpToken,
    issues: readonly string[],
    named: string,
  ): Promise<Resolved | undefined> => {
    if (!isValidAddress(named, { anyLength: true })) return undefined;
    const email = canonicalAddress(named);
    const tagged = issues.filter((issueId) => readerTags(issueId, email).includes(token.readerTag));
    if (tagged.length === 0) return undefined;
    const delivered = new Set((await store.history(email)).deliveries.map((d) => d.issueId));
    const issueId = tagged.find((id) => delivered.has(id));
    return issueId === undefined ? undefined : { email, issueId, via: 'verp' };
  };

  /** A redacted-looking address that the list has mailed: a reader whose address really is `xxx@…`. */
  const mailedReader = async (address: string): Promise<Resolved | undefined> => {
    if (!isValidAddress(address, { anyLength: true })) return undefined;
    const email = canonicalAddress(address);
    const { deliveries } = await store.history(email);
    return deliveries.length > 0 ? { email, issueId: null, via: 'report' } : undefined;
  };

  // Only what nobody else can make counts for a report from the mailbox (see above).
  const mailbox = Boolean(options.verpDomain && options.secret) && !options.authenticated;
  /** The reader tags a message of the issue to `email` may carry: without a list (earlier releases), then this list's. */
  const readerTags = (issueId: string, email: string): string[] =>
    keysOf(options).flatMap((secret) =>
      options.listId === undefined
        ? [readerTag(secret, issueId, email)]
        : [readerTag(secret, issueId, email), readerTag(secret, issueId, email, options.listId)],
    );

  /**
   * What is true of the VERP addresses a report quotes that named no reader: undefined when none
   * is one; `unknownIssue` when none names an issue the store holds a message of (the token cannot
   * be checked); the named address and issue when a token is its own though the store holds no
   * message of the issue to it; else `forged`.
   */
  const verpFound = async (candidates: readonly string[], named: string | undefined): Promise<VerpFound> => {
    const tokens = candidates.flatMap((c) => parseVerpAddress(c, options.verpDomain ?? '') ?? []);
    if (tokens.length === 0) return undefined;
    issuesByTag ??= groupBy(await store.deliveredIssues(), issueTag);
    const known = tokens.filter((t) => issuesByTag!.has(t.issueTag));
    if (known.length === 0) return 'unknownIssue';
    if (named === undefined || !isValidAddress(named, { anyLength: true })) return 'forged';
    const email = canonicalAddress(named);
    for (const token of known) {
      const issueId = issuesByTag.get(token.issueTag)!.find((id) => readerTags(id, email).includes(token.readerTag));
      if (issueId !== undefined) return { email, issueId };
    }
    return 'forged';
  };

  return async (event) => {
    // A report of a report: the mail that failed was one sent to a VERP address (a report that our
    // bounce mailbox did not take), so its status is about our mailbox, whoever the token names.
    if (options.verpDomain && event.address && parseVerpAddress(event.address, options.verpDomain))
      return {
        skipped: `the address that failed is this list's own bounce address (${event.address}): it reports a report that did not reach the bounce mailbox, not the reader's mailbox`,
      };
    for (const candidate of event.hints.verpCandidates) {
      const found = await byVerp(candidate, event.address);
      if (found) return found;
    }
    for (const messageId of mailbox ? [] : event.hints.messageIds) {
      const found = await store.deliveryByMessageId(messageId);
      if (found) return { ...found, via: 'message-id' };
    }
    if (options.secret) {
      for (const value of event.hints.unsubscribeLinks) {
        const email = emailFromUnsubscribe(value, keysOf(options), options.listId);
        if (email) return { email, issueId: null, via: 'unsubscribe-token' };
      }
    }
    // The address alone is believed only when nothing quoted of the original says it went out for
    // another list: lists sharing a notification topic (one SNS topic for every list of a
    // sender) would otherwise suppress this list's reader over another list's complaint.
    if (aboutAnotherList(event.hints, options))
      return { skipped: 'what it quotes of the original (a List-Id, a signed unsubscribe link) names another list' };
    if (mailbox)
      return { unnamed: mailboxUnnamed(event.hints, await verpFound(event.hints.verpCandidates, event.address)) };
    const named = event.address ?? event.lookalikeAddress;
    const sender = await judgeSender(
      event.hints,
      named,
      options,
      async () => store.deliveredIssues(),
      async () =>
        named && isValidAddress(named, { anyLength: true }) ? store.messageIdsTo(canonicalAddress(named)) : [],
    );
    if (sender && 'skipped' in sender) return sender;
    if (event.address && isValidAddress(event.address, { anyLength: true }))
      return sender
        ? { email: canonicalAddress(event.address), issueId: sender.issueId, via: 'message-id' }
        : { email: canonicalAddress(event.address), issueId: null, via: 'report' };
    if (event.lookalikeAddress)
      return (
        (await mailedReader(event.lookalikeAddress)) ?? {
          unnamed: `its recipient is only a stand-in the feedback loop gave for the address (${event.lookalikeAddress}), and nothing it quotes of the original (${TIES}) names a reader`,
        }
      );
    if (event.address === undefined)
      return { unnamed: `it gives no recipient, and nothing it quotes of the original (${TIES}) names a reader` };
    return undefined;
  };
}

/**
 * A quoted List-Id, or a List-Unsubscribe link signed with this secret, names a list other than
 * this one, and nothing quoted names this one. A List-Id that does not read as one (cut short, no
 * id in it) proves nothing either way.
 */
function aboutAnotherList(hints: BounceEvent['hints'], options: ResolveOptions): boolean {
  const ours = options.listId?.toLowerCase();
  if (ours === undefined) return false;
  let other = false;
  for (const value of hints.listIds) {
    const id = listIdOf(value);
    if (id === ours) return false;
    if (id !== undefined) other = true;
  }
  if (options.secret)
    for (const value of hints.unsubscribeLinks)
      for (const claims of signedClaimsIn(value, keysOf(options))) {
        if (claims.listId.toLowerCase() === ours) return false;
        other = true;
      }
  return other;
}

/**
 * The id of a List-Id value (RFC 2919: an optional phrase, then `<id>`), lower-cased: its quoted
 * strings and comments removed first (a brand may hold "<" or ">"), then the last `<…>`. A bare
 * value counts only when it is a dotted id; anything else is undefined.
 */
export function listIdOf(value: string): string | undefined {
  const plain = value.replace(/"(?:[^"\\]|\\.)*"/g, ' ').replace(/\((?:[^()\\]|\\.)*\)/g, ' ');
  const bracketed = [...plain.matchAll(/<([^<>\s]+)>/g)].at(-1)?.[1];
  const id = (bracketed ?? plain).trim().toLowerCase();
  return /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)+$/.test(id) ? id : undefined;
}

/** The address in the first signed token found in a List-Unsubscribe value (`<https://…?token=…>`). */
function emailFromUnsubscribe(
  value: string,
  secret: readonly string[],
  listId: string | undefined,
): string | undefined {
  for (const claims of signedClaimsIn(value, secret))
    if (listId === undefined || sameListId(claims.listId, listId)) return canonicalAddress(claims.email);
  return undefined;
}

/** The claims of each token in a List-Unsubscribe value (`<https://…?token=…>`) that verifies with `secret`. */
function* signedClaimsIn(value: string, [secret, ...previous]: readonly string[]): Generator<TokenClaims> {
  if (secret === undefined) return;
  for (const match of value.matchAll(/[?&]token=([A-Za-z0-9_.-]+)/g)) {
    const claims = verifyTokenWithAny(match[1]!, secret, previous);
    if (claims) yield claims;
  }
}

/** The current key first, then the keys it replaced; none without a current key. */
function keysOf(options: ResolveOptions): string[] {
  return options.secret ? [options.secret, ...(options.previousSecrets ?? [])] : [];
}

function groupBy(values: string[], key: (value: string) => string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const value of values) {
    const k = key(value);
    map.set(k, [...(map.get(k) ?? []), value]);
  }
  return map;
}

/** See `verpFound` in createResolver. */
type VerpFound = undefined | 'unknownIssue' | 'forged' | { email: string; issueId: string };

/**
 * Why a report from the mailbox with VERP on names nobody: it quotes no VERP address and no
 * List-Unsubscribe, or what it quotes does not verify (forged, or signed with a secret no longer
 * kept), which the editor tells apart from a report that quotes nothing of the original. A VERP
 * address that is the list's own for a delivery the state file does not hold is said to be.
 */
function mailboxUnnamed(hints: BounceEvent['hints'], verp: VerpFound): string {
  const rule =
    'with VERP on, a report from the mailbox is believed only through a VERP address whose token verifies or a signed unsubscribe link';
  const link = hints.unsubscribeLinks.length > 0;
  const failed = '(forged, or signed with a secret no longer kept)';
  if (verp !== undefined && verp !== 'forged') {
    const said =
      verp === 'unknownIssue'
        ? 'names an issue the state file records no message of, so it cannot be checked (forged, or the file is not the one that issue was sent with)'
        : `verifies, for ${verp.email} and the issue ${verp.issueId}, but the state file records no message of that issue to that address (it was put back from a copy made before, or is not the one the issue was sent with)`;
    return `${rule}, and the VERP address it quotes ${said} and ${link ? `the unsubscribe link it quotes does not verify ${failed}` : 'it quotes no unsubscribe link'}`;
  }
  if (verp && link)
    return `${rule}, and neither the VERP address nor the unsubscribe link it quotes verifies ${failed}`;
  if (verp)
    return `${rule}, and the VERP address it quotes does not verify ${failed} and it quotes no unsubscribe link`;
  if (link)
    return `${rule}, and the unsubscribe link it quotes does not verify ${failed} and it quotes no VERP address`;
  return `${rule}, and it quotes neither`;
}
