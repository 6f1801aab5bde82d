import { createCache } from './_cache.js';
import type { FieldTokens, Parts } from './_personal.js';

/**
 * A variant's HTML parts from its minified segments: each segment is split at the reader fields
 * once (segments recur across variants), and neighbouring literal text is joined. Besides the
 * parts, it keeps for each literal the strings it was joined from: segment pieces shared by every
 * variant that shows them, which the sender encodes once for all of them (see wire/prepare.ts).
 */
export function segmentSplitter(tokens: FieldTokens): (segments: readonly string[]) => string[][] {
  const cache = createCache<string, Parts>(1000);
  return (segments) => {
    const chunks: string[][] = [];
    let literal: string[] = [];
    for (const segment of segments) {
      // Most segments hold no field, and those a role set's lines were written into are new
      // strings: a search answers for them without hashing them into the cache.
      if (!tokens.holds(segment)) {
        if (segment) literal.push(segment);
        continue;
      }
      const parts = cache.getOrSet(segment, () => tokens.split(segment));
      if (parts[0]) literal.push(parts[0]);
      // Odd indexes are field names, kept as they are; even ones literal HTML.
      for (let i = 1; i < parts.length; i++) {
        chunks.push(literal.slice());
        literal = parts[i] ? [parts[i]!] : [];
      }
    }
    chunks.push(literal.slice());
    // Copies of their exact length: arrays grown by push keep room for more, and a role set holds
    // a few dozen of them for the whole send.
    return chunks.slice();
  };
}
