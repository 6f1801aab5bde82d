import MailComposer from 'nodemailer/lib/mail-composer';
import { foldLines, hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import { Encoder as QpEncoder } from 'nodemailer/lib/qp';
import type { ResolvedConfig } from '../config/schema.js';
import { createCache } from './_cache.js';

/**
 * The transfer encoding messages are sent with (see send/mime.ts). The size gate measures with the
 * same encoding, because Gmail clips on what arrives: quoted-printable keeps mostly-ASCII HTML near
 * its own size, where base64 would add a third.
 */
export const TEXT_ENCODING = 'quoted-printable' as const;

export interface EncodedSizes {
  /** The whole message: headers, text and HTML parts, as encoded for sending. */
  messageBytes: number;
  /** The HTML part's body alone, as encoded: what Gmail's clip threshold applies to. */
  htmlBytes: number;
}

/**
 * The message is built once with MailComposer around one-character bodies, for its headers and
 * boundaries; the bodies' encoded sizes are counted with nodemailer's own quoted-printable encoder,
 * fed directly. Each variant's sample would otherwise go through a whole MIME build, most of what
 * a variant cost once its MJML was compiled from pieces.
 */
export async function encodedSizes(message: { subject: string; html: string; text: string }): Promise<EncodedSizes> {
  return encodedSizesIn(await messageFrame(message), message);
}

/** The size of the message built around one-character bodies: headers, boundaries. */
export async function messageFrame(message: { subject: string; html: string; text: string }): Promise<number> {
  const frame = await build({
    from: 'Sender Name <sender@example.com>',
    to: 'Reader Name <reader.name@example.com>',
    subject: message.subject,
    // An empty body leaves its part out: so does the frame.
    html: message.html && PLACEHOLDER,
    text: message.text && PLACEHOLDER,
  });
  return frame.length;
}

/**
 * The size of the frame (see `messageFrame`) with another subject, from a frame built once: only
 * the Subject header differs, and MimeNode encodes and folds it on its own, synchronously.
 */
export async function subjectFrames(parts: { html: boolean; text: boolean }): Promise<(subject: string) => number> {
  const base = await messageFrame({ subject: BASE_SUBJECT, html: parts.html ? '.' : '', text: parts.text ? '.' : '' });
  const node = new MimeNode('multipart/alternative', { textEncoding: TEXT_ENCODING }) as MimeNode & {
    encodeHeaderValue(key: string, value: string): string;
  };
  const header = (subject: string) => {
    if (!subject) return 0;
    const value = node.encodeHeaderValue('Subject', subject);
    // MimeNode leaves out a header whose value is blank, with the line break that joined it.
    return String(value ?? '').trim() ? Buffer.byteLength(foldLines(`Subject: ${value}`, 76)) + 2 : 0;
  };
  const without = base - header(BASE_SUBJECT);
  // Many variants share a subject (it names the top story and a count), and encoding the header
  // costs more than the rest of a variant's gates: sizes are kept by subject.
  const sizes = createCache<string, number>(1000);
  return (subject) => sizes.getOrSet(subject, () => without + header(subject));
}

const BASE_SUBJECT = 'subject';

/** The sizes of `message`, given the size of its frame (see `messageFrame`): no I/O, no streams. */
export function encodedSizesIn(frameBytes: number, message: { html: string; text: string }): EncodedSizes {
  const html = encodedBody(message.html);
  const text = encodedBody(message.text);
  const placeholder = encodedBody(PLACEHOLDER);
  const parts = [html, text].filter((part) => part.bodyBytes > 0);
  // A message of one part ends its body with a line break unless the body has one already; in a
  // multipart message the boundary's line break follows every body.
  const ending = (part: EncodedBody) => (parts.length === 1 && !part.endsWithNewline ? 2 : 0);
  let messageBytes = frameBytes;
  for (const part of parts) messageBytes += part.partBytes + ending(part) - placeholder.partBytes - ending(placeholder);
  return { messageBytes, htmlBytes: html.bodyBytes + (html.endsWithNewline ? 0 : 2) };
}

/**
 * Whether `html` may come out at or over a size threshold once quoted-printable encoded, by an
 * upper bound that costs two native scans instead of the encoding: an escaped ASCII character
 * (`=`, a control character) takes 3 bytes, any other character at most 9 (3 UTF-8 bytes as =XX),
 * a line break 2 plus an escaped space before it, and the soft line breaks (3 bytes) come at least
 * every 50 characters (see nodemailer's qp.wrap). HTML is full of `=`: counted as wide as a
 * non-ASCII character, the bound ran ~10 % over a digest's size, and a digest of 70 KB took the
 * exact count against an 80 KB threshold.
 */
export function mayReachSizeWarning(html: string, config: Pick<ResolvedConfig, 'sizeWarnKb' | 'sizeLimitKb'>): boolean {
  return mayReachFromCounts(sizeCounts(html), config);
}

/** What the size bound counts; each count of a joined text is the sum of its pieces' counts. */
export interface SizeCounts {
  length: number;
  /** ASCII characters quoted-printable escapes: `=` and control characters other than tab. */
  escaped: number;
  /** Code units outside ASCII. */
  wide: number;
  breaks: number;
}

export function sizeCounts(html: string): SizeCounts {
  const counts = { length: 0, escaped: 0, wide: 0, breaks: 0 };
  addSizeCounts(counts, html);
  return counts;
}

/**
 * `text`'s counts added to `counts`, in one pass over its UTF-16 code units: line breaks, the
 * ASCII characters quoted-printable escapes (anything but tab and printable ASCII other than
 * `=`), and the code units outside ASCII.
 */
export function addSizeCounts(counts: SizeCounts, text: string): void {
  counts.length += text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) counts.breaks++;
    else if (c > 0x7f) counts.wide++;
    else if (!(c === 9 || (c >= 0x20 && c <= 0x3c) || (c >= 0x3e && c <= 0x7e))) counts.escaped++;
  }
}

