import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { addressProblem, envelopeAddress, needsSmtpUtf8 } from '../address.js';
import { isPlainMailto } from './_mailto.js';

/** Links in content may only be http(s) or mailto: anything else (javascript:, data:) is refused. */
export const safeLink = z
  .string()
  .trim()
  .refine((value) => /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(value) && parsesAsUrl(value), {
    message: 'must be an http(s):// or mailto: link',
  })
  .refine(isPlainMailto, {
    message:
      'is a mailto link that adds recipients or mail headers (several addresses, to, cc, bcc, a line break, or one of them percent-encoded, which mail clients that decode the whole link read): link to one address, with a subject or body at most',
  });

/**
 * A link as it can travel in plain text: after the host (after `mailto:`), written as the URL
 * parser writes it, so characters a URL may not hold as written (non-ASCII, `<`, `>`, `"`) are
 * percent-encoded, as a browser sends them anyway: the same request, and a mail client that turns
 * a text part's URLs into links no longer stops at the first of them. The host stays as written.
 */
export function encodedLink(value: string): string {
  const mailto = /^mailto:/i.test(value);
  if (!mailto && !hostReadAlike(value)) return new URL(value).href;
  const rest = mailto ? 7 : authorityEnd(value);
  if (!NOT_IN_URL.test(value.slice(rest))) return value;
  const url = new URL(value);
  // An opaque path (mailto): everything after the scheme as the parser writes it.
  if (mailto) return value.slice(0, 7) + url.href.slice(7);
  // From the path on, empty `?` and `#` included: the first `/` after the host in `href`.
  return value.slice(0, rest) + url.href.slice(url.href.indexOf('/', url.protocol.length + 2));
}

/**
 * An http(s) link written so that every parser reads the host a browser goes to: as written when it
 * is, else as the browser's URL parser writes the whole of it (`https://good.example\@evil.example/`
 * becomes `https://good.example/@evil.example/`).
 */
export function linkReadAlike(value: string): string {
  // A value that does not parse is refused by its own check, which does not stop this one.
  return hostReadAlike(value) || !parsesAsUrl(value) ? value : new URL(value).href;
}

/**
 * Whether a mail client parsing by RFC 3986 reads the host a browser does. A browser skips slashes
 * and `\` after the scheme (`http:///host`), ends the host at a `\` as at a `/`, and ends a user name
 * at the last `@`; RFC 3986 ends the authority only at `/`, `?` or `#`, and a lenient parser ends the
 * user name at the first `@`. So `https://good.example\@evil.example/` is good.example to a browser
 * and may be evil.example to a mail client, while the card shows good.example.
 */
