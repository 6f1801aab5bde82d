import { LIMITS } from '../load/limits.js';
import type { FieldName, FieldTokens, Parts } from './_personal.js';
import type { SizeCounts } from './gates.js';

/**
 * The size gate measures a sample reader, but the greeting's name and the "sent to" address are
 * each reader's own: a reader whose name or address is as long as the list allows gets a larger
 * message than the one measured. An issue measured just under the limit would reach that reader
 * past where Gmail clips it, hiding the footer's unsubscribe link. The gate adds the room those
 * values may take beyond the sample's, for every place the layout prints them.
 */

/** SMTP's limit on an address (see address.ts). */
const MAX_ADDRESS_OCTETS = 254;

/** The fields whose length is the reader's own, and how many quoted-printable bytes each may take at most. */
const LONGEST: Partial<Record<FieldName, number>> = {
  // A character of the Basic Multilingual Plane outside ASCII is three UTF-8 bytes, each written
  // "=XX": 9 bytes per UTF-16 code unit, the unit the name limit counts. HTML escapes ("&amp;",
  // "&quot;") take fewer. The fallback (config greetingFallback) has the same limit.
  greetingName: LIMITS.nameLength * 9,
  // An address is at most 254 octets (SMTP), each at most "=XX" once encoded.
  sentTo: MAX_ADDRESS_OCTETS * 3,
};

/** Quoted-printable writes a soft line break ("=" CRLF) at most every 73 bytes of a 76-column line. */
const SOFT_BREAKS = 76 / 73;

export interface PersonalRoom {
  /** Encoded bytes the longest values may add over the sample reader's. */
  bytes: number;
  /** The same, as the size bound counts it (see `mayReachFromCounts`). */
  counts: SizeCounts;
}

/**
 * The room the longest reader values may take beyond the sample reader's, given how many times the
 * layout prints each field. `sample` holds the sample reader's own values: the greeting's name and
 * the address (its "sent to" line's wording is the same for every reader).
 */
export function personalRoom(
  uses: Partial<Record<FieldName, number>>,
  sample: { greetingName: string; email: string },
): PersonalRoom {
  let bytes = 0;
  let units = 0;
  for (const [field, longest] of Object.entries(LONGEST) as [FieldName, number][]) {
    const count = uses[field] ?? 0;
    if (!count) continue;
    const own = field === 'greetingName' ? sample.greetingName : sample.email;
    bytes += count * Math.max(0, Math.ceil(longest * SOFT_BREAKS) - Buffer.byteLength(own));
    units += count * Math.ceil(longest / 9);
  }
  // Counted as wide characters, which the bound takes at 9 bytes each.
  return { bytes, counts: { length: units, escaped: 0, wide: units, breaks: 0 } };
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

const ROOM_FIELDS = Object.keys(LONGEST) as FieldName[];

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
