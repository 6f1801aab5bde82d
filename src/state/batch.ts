import { canonicalAddress } from '../address.js';
import type { LedgerEntry } from './contract.js';

/**
 * One batch of ledger rows as both backends write it: addresses in canonical form, and two rows
 * for one address merged into one (an upsert cannot touch a row twice in one statement). "sent"
 * wins over any other status, otherwise the later row; attempts add up.
 */
export function mergeBatch(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const byKey = new Map<string, LedgerEntry>();
  for (const entry of entries) {
    const email = canonicalAddress(entry.email);
    const before = byKey.get(email);
    if (!before) {
      // Already canonical (the usual case): the row as it is, not a copy.
      byKey.set(email, email === entry.email ? entry : { ...entry, email });
      continue;
    }
    const keep = before.status === 'sent' && entry.status !== 'sent' ? before : { ...entry, email };
    byKey.set(email, { ...keep, attempts: before.attempts + entry.attempts });
  }
  return [...byKey.values()];
}
