/**
 * Letters of another script among Latin ones in one part of an address (its local part, or one
 * label of its domain): a Cyrillic "а" (U+0430) in "jаne@example.com" shows exactly as the Latin
 * address does, in `subscribers list` and in every report, yet is another mailbox. Such a part is
 * worth the editor's look; an address all in one script (иван@пример.рф) is not.
 */

const ASCII = /^[\x00-\x7f]*$/;
const LATIN = /\p{Script=Latin}/u;
/** Letters and marks that belong to a script of their own (not Common or Inherited, such as digits or accents). */
const OTHER_SCRIPT = /(?![\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}])[\p{L}\p{M}]/u;

export interface Lookalike {
  /** The first such character, as written. */
  char: string;
  /** `U+0430`. */
  codePoint: string;
  /** `local part` or `domain`. */
  part: string;
}

/** The first letter of another script in a part that also holds Latin letters; undefined when none. */
export function lookalikeIn(address: string): Lookalike | undefined {
  // Nearly every address of a large list is ASCII: one scan, and nothing more to look at.
  if (ASCII.test(address)) return undefined;
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  for (const [part, pieces] of [
    ['local part', [local]],
    ['domain', labels],
  ] as const) {
    for (const piece of pieces) {
      if (!LATIN.test(piece)) continue;
      const found = OTHER_SCRIPT.exec(piece);
      if (found) {
        const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        return { char: found[0], codePoint: `U+${code}`, part };
      }
    }
  }
  return undefined;
}
