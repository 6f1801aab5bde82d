import { canonicalAddress } from '../address.js';
import type { ResolvedConfig } from '../config/schema.js';
import { escapeHtml } from '../escape.js';
import type { Subscriber } from '../model/subscriber.js';
import { personalLinks } from '../unsubscribe/links.js';
import { greetingName } from './_text.js';
import { readerFields } from './fields.js';
import { encodedBytes } from './personal-room.js';
import type { PersonalFields } from './types.js';

/**
 * With the list known, the size gate's room for a reader's own values comes from the list's
 * readers rather than from the longest values the list format accepts: an issue is refused only
 * when some reader on the list could get it past the limit. Each field's longest value is found on
 * its own (the greeting name, the address as printed, the address as the links sign it), and the
 * readers holding them are what the room is measured from, filled in as every reader is.
 */

/** The readers on the list whose greeting name, printed address or signed address is the longest. */
export interface RoomReaders {
  greeting: Subscriber | undefined;
  printed: Subscriber | undefined;
  signed: Subscriber | undefined;
  /** A reader the greeting names with the fallback (no name to greet them by), if there is one. */
  nameless: Subscriber | undefined;
}

/** Characters HTML escaping and quoted-printable leave as one byte each (printable ASCII but `"&'<=>`). */
const PLAIN_PRINTED = /[^\x20\x21\x23-\x25\x28-\x3b\x3f-\x7e]/;
/** Characters an address keeps as one byte in a signed link's JSON (printable ASCII but space, `"` and `\`). */
const PLAIN_SIGNED = /[^\x21\x23-\x5b\x5d-\x7e]/;

/** Characters plain both ways. */
const PLAIN_BOTH = /[^\x21\x23-\x25\x28-\x3b\x3f-\x5b\x5d-\x7e]/;

/** Bytes `text` comes to once escaped for HTML and encoded as quoted-printable. */
function printedBytes(text: string): number {
  return PLAIN_PRINTED.test(text) ? encodedBytes(escapeHtml(text)) : text.length;
}

/** What the links' token is made from for this address: its length decides theirs. */
function signedBytes(email: string): number {
  return PLAIN_SIGNED.test(email) ? Buffer.byteLength(JSON.stringify(canonicalAddress(email))) : email.length + 2;
}

/**
 * Whether the reader's greeting name is surely no longer than `most` bytes, without working it
 * out: a plain name's greeting is a part of it, so no longer than it is written. A plain name
 * greets its reader unless each of its words is a title or an initial ("Dr. J.") or holds an @,
 * which only matters until a reader without a greeting name has been found.
 */
function cannotBeatGreeting(reader: Subscriber, most: number, namelessFound: boolean): boolean {
  const { firstName, name } = reader;
  if (firstName?.trim()) return firstName.length <= most && !PLAIN_PRINTED.test(firstName);
  if (!name || name.length > most || PLAIN_PRINTED.test(name)) return false;
  return namelessFound || (!name.includes('.') && !name.includes('@') && name.trim() !== '');
}

/** One pass over the list: O(readers), one greeting name worked out per reader that may beat the longest. */
export function roomReaders(subscribers: Iterable<Subscriber>): RoomReaders {
  const found: RoomReaders = { greeting: undefined, printed: undefined, signed: undefined, nameless: undefined };
  let greetingMost = -1;
  let printedMost = -1;
  let signedMost = -1;
  for (const reader of subscribers) {
    const { email } = reader;
    // Nearly every address is plain for both: one test, its length its weight.
    const plain = !PLAIN_BOTH.test(email);
    const printed = plain ? email.length : printedBytes(email);
    if (printed > printedMost) {
      printedMost = printed;
      found.printed = reader;
    }
    const signed = plain ? email.length + 2 : signedBytes(email);
    if (signed > signedMost) {
      signedMost = signed;
      found.signed = reader;
    }
    if (cannotBeatGreeting(reader, greetingMost, found.nameless !== undefined)) continue;
    const name = greetingName(reader);
    if (name === undefined) {
      found.nameless ??= reader;
      continue;
    }
    const bytes = printedBytes(name);
    if (bytes > greetingMost) {
      greetingMost = bytes;
      found.greeting = reader;
    }
  }
  return found;
}

/**
 * Readers made of the list's longest values, with links signed by `secret`: one greeted by the
 * longest name, and one greeted by the fallback when some reader has no name. Empty for no readers.
 */
export function listLongestReaders(
  config: ResolvedConfig,
  issueId: string,
  secret: string,
  found: RoomReaders,
): PersonalFields[] {
  if (!found.printed || !found.signed) return [];
  const links = personalLinks(config, secret, issueId, found.signed.email);
  const email = found.printed.email;
  const readers: PersonalFields[] = [];
  if (found.greeting) {
    const { firstName, name } = found.greeting;
    readers.push(readerFields(links, { email, firstName, name }));
  }
  if (found.nameless) readers.push(readerFields(links, { email }));
  return readers;
}
