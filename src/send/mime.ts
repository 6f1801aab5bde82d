import { randomBytes } from 'node:crypto';
import { RolecastError } from '../errors.js';
import { encodeQp } from './wire/qp.js';

/**
 * A small MIME writer for the one shape rolecast sends: multipart/alternative with a UTF-8 text
 * and HTML part, both quoted-printable (mostly-ASCII text stays readable and small; spam filters
 * distrust base64-encoded text). Writing it directly, as one buffer, costs about half the CPU of
 * nodemailer's general-purpose composer and streams, which is what bounds sending on loopback.
 * Header values must already be free of CR/LF (see assertHeaderSafe); every header line is folded
 * to 78 characters where it can be, and never exceeds 998.
 */

export interface MimeAddress {
  address: string;
  name?: string | undefined;
}

export interface MimeMessage {
  from: MimeAddress;
  to: MimeAddress;
  replyTo?: string | undefined;
  subject: string;
  messageId: string;
  date: Date;
  /** Extra headers, written as given (List-Id, List-Unsubscribe, …). */
  headers: Record<string, string>;
  text: string;
  html: string;
}

const CRLF = '\r\n';

export function buildMime(message: MimeMessage): Buffer {
  const boundary = `--_rc_${randomBytes(12).toString('base64url')}`;
  const headers: [string, string][] = [
    ['From', formatAddress(message.from)],
    ['To', formatAddress(message.to)],
    ...(message.replyTo ? [['Reply-To', message.replyTo] as [string, string]] : []),
    ['Subject', encodeText(message.subject)],
    ['Message-ID', message.messageId],
    ['Date', formatDate(message.date)],
    ['MIME-Version', '1.0'],
    ...Object.entries(message.headers).map(([name, value]): [string, string] => [name, listValue(value)]),
    ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
  ];
  const lines = [
    ...headers.map(([name, value]) => foldHeader(name, value)),
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(message.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(message.html),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join(CRLF));
}

/** Display names longer than this are cut in headers (the greeting in the body keeps the whole name). */
export const MAX_DISPLAY_NAME = 100;
/** RFC 5322 §2.1.1: lines SHOULD stay within 78 characters and MUST stay within 998. */
const FOLD_WIDTH = 78;
const ENCODED_WORD_LINE = 76;
const MAX_LINE = 998;
/** A word longer than this in a name or subject is written as encoded words, which can be split anywhere. */
const MAX_WORD = 60;

/** `Name <address>`, the name as an atom list, a quoted string, or encoded words. */
export function formatAddress({ address, name }: MimeAddress): string {
  if (!name) return address;
  return `${formatPhrase(name)} <${address}>`;
}

/**
 * A display name as a header phrase. Text that looks like an encoded word (`=?utf-8?B?…?=`) is
 * itself encoded, so a mail client shows it as written instead of decoding it.
 */
export function formatPhrase(name: string): string {
  const short = truncateName(name);
  if (short.includes('=?') || hasLongWord(short)) return encodeWords(short);
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(short)) return short;
  if (/^[\x20-\x7e]+$/.test(short)) return `"${short.replace(/["\\]/g, '\\$&')}"`;
  return encodeWords(short);
}

/** At most MAX_DISPLAY_NAME code points with the ellipsis, cut between whole characters (graphemes). */
export function truncateName(name: string, max = MAX_DISPLAY_NAME): string {
  if (codePoints(name, max + 1) <= max) return name;
  let kept = '';
  let count = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(name)) {
    const points = Array.from(segment);
    if (count + points.length > max - 1) {
      // One grapheme longer than the limit (a letter with thousands of marks) is cut between code points.
      return `${(kept || points.slice(0, max - 1).join('')).trimEnd()}…`;
    }
    kept += segment;
    count += points.length;
  }
  return name;
}

/** The number of code points in `text`, counting no further than `limit`. */
function codePoints(text: string, limit: number): number {
  let count = 0;
  for (const _ of text) if (++count >= limit) break;
  return count;
}

/** Unstructured text (Subject): as is when printable ASCII, else RFC 2047 encoded words. */
export function encodeText(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?') && !hasLongWord(value)) return value;
  return encodeWords(value);
}

function hasLongWord(value: string): boolean {
  // A run of more than MAX_WORD characters without a space, found without splitting the value.
  if (value.length <= MAX_WORD) return false;
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) === 32) run = 0;
    else if (++run > MAX_WORD) return true;
  }
  return false;
}

/**
 * RFC 2047 B-encoded words split on whole characters, separated by spaces to fold at: 39 bytes
 * make a word of at most 64 characters, so a line holding one, `Subject: ` or `Reply-To: ` before
 * it, stays within the 76 characters §2 allows.
 */
function encodeWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ');
}

const WORD_BYTES = 39;

/** The List-Id header's value: the brand as its phrase, then the list's id. */
export function listIdValue(brandName: string, listId: string): string {
  return `${formatPhrase(brandName)} <${listId}>`;
}

/** `<a>, <b>` lists (List-Unsubscribe): a space after each comma so a fold keeps every URL whole. */
export function listValue(value: string): string {
  return value.replace(/>,\s*</g, '>, <');
}

/**
 * `Name: value`, folded at spaces to 78 characters where the value allows it. A line that still
 * exceeds 998 octets (one unbreakable token, such as a very long URL) is refused rather than sent.
 */
export function foldHeader(name: string, value: string): string {
  // RFC 2047 §2: a line holding an encoded word is at most 76 characters.
  const width = value.includes('=?') ? ENCODED_WORD_LINE : FOLD_WIDTH;
  // Short enough for one line: what the loop below would write, without splitting the value.
  if (name.length + 2 + value.length <= width) return `${name}: ${value}`;
  const lines: string[] = [];
  let line = `${name}:`;
  let started = false;
  for (const word of value.split(' ')) {
    // An empty word is one of several spaces in a row: it stays on the line, so no line is only white space.
    if (word && started && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ` ${word}`;
    } else line += ` ${word}`;
    if (word) started = true;
  }
  lines.push(line);
  if (lines.some((l) => Buffer.byteLength(l) > MAX_LINE)) {
    throw new RolecastError('E_INVALID', `the ${name} header has a part too long for a mail header line`, {
      hint: `keep every word of the ${name} header under ${MAX_LINE - name.length - 2} characters`,
    });
  }
  return lines.join(CRLF);
}

/** RFC 5322 date in UTC: `Thu, 26 Nov 2026 08:00:00 +0000`. */
export function formatDate(date: Date): string {
  // Whole seconds only, so one string serves every message sent within the same second.
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastDate.second) lastDate = { second, text: date.toUTCString().replace(/GMT$/, '+0000') };
  return lastDate.text;
}

let lastDate = { second: Number.NaN, text: '' };

/**
 * RFC 2045 §6.7 quoted-printable of a whole part (see wire/qp.ts, the one encoder, here without
 * the splicing options).
 */
export function quotedPrintable(content: string): string {
  return encodeQp(content, { dots: false, open: false }).toString('latin1');
}
