import { append } from '../append.js';
import {
  decodeWords,
  type HeaderList,
  headerValues,
  type MimePart,
  parseHeaders,
  splitHeaderBody,
  utf8,
  walkParts,
} from './_mime.js';
import { addressesIn } from './_report-fields.js';
import { EXIM_COPY } from './text-report.js';
import { emptyHints, type SourceHints } from './types.js';

/**
 * The original message a report quotes (a part of its own, or a copy below a marker line in its
 * text): the hints it holds that tell this list's mail, and the subjects it was sent with.
 */

/** Addresses and ids in the report and in the original message it quotes (rfc822 or rfc822-headers). */
export function collectHints(root: MimePart, text: string | undefined): SourceHints {
  const hints = emptyHints();
  const own = root.headers;
  for (const name of ['to', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'return-path'])
    for (const value of headerValues(own, name)) append(hints.verpCandidates, addressesIn(value));
  // Gmail and others name the original in the report's own threading headers.
  for (const name of ['in-reply-to', 'references'])
    for (const value of headerValues(own, name))
      append(hints.messageIds, value.replace(/<[^<>]{1,300}>/g, unfoldedId).match(/<[^<>\s]{1,250}>/g) ?? []);
  for (const part of walkParts(root)) {
    // A complaint's envelope sender: the VERP address, when the original is redacted or left out.
    if (part.type === 'message/feedback-report')
      for (const value of headerValues(parseHeaders(utf8(part.body)), 'original-mail-from'))
        append(hints.verpCandidates, addressesIn(value));
    const quoted = quotedHeaders(root, part);
    if (quoted) addQuotedHints(hints, quoted);
  }
  // Yahoo, qmail, Exim, Sendmail, Gmail and Exchange quote the original below a marker line, not as
  // a part: without VERP, its From and Message-ID tell this list's mail from another sender's. The
  // text may be the whole message or one of its parts (Exchange writes it beside an HTML copy).
  const { copy } = splitAtCopy(text ?? '');
  if (copy) addQuotedHints(hints, parseHeaders(splitHeaderBody(copy.replace(/^\s+/, '')).head));
  return hints;
}

/** What the original's own headers tell: its Message-ID, List-Unsubscribe, List-Id, From and Return-Path. */
function addQuotedHints(hints: SourceHints, quoted: HeaderList): void {
  append(hints.messageIds, headerValues(quoted, 'message-id').map(unfoldedId));
  append(hints.unsubscribeLinks, headerValues(quoted, 'list-unsubscribe'));
  append(hints.listIds, headerValues(quoted, 'list-id'));
  append(hints.senders, headerValues(quoted, 'from'));
  for (const value of headerValues(quoted, 'return-path')) append(hints.verpCandidates, addressesIn(value));
}

/** The headers of the original a part of the report encloses: a part of headers alone, or a whole message. */
function quotedHeaders(root: MimePart, part: MimePart): HeaderList | undefined {
  if (isQuotedHeaders(part.type)) return parseHeaders(splitHeaderBody(part.body).head);
  if (part !== root && (part.type === 'message/rfc822' || part.type === 'message/global'))
    return part.parts[0]?.headers ?? [];
  return undefined;
}

/**
 * A part holding the original's headers: RFC 6522 names it text/rfc822-headers, some servers write
 * message/rfc822-headers, and a report about a message sent with SMTPUTF8 has message/global-headers
 * (RFC 6533).
 */
function isQuotedHeaders(type: string): boolean {
  return type === 'text/rfc822-headers' || type === 'message/rfc822-headers' || type === 'message/global-headers';
}

/**
 * A Message-ID as written, without the blanks a line fold left inside it: some servers fold a long
 * id in its middle (`<2026-W48.abc` then ` @example.com>`), and unfolded so it matches no delivery.
 */
function unfoldedId(value: string): string {
  return value.trim().replace(/<[^<>]*>/g, (id) => id.replace(/\s+/g, ''));
}

const QMAIL_COPY = /^--- ?Below this line is a copy of the message\.?\s*$/m;
/**
 * The marker a mail client or a postmaster's notice writes above the message it quotes: Gmail's
 * "----- Original message -----", Sendmail's "----- Original message follows -----".
 */
const ORIGINAL_COPY = /^[ \t]*-{2,} ?Original Message(?: follows)? ?-{2,}\s*$/im;
/**
 * Exchange 2007 and 2010 quote only the original's headers, below this line; Office 365's later
 * layout heads them "Original Message Headers", without the colon.
 */
const EXCHANGE_HEADERS = /^[ \t]*Original message headers:?[ \t]*$/im;
const COPY_MARKERS = [QMAIL_COPY, EXIM_COPY, ORIGINAL_COPY, EXCHANGE_HEADERS];

/** A plain-text report's text above the copy of the original message it quotes, and that copy. */
function splitAtCopy(text: string): { own: string; copy: string | undefined } {
  let at: { index: number; end: number } | undefined;
  for (const marker of COPY_MARKERS) {
    const match = marker.exec(text);
    if (match && (at === undefined || match.index < at.index))
      at = { index: match.index, end: match.index + match[0].length };
  }
  return at ? { own: text.slice(0, at.index), copy: text.slice(at.end) } : { own: text, copy: undefined };
}

export function ownWords(text: string): string {
  return splitAtCopy(text).own;
}

/** The subject of the message a report returns: from the copy it encloses, or a `Subject:` line it quotes. */
export function quotedSubjects(root: MimePart, text: string): string[] {
  const subjects = walkParts(root).flatMap((part) => headerValues(quotedHeaders(root, part) ?? [], 'subject'));
  // Each is set aside by a pattern of its own, run over the notice's opening: a message quoting
  // thousands (a long thread returned whole, or one written to stall the import) would cost minutes.
  const distinct = new Set(subjects.slice(0, MAX_QUOTED_SUBJECTS));
  for (const match of text.matchAll(/^[ \t>]*Subject:[ \t]*(.+)$/gim)) {
    if (distinct.size >= MAX_QUOTED_SUBJECTS) break;
    distinct.add(match[1]!);
  }
  return [...new Set([...distinct, ...[...distinct].map(decodeWords)])];
}

/** A notice returns one message; a few subjects cover its copy, a forward's and a reply's. */
const MAX_QUOTED_SUBJECTS = 16;
