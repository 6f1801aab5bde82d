import { createHash } from 'node:crypto';
import { canonicalAddress } from '../address.js';
import { escapeRegExp } from '../escape.js';

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

/**
 * `text` with every whole mention of `address` replaced by "(erased)": not one inside a longer
 * address ("n@example.com" in "ann@example.com.au"), which is another reader's.
 */
export function eraseAddress(text: string, address: string): string {
  const escaped = escapeRegExp(address);
  // Before: no character an address's local part can hold (RFC 5322 atext, and the dot). After: no domain character, and no dot
  // going on to one (a full stop ending a sentence is not part of the address).
  const whole = new RegExp(
    `(?<![\\p{L}\\p{N}.!#$%&'*+/=?^_\`{|}~\\-])${escaped}(?![\\p{L}\\p{N}\\-]|\\.[\\p{L}\\p{N}])`,
    'gu',
  );
  return text.replace(whole, '(erased)');
}
