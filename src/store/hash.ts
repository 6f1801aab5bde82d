import { createHash } from 'node:crypto';
import { canonicalAddress } from '../address.js';

/**
 * The suppression key an erased address leaves behind: a SHA-256 of the canonical address, so
 * the list can still refuse it without holding the address itself. Unkeyed on purpose: erasure
 * must keep working after ROLECAST_SECRET is rotated, and without it.
 */
export const HASHED_PREFIX = 'sha256:';

export function hashedAddress(email: string): string {
  const digest = createHash('sha256')
    .update(`rolecast-suppression\0${canonicalAddress(email)}`)
    .digest('hex');
  return `${HASHED_PREFIX}${digest}`;
}

export function isHashedKey(key: string): boolean {
  return key.startsWith(HASHED_PREFIX);
}
