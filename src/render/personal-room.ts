import type { ResolvedConfig } from '../config/schema.js';
import { escapeHtml } from '../escape.js';
import type { Variant } from '../group/index.js';
import type { Language } from '../i18n/index.js';
import { LIMITS } from '../load/limits.js';
import { personalLinks } from '../unsubscribe/links.js';
import { createCache } from './_cache.js';
import type { FieldName, FieldTokens, FieldValues, Parts } from './_personal.js';
import type { SizeCounts } from './encoded-size.js';
import { readerFields } from './fields.js';
import type { SentToFiller } from './fill.js';
import type { PersonalFields } from './types.js';

/**
 * The size gate measures a sample reader, but the greeting's name, the "sent to" address and the
 * signed unsubscribe and preferences links (which carry the address) are each reader's own: a
 * reader whose name or address is as long as the list allows gets a larger message than the one
 * measured. An issue measured just under the limit would reach that reader past where Gmail clips
 * it, hiding the footer's unsubscribe link. The gate adds the room those values may take beyond
 * the sample's, for every place the layout prints them, worked out from a reader whose values are
 * the longest the list accepts, filled in as every reader's are.
 */

/** SMTP's limit on an address (see address.ts), counted with its domain in ASCII. */
const MAX_ADDRESS_OCTETS = 254;

/**
 * The longest a "sent to" line may print an address. The local part is at most 64 octets, each
 * at most 5 bytes once escaped for HTML (`'` is `&#39;`). A domain is measured in ASCII (punycode),
 * where every character written outside ASCII takes at least one: as written and printed, each of
 * its octets may be a character of four UTF-8 bytes, twelve once encoded. One escaped character
 * before the @ and a domain of such characters is the longest.
 */
const LONGEST_PRINTED_ADDRESS = `'@${'\u{1d54f}'.repeat(MAX_ADDRESS_OCTETS - 2)}`;

/** An address of 254 octets as the tokens sign it (canonical: the domain in ASCII). */
const LONGEST_SIGNED_ADDRESS = `${'q'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}`;

/**
 * A name of isolate initiators (U+2066) only: each takes three UTF-8 bytes, and the greeting closes
 * every one it leaves open with another three (see `closeIsolates`), the most a name of the
 * limit's length can come to.
 */
const LONGEST_NAME = '\u2066'.repeat(LIMITS.nameLength);

/** The fields whose length is the reader's own. */
const ROOM_FIELDS: readonly FieldName[] = ['greetingName', 'sentTo', 'unsubscribe', 'preferences'];

/** Quoted-printable writes a soft line break ("=" CRLF) at most every 73 bytes of a 76-column line. */
const SOFT_BREAKS = 76 / 73;

/**
 * The reader whose own values are the longest the list accepts, with links signed by `secret`:
 * the room counted when the list is not known (with it, see list-room.ts).
 */
export function longestReader(config: ResolvedConfig, issueId: string, secret: string): PersonalFields {
  const links = personalLinks(config, secret, issueId, LONGEST_SIGNED_ADDRESS);
  return readerFields(links, { email: LONGEST_PRINTED_ADDRESS, firstName: LONGEST_NAME });
}

export interface PersonalRoom {
  /** Encoded bytes the longest values may add over the sample reader's. */
  bytes: number;
  /** The same, as the size bound counts it (see `mayReachFromCounts`). */
  counts: SizeCounts;
}

/** Each room field's longest value among some readers, as encoded bytes once escaped (see `encodedEscaped`). */
export type LongestBytes = Partial<Record<FieldName, number>>;

/** The fields of the longest readers whose values are the same for every role set: all but "sent to". */
export const ROLE_FREE_ROOM_FIELDS: readonly FieldName[] = ROOM_FIELDS.filter((field) => field !== 'sentTo');

/** `fields`' longest values among `values`, as `personalRoom` counts them. */
export function longestBytes(values: readonly FieldValues[], fields: readonly FieldName[] = ROOM_FIELDS): LongestBytes {
  const longest: LongestBytes = {};
  for (const field of fields) {
    let most = 0;
    for (const value of values) most = Math.max(most, encodedEscaped(value[field]));
    longest[field] = most;
  }
  return longest;
}

/**
 * The longest values of `longest` readers in a role set, for `personalRoom`. Their names and links
 * are the same in every role set: measured once per language. Only the "sent to" line names the
 * role set's roles (and, for each of `quietSets`, roles without content): measured per role set.
 */