function hostReadAlike(value: string): boolean {
  const authority = /^https?:\/\/([^/\\?#][^/?#]*)/i.exec(value)?.[1];
  return authority !== undefined && !authority.includes('\\') && authority.indexOf('@') === authority.lastIndexOf('@');
}

/** Where the path of an http(s) URL starts: after `//` and the authority (`\` ends it, as `/` does). */
function authorityEnd(value: string): number {
  const start = value.indexOf('//') + 2;
  const end = value.slice(start).search(/[/\\?#]/);
  return end < 0 ? value.length : start + end;
}

const NOT_IN_URL = /[^\x21-\x7e]|[<>"]/;

/** Web addresses the tool itself builds on (unsubscribe, archive): http(s) only. */
export const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && parsesAsUrl(value), {
    message: 'must be an http:// or https:// URL',
  })
  .overwrite(linkReadAlike);

const isIsoShape = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
const isIsoDate = (value: string) => isIsoShape(value) && DateTime.fromISO(value).isValid;

export const isoDate = z
  .string()
  .refine(isIsoShape, { message: 'must be a date written as YYYY-MM-DD' })
  // 2026-02-30 is written as it should be: say what is wrong with it instead.
  .refine((value) => !isIsoShape(value) || isIsoDate(value), {
    message: 'is not a day of the calendar: check the month (01–12) and the day',
  })
  // A year such as 0000 or 0202 is a slip of the keys; luxon would take it and count its weeks.
  .refine((value) => !isIsoDate(value) || Number(value.slice(0, 4)) >= 1900, {
    message: 'is before 1900: check the year',
  });

/** luxon builds an Intl.DateTimeFormat per check; a 100k-subscriber list names a handful of zones. */
const zoneValidity = new Map<string, boolean>();
export function isKnownZone(value: string): boolean {
  // Zone names are short; a long string would be handed to Intl and cached for nothing.
  if (value.length > 64) return false;
  let valid = zoneValidity.get(value);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(value);
    if (zoneValidity.size < 10_000) zoneValidity.set(value, valid);
  }
  return valid;
}

const zoneSpellings = new Map<string, string>();
let listedZones: Map<string, string> | undefined;

/**
 * A known zone as the zone database spells it ("europe/berlin" → "Europe/Berlin"): zone names are
 * matched without regard to case, so one zone would otherwise be stored, shown and planned as a
 * wave of its own under every spelling. A name this Node lists under another (a link, or a new
 * name such as "Asia/Kolkata" that Node 20 lists as "Asia/Calcutta") is kept as written when written
 * with its capitals; in lower case ("us/eastern") it is the zone Node names for it.
 */
export function zoneSpelling(value: string): string {
  let spelled = zoneSpellings.get(value);
  if (spelled === undefined) {
    spelled = spellZone(value);
    if (zoneSpellings.size < 10_000) zoneSpellings.set(value, spelled);
  }
  return spelled;
}

function spellZone(value: string): string {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return value;
  }
  const lower = value.toLowerCase();
  if (resolved.toLowerCase() === lower) return resolved;
  listedZones ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
  const listed = listedZones.get(lower);
  if (listed !== undefined) return listed;
  // A link written in lower case ("us/eastern") has no spelling Node lists: the zone it names has,
  // so the zone is not stored and shown in a spelling of the writer's own.
  return value === lower ? resolved : value;
}

export const ianaZone = z
  .string()
  .refine(isKnownZone, {
    message: 'is not a known IANA time zone (e.g. Europe/Berlin, America/New_York)',
  })
  .transform(zoneSpelling);

/**
 * Bidirectional embeddings and overrides (U+202A–U+202E): they reorder everything shown after them
 * up to the end of the line or paragraph, the tool's own text included ("\u202Efdp.exe").
 * Marks (U+200E, U+200F) and isolates (U+2066–U+2069), which right-to-left text uses, stay.
 */
const BIDI_OVERRIDE = /[\u202a-\u202e]/;
const BIDI_MESSAGE =
  'must not contain bidirectional override characters (U+202A–U+202E), which reorder the text shown after them';

/**
 * Header-bound text: CR or LF would let content inject extra headers; NEL and the Unicode line and
 * paragraph separators break the line where a client or terminal shows it; other controls (escape
 * sequences, NUL, bell) have no place in a name or subject. A tab is whitespace and may stay.
 */
export const headerSafe = oneLine(z.string());

/** Line breaks and control characters: what `oneLine` refuses, and tabs, which read as a space. */
const NOT_IN_A_LINE = /[\x00-\x1f\x7f-\x9f\u0085\u2028\u2029\u202a-\u202e]+/g;

/**
 * `schema` (text of several lines: a summary's paragraphs and bullets) refusing control characters
 * other than tab and line breaks (escape sequences reach terminal mail readers through the plain
 * text) and bidirectional overrides.
 */
export function plainText<T extends z.ZodString>(schema: T): T {
  return schema
    .refine((value) => !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/.test(value), {
      message: 'must not contain control characters (such as escape sequences)',
      params: { hint: 'delete them; they are usually left over from a copy out of a terminal or a PDF' },
    })
    .refine((value) => !BIDI_OVERRIDE.test(value), { message: BIDI_MESSAGE }) as T;
}

/**
 * `value` with what `oneLine` refuses (and tabs) made into spaces: for text a reader typed into a page, whose
 * other changes should be kept, and for records written before it was refused.
 */
export function toOneLine(value: string): string {
  return value.replace(NOT_IN_A_LINE, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * `schema`, refusing what headerSafe refuses: for text shown as one line (a summary's title, source,
 * roles and topics), which can also reach a header (the subject names the lead story). `hint`, when
 * given, is the problem's fix whatever the field.
 */
export function oneLine<T extends z.ZodString>(schema: T, hint?: string): T {
  const params = hint ? { params: { hint } } : {};
  return schema
    .refine((value) => !/[\r\n\u0085\u2028\u2029]/.test(value), { message: 'must not contain line breaks', ...params })
    .refine((value) => !/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(value), {
      message: 'must not contain control characters (such as escape sequences)',
      ...params,
    })
    .refine((value) => !BIDI_OVERRIDE.test(value), { message: BIDI_MESSAGE, ...params }) as T;
}

/** `oneLine(schema, hint)` with the isolates it opens closed (see `closeIsolates`): for a story's one-line fields. */
export function storyLine<T extends z.ZodString>(schema: T, hint?: string): T {
  return oneLine(schema, hint).overwrite((value) => closeIsolates(value) as typeof value) as unknown as T;
}

/**
 * `value` with every isolate it opens (U+2066–U+2068) closed (U+2069) at its end. A title is set
 * inside sentences ("…starting with “TITLE”.", the subject's "+ 3 more · Week 48"), a greeting's
 * name in "Hi NAME,": an isolate left open there would turn the rest of the sentence around.
 */
export function closeIsolates(value: string): string {
  if (!/[⁦-⁨]/.test(value)) return value;
  let open = 0;
  for (const char of value) {
    if (char >= '\u2066' && char <= '\u2068') open++;
    else if (char === '\u2069' && open > 0) open--;
  }
  return value + '\u2069'.repeat(open);
}

/**
 * An address as the SMTP envelope will say it: checked as written (a control or invisible
 * character anywhere is refused, never trimmed away), then trimmed. See src/address.ts.
 */
export const email = emailOf({});

/**
 * An address to remove, erase or suppress: any length, since an earlier release may have stored
 * one over SMTP's limit, and its reader must still be able to leave (see `addressProblem`).
 */
export const anyLengthEmail = emailOf({ anyLength: true });

function emailOf(options: { anyLength?: boolean }) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = addressProblem(value, options);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { hint: problem.hint } });
    })
    .overwrite((value) => value.trim());
}

/**
 * An address of the list itself (sender, reply-to, unsubscribe mailto): written into MAIL FROM,
 * the From header and Message-IDs for every server, so its domain is kept in ASCII (punycode) and
 * a local part that needs SMTPUTF8 is refused.
 */
export const listAddress = email
  .refine((value) => !needsSmtpUtf8(value), {
    message: 'has non-ASCII characters before the @, which only servers offering SMTPUTF8 accept',
    params: { hint: "use an ASCII mailbox name for the list's own addresses" },
  })
  .overwrite((value) => envelopeAddress(value));

function parsesAsUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const LOCALE_SHAPE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/** A BCP 47 language tag (en-GB, de, pt-BR) of at most 35 characters that the runtime's Intl accepts. */
export function isBcp47Locale(value: string): boolean {
  if (value.length > 35 || !LOCALE_SHAPE.test(value)) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

export const bcp47Locale = z
  .string()
  .max(35, 'is too long for a locale — limit 35 characters')
  .refine(isBcp47Locale, 'must be a BCP 47 locale such as en-GB or de');
