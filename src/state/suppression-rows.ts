/**
 * What every suppression list shares whatever holds it (the state file, PostgreSQL, serve's
 * endpoint): the row ↔ record mapping and the defaults of a single add, a one-click unsubscribe.
 */
import { canonicalAddress } from '../address.js';
import { hashedAddress } from '../store/hash.js';
import type { SuppressionRecord } from './contract.js';

export interface SuppressionRow {
  email: string;
  reason: string | null;
  source: string | null;
  created_at: string;
}

export function fromSuppressionRow(row: SuppressionRow): SuppressionRecord {
  return { email: row.email, reason: row.reason, source: row.source, createdAt: row.created_at };
}

/** Reason, source and time of a single add; unnamed, it is an unsubscribe from the one-click link. */
export function addDefaults(details: { reason?: string; source?: string; now?: Date }): {
  reason: string;
  source: string;
  at: string;
} {
  return {
    reason: details.reason ?? 'unsubscribe',
    source: details.source ?? 'one-click',
    at: (details.now ?? new Date()).toISOString(),
  };
}

/**
 * Where a suppression is a reader's own unsubscribe (the one-click link, the preferences page, a
 * mail to the List-Unsubscribe address) and nothing else: not a bounce, a complaint, an editor's
 * `suppress add` or import, nor an erasure, and no hard bounce or complaint recorded for the address
 * since. Only such an entry is lifted by a confirmed signup of the same address.
 */
export const OWN_UNSUBSCRIBE_SOURCES = ['one-click', 'preferences', 'mailto'] as const;

/**
 * The WHERE clause finding that entry, given how the query names the canonical address and its hash
 * (`$1`, `$2` on PostgreSQL; `@email`, `@hash` on SQLite). Without a bounce table (a state file no
 * bounce was recorded in), the bounce condition is left out.
 */
export function ownUnsubscribeWhere(email: string, hash: string, withBounces: boolean): string {
  const bounces = withBounces
    ? ` AND NOT EXISTS (SELECT 1 FROM bounce_events WHERE email = ${email} AND kind IN ('hard', 'complaint'))`
    : '';
  return `${ownEntry(email)}
    AND NOT EXISTS (SELECT 1 FROM suppressions WHERE email = ${hash})${bounces}`;
}

const ownEntry = (email: string) =>
  `email = ${email} AND reason = 'unsubscribe' AND source IN (${OWN_UNSUBSCRIBE_SOURCES.map((s) => `'${s}'`).join(', ')})`;

/** A suppression for anything but the reader's own choice (a bounce, a complaint) takes over their unsubscribe. */
export const takesOver = (reason: string | null): boolean => reason !== null && reason !== 'unsubscribe';

/**
 * The editor's `suppress add` or import, or a bounce, of an address its reader had unsubscribed: the
 * entry becomes theirs (their reason and source), so a later signup of the reader no longer lifts it. The
 * statement takes the address, reason and source as named here (`@email`…, or columns of `from`).
 */
export function editorTakesOverSql(email: string, reason: string, source: string, from?: string): string {
  return `UPDATE suppressions SET reason = ${reason}, source = ${source}${from ? ` FROM ${from}` : ''}
    WHERE ${ownEntry(email)}`;
}

/** An unsubscribe of the reader's own (one-click, preferences, a mail to the List-Unsubscribe address). */
export const isOwnUnsubscribe = (reason: string | null, source: string | null): boolean =>
  reason === 'unsubscribe' && (OWN_UNSUBSCRIBE_SOURCES as readonly (string | null)[]).includes(source);

/**
 * The reader unsubscribed again: their own entry is dated by the latest unsubscribe, so a signup link
 * mailed between the two no longer lifts it (the latest act wins). An older one arriving late (a
 * replayed journal) leaves the date. Times are ISO strings, ordered as text.
 */
export function ownUnsubscribeRedatedSql(email: string, at: string): string {
  return `UPDATE suppressions SET created_at = ${at} WHERE ${ownEntry(email)} AND created_at < ${at}`;
}

/** The values `ownUnsubscribeWhere` names: the canonical address and its hash. */
export function ownUnsubscribeKeys(email: string): { email: string; hash: string } {
  return { email: canonicalAddress(email), hash: hashedAddress(email) };
}