/** `mayReachSizeWarning` from the counts of the HTML's pieces, summed. */
export function mayReachFromCounts(
  counts: SizeCounts,
  config: Pick<ResolvedConfig, 'sizeWarnKb' | 'sizeLimitKb'>,
): boolean {
  const { length, escaped, wide, breaks } = counts;
  const encoded = length + 2 * escaped + 8 * wide + 3 * breaks + 2;
  const bound = encoded + 3 * Math.ceil(encoded / 50) + 2;
  return bound >= Math.min(config.sizeWarnKb, config.sizeLimitKb) * 1024;
}

/** Not plain text, so encoded as quoted-printable like any digest part. */
const PLACEHOLDER = '\u00e9';
const HEADER_7BIT = 'Content-Transfer-Encoding: 7bit'.length;
const HEADER_QP = 'Content-Transfer-Encoding: quoted-printable'.length;

interface EncodedBody {
  bodyBytes: number;
  /** The body and its Content-Transfer-Encoding header. */
  partBytes: number;
  endsWithNewline: boolean;
}

/** A text part's body as MimeNode encodes it, and what the part adds to a message. */
function encodedBody(content: string): EncodedBody {
  // MimeNode sends plain text with short lines as is (7bit), everything else quoted-printable.
  if (content === '') return { bodyBytes: 0, partBytes: 0, endsWithNewline: false };
  if (isPlainText(content) && !hasLongerLines(content, 76)) {
    const bytes = Buffer.byteLength(content);
    return { bodyBytes: bytes, partBytes: bytes + HEADER_7BIT, endsWithNewline: content.endsWith('\n') };
  }
  const encoder = new QpEncoder({ lineLength: 76 }) as QpEncoder & {
    _transform(chunk: Buffer, encoding: string, done: () => void): void;
    _flush(done: () => void): void;
  };
  let last = '';
  encoder.push = (chunk: string) => {
    if (chunk.length) last = chunk;
    return true;
  };
  encoder._transform(Buffer.from(content), 'buffer', () => undefined);
  encoder._flush(() => undefined);
  const bytes = encoder.outputBytes;
  return { bodyBytes: bytes, partBytes: bytes + HEADER_QP, endsWithNewline: last.endsWith('\n') };
}

function build(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer({ ...mail, textEncoding: TEXT_ENCODING }).compile().build((error, buffer) => {
      if (error) reject(error);
      else resolve(buffer);
    });
  });
}
