import { canonicalAddress } from '../address.js';
import { hashedAddress } from '../store/hash.js';
import type { SuppressionIndex } from './contract.js';

/**
 * The planning view of the suppression list, built from one query's rows: set lookups instead of a
 * query per reader. Keys are canonicalised again (an old SQLite file read without migrating may
 * hold old keys); hashed entries (`sha256:…`) match the address they were made from.
 */
export function suppressionIndex(rows: readonly { email: string; reason: string | null }[]): SuppressionIndex {
  if (rows.length === 0) return { isSuppressed: () => false, reason: () => undefined };
  const reasons = new Map<string, string | undefined>();
  let anyHashed = false;
  for (const row of rows) {
    if (row.email.startsWith('sha256:')) anyHashed = true;
    reasons.set(canonicalAddress(row.email), row.reason ?? undefined);
  }
  const keyOf = (email: string): string | undefined => {
    const plain = canonicalAddress(email);
    if (reasons.has(plain)) return plain;
    if (!anyHashed) return undefined;
    const hashed = hashedAddress(email);
    return reasons.has(hashed) ? hashed : undefined;
  };
  return {
    isSuppressed: (email) => keyOf(email) !== undefined,
    reason: (email) => {
      const key = keyOf(email);
      return key === undefined ? undefined : reasons.get(key);
    },
  };
}