export function longestRoom(
  longest: readonly PersonalFields[],
  fillers: SentToFiller,
): (language: Language, variant: Variant, quietSets: readonly string[][]) => LongestBytes {
  const roleFree = new Map<Language, LongestBytes>();
  return (language, variant, quietSets) => {
    let shared = roleFree.get(language);
    if (!shared) {
      shared = longestBytes(
        longest.map((reader) => fillers(reader, language, variant)),
        ROLE_FREE_ROOM_FIELDS,
      );
      roleFree.set(language, shared);
    }
    let sentTo = 0;
    for (const reader of longest) {
      for (const roles of quietSets.length ? quietSets : [reader.roles]) {
        sentTo = Math.max(sentTo, sentToBytes(fillers, { ...reader, roles }, language, variant));
      }
    }
    return { ...shared, sentTo };
  };
}

/**
 * `encodedEscaped` of a reader's "sent to" line. Escaping and the encoded size go character by
 * character, so the line's size is its parts' and its address's, each as often as it is printed:
 * the longest address (hundreds of characters) is measured once, not joined into a new line and
 * measured again for every role set. A surrogate pair cut between a part and the address is the
 * one place the sum differs: such a line is measured whole.
 */
function sentToBytes(fillers: SentToFiller, reader: PersonalFields, language: Language, variant: Variant): number {
  const cut = fillers.sentToCut(reader, language, variant);
  const address = reader.email;
  if (
    !cut ||
    cut.some((part, i) => (i > 0 && pairCut(address, part)) || (i < cut.length - 1 && pairCut(part, address)))
  )
    return encodedEscaped(fillers.sentTo(reader, language, variant));
  let bytes = (cut.length - 1) * encodedEscaped(address);
  for (const part of cut) bytes += encodedBytes(escapeHtml(part));
  return bytes;
}

/** Whether `before` ends in the first half of a surrogate pair and `after` starts with the second. */
function pairCut(before: string, after: string): boolean {
  const high = before.charCodeAt(before.length - 1);
  const low = after.charCodeAt(0);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/**
 * The room the longest readers' values (`longest`, each field's longest among them, see
 * `longestBytes`) may take beyond the sample reader's (`sample`), all as the filler gives them,
 * given how many times the layout prints each field.
 */
export function personalRoom(
  uses: Partial<Record<FieldName, number>>,
  sample: FieldValues,
  longest: LongestBytes,
): PersonalRoom {
  let bytes = 0;
  let units = 0;
  for (const field of ROOM_FIELDS) {
    const count = uses[field] ?? 0;
    if (!count) continue;
    const most = Math.ceil((longest[field] ?? 0) * SOFT_BREAKS);
    bytes += count * Math.max(0, most - Buffer.byteLength(escapeHtml(sample[field])));
    units += count * Math.ceil(most / 9);
  }
  // Counted as wide characters, which the bound takes at 9 bytes each.
  return { bytes, counts: { length: units, escaped: 0, wide: units, breaks: 0 } };
}

/**
 * `encodedBytes` of a value once escaped, kept by value: the longest reader's name and links are the
 * same for every role set, so each is measured once, not once per role set.
 */
const encodedValues = createCache<string, number>(256);
export function encodedEscaped(value: string): number {
  return encodedValues.getOrSet(value, () => encodedBytes(escapeHtml(value)));
}

/** Quoted-printable bytes of `text` without soft line breaks: each octet outside printable ASCII, and `=`, as "=XX". */
export function encodedBytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += unit > 0x7e || unit < 0x20 || unit === 0x3d ? 3 : 1;
    else if (unit < 0x800) bytes += 6;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      // A pair is one character of four octets; a lone surrogate is written as U+FFFD, three.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 12;
        i++;
      } else bytes += 9;
    } else bytes += 9;
  }
  return bytes;
}

/** `counts` with `room`'s added. */
export function withRoom(counts: SizeCounts, room: PersonalRoom): SizeCounts {
  return {
    length: counts.length + room.counts.length,
    escaped: counts.escaped + room.counts.escaped,
    wide: counts.wide + room.counts.wide,
    breaks: counts.breaks + room.counts.breaks,
  };
}

/**
 * How many times a variant's HTML prints each field `personalRoom` makes room for: counted in the
 * minified segments it is assembled from, or in its parts when it was compiled whole.
 */
export function roomFieldUses(
  html: { segments: readonly string[] } | { parts: Parts },
  tokens: Pick<FieldTokens, 'sentinel'>,
): Partial<Record<FieldName, number>> {
  const uses: Partial<Record<FieldName, number>> = {};
  for (const name of ROOM_FIELDS) {
    let count = 0;
    if ('segments' in html) {
      const token = tokens.sentinel[name];
      for (const segment of html.segments) {
        for (let at = segment.indexOf(token); at >= 0; at = segment.indexOf(token, at + token.length)) count++;
      }
    } else {
      for (let i = 1; i < html.parts.length; i += 2) if (html.parts[i] === name) count++;
    }
    uses[name] = count;
  }
  return uses;
}
