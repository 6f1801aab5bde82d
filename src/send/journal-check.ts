import { createHash } from 'node:crypto';
import { countWork } from './work-done.js';

/**
 * The check each journal line carries: the first 12 hex digits of the SHA-256 of the line as
 * written without it, in a last field `"sum"`. Damage on disk that turns one address into another
 * well-formed one (a flipped byte, a closing quote overwritten) is then told from a real line.
 * Lines written by earlier releases carry no check and read as before.
 */

const SUM_FIELD = ',"sum":"';
const SUMMED = /,"sum":"([0-9a-f]{12})"\}$/;
const SUM_DIGITS = 12;
/** Longest line whose one damaged character is looked for (a bounce with its diagnostic fits). */
const MEND_LIMIT = 4096;

/** `{"email":…}` as JSON.stringify wrote it → the same line with its check as the last field. */
export function withCheck(json: string): string {
  return `${json.slice(0, -1)}${SUM_FIELD}${sumOf(json)}"}`;
}

export type CheckedLine =
  /** Written without a check (an earlier release, a line mended by hand): read as before. */
  | { kind: 'unchecked' }
  /** Its check holds: `content` is the line as written, without the check. */
  | { kind: 'sound'; content: string }
  /** One character was damaged and the check put it back: `content` is the line as written. */
  | { kind: 'repaired'; content: string }
  /** The check fails and no single-character mend satisfies it: whom the line named is unknown. */
  | { kind: 'failed' };

export function checkLine(line: string): CheckedLine {
  const match = SUMMED.exec(line);
  if (!match) return checkAtDamagedEnd(line);
  const written = match[1]!;
  const content = `${line.slice(0, match.index)}}`;
  if (sumOf(content) === written) return { kind: 'sound', content };
  // Looking for the damaged character takes a while, and the journal is read again before the
  // next message whenever it changes: a damaged line is looked at once.
  let reading = mendedLines.get(line);
  if (!reading) {
    const mended = mendOneCharacter(content, written);
    reading = mended === undefined ? { kind: 'failed' } : { kind: 'repaired', content: mended };
    if (mendedLines.size >= MENDED_KEPT) mendedLines.delete(mendedLines.keys().next().value!);
    mendedLines.set(line, reading);
  }
  return reading;
}

const MENDED_KEPT = 256;
const mendedLines = new Map<string, CheckedLine>();

// The end of a checked line, `#` standing for a digit of the sum.
const CHECKED_END = `${SUM_FIELD}${'#'.repeat(SUM_DIGITS)}"}`;

/**
 * A line whose end is one character away from a check (a digit, a quote or the brace damaged) is a
 * checked line hit there: read as unchecked, a second damaged character in its address would pass
 * for another reader's. It is read by its check when what it holds is whole, else whom it named
 * cannot be told. A line cut short in its check, or one written without it, is read as before.
 */
function checkAtDamagedEnd(line: string): CheckedLine {
  if (line.length < CHECKED_END.length) return { kind: 'unchecked' };
  const from = line.length - CHECKED_END.length;
  let damagedAt = -1;
  for (let i = 0; i < CHECKED_END.length; i++) {
    const char = line[from + i]!;
    const fits = CHECKED_END[i] === '#' ? /[0-9a-f]/.test(char) : char === CHECKED_END[i];
    if (fits) continue;
    if (damagedAt !== -1) return { kind: 'unchecked' };
    damagedAt = i;
  }
  if (damagedAt === -1) return { kind: 'unchecked' };
  const choices = CHECKED_END[damagedAt] === '#' ? [...'0123456789abcdef'] : [CHECKED_END[damagedAt]!];
  for (const choice of choices) {
    const mended = line.slice(0, from + damagedAt) + choice + line.slice(from + damagedAt + 1);
    const match = SUMMED.exec(mended);
    const content = match && `${mended.slice(0, match.index)}}`;
    if (match && content && sumOf(content) === match[1]) return { kind: 'repaired', content };
  }
  return { kind: 'failed' };
}

function sumOf(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, SUM_DIGITS);
}

// What a write of ours holds: printable ASCII (JSON.stringify escapes nothing else that matters
// here, and addresses are stored canonical). A damaged byte is tried as each of them in turn.
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

/**
 * The one line that differs from `content` in a single character and matches `written`, when there
 * is exactly one. A flipped bit, or one byte overwritten, is mended; a byte that decoded as U+FFFD
 * (a flip that broke UTF-8) counts as one character. The sum's own digits may be the damaged part.
 */
function mendOneCharacter(content: string, written: string): string | undefined {
  const found = new Set<string>();
  const expected = sumOf(content);
  // Damage to one digit of the check itself: the line is whole.
  if ([...written].filter((digit, i) => digit !== expected[i]).length === 1) found.add(content);
  // Beyond this length trying every character would hold up the look before each message (and
  // the reader pages) for seconds: such a line is one whose reader cannot be told.
  if (content.length > MEND_LIMIT) return found.size === 1 ? [...found][0] : undefined;
  countWork('journalMendsTried');
  // Each character in turn (a code point, so a broken pair stays one), the line around it sliced
  // rather than rebuilt for every candidate.
  // The hash of what comes before is carried along and copied, not hashed again for each.
  const before = createHash('sha256');
  let at = 0;
  for (const original of content) {
    const after = content.slice(at + original.length);
    for (const candidate of PRINTABLE) {
      if (candidate === original) continue;
      const sum = before.copy().update(candidate).update(after).digest('hex').slice(0, SUM_DIGITS);
      if (sum === written) found.add(content.slice(0, at) + candidate + after);
    }
    before.update(original);
    at += original.length;
  }
  return found.size === 1 ? [...found][0] : undefined;
}

// Characters an address is made of; quotes, backslashes, commas and controls end one.
const ADDRESS_LIKE = /[A-Za-z0-9.!#$%&'*+/=?^_`|~-]+@[A-Za-z0-9.-]+/g;

/**
 * Every address-like string in a damaged line, with each one's prefixes that could be the address
 * cut at the damage (`bob@example.comr` may be `bob@example.com` with the closing quote damaged).
 */
export function addressLikeStrings(line: string, withPrefixes: boolean): string[] {
  const found = new Set<string>();
  for (const [token] of line.matchAll(ADDRESS_LIKE)) {
    const at = token.indexOf('@');
    if (at < 1) continue;
    found.add(token);
    if (!withPrefixes) continue;
    for (let end = at + 2; end < token.length; end++) {
      const prefix = token.slice(0, end);
      if (/@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(prefix) && /[A-Za-z0-9]$/.test(prefix)) found.add(prefix);
    }
  }
  return [...found];
}
