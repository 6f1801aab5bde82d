import { randomBytes } from 'node:crypto';
import type { PersonalFields, VariantTemplate } from '../../render/types.js';
import { encodeText, foldHeader, formatAddress, formatDate, listValue, type MimeAddress } from '../mime.js';
import { encodePiece } from './qp.js';

/**
 * A reader's message as a list of byte ranges: the headers (written per reader), then the body
 * pieces, most of them encoded once per variant and shared by every reader of it. Ready for the
 * wire as it is: CRLF line breaks, no line starting with "." (see qp.ts), 7-bit body.
 */
export interface WirePayload {
  /** Header fields, each already folded (CRLF inside), in message order. */
  headers: readonly string[];
  /** The body, from the first boundary to the closing one. */
  body: readonly Buffer[];
  /** Pieces of `body` that belong to one reader; the others are the variant's and can be cached. */
  own: ReadonlySet<Buffer>;
}

/** The whole message as one buffer: for transports that take bytes (the outbox, nodemailer). */
export function payloadBytes(payload: WirePayload): Buffer {
  return Buffer.concat([headBytes(payload.headers), ...payload.body]);
}

export function headBytes(headers: readonly string[]): Buffer {
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'utf8');
}

type Piece = Buffer | { field: string; last: boolean } | { line: readonly string[]; first: boolean; last: boolean };

/** One variant in one language, encoded once. */
interface PreparedVariant {
  subjectHeader: string;
  contentType: string;
  text: Piece[];
  html: Piece[];
  between: Buffer;
  end: Buffer;
  start: Buffer;
}

const prepared = new WeakMap<VariantTemplate, PreparedVariant>();

function prepare(template: VariantTemplate): PreparedVariant {
  let found = prepared.get(template);
  if (found) return found;
  // "=_" never occurs in quoted-printable output, so the boundary cannot appear in a part.
  const boundary = `=_rc_${randomBytes(12).toString('base64url')}`;
  const partHeader = (type: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const text: Piece[] = [];
  template.text.forEach((piece, i) => {
    const last = i === template.text.length - 1;
    if (typeof piece === 'string') text.push(encodePiece(i > 0 ? `\n${piece}` : piece, last));
    else text.push({ line: piece, first: i === 0, last });
  });
  const html: Piece[] = [];
  template.html.forEach((part, i) => {
    const last = i === template.html.length - 1;
    if (i % 2 === 0) html.push(encodePiece(part, last));
    else html.push({ field: part, last });
  });
  found = {
    subjectHeader: foldHeader('Subject', encodeText(template.subject)),
    contentType: foldHeader('Content-Type', `multipart/alternative; boundary="${boundary}"`),
    start: Buffer.from(partHeader('text/plain'), 'latin1'),
    text,
    between: Buffer.from(`\r\n${partHeader('text/html')}`, 'latin1'),
    html,
    end: Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  };
  prepared.set(template, found);
  return found;
}

export interface WireMessage {
  from: MimeAddress;
  to: MimeAddress;
  replyTo?: string | undefined;
  messageId: string;
  date: Date;
  /** List-Id, List-Unsubscribe, …: written as given, after MIME-Version, like buildMime does. */
  headers: Record<string, string>;
}

/**
 * The same message buildMime writes for `template.personalise(fields)`, header for header and part
 * for part once decoded, but with only the reader's own fields encoded here.
 */
export function buildPayload(template: VariantTemplate, fields: PersonalFields, message: WireMessage): WirePayload {
  const variant = prepare(template);
  const values = template.values(fields);
  const own = new Set<Buffer>();
  const body: Buffer[] = [variant.start];
  const add = (piece: Piece, encode: () => string) => {
    if (Buffer.isBuffer(piece)) {
      if (piece.length) body.push(piece);
      return;
    }
    const bytes = encodePiece(encode(), piece.last);
    if (bytes.length) {
      body.push(bytes);
      own.add(bytes);
    }
  };
  for (const piece of variant.text)
    add(piece, () => ('line' in piece ? `${piece.first ? '' : '\n'}${template.fillTextLine(piece.line, values)}` : ''));
  body.push(variant.between);
  for (const piece of variant.html)
    add(piece, () => ('field' in piece ? template.escapeHtml(values[piece.field] ?? '') : ''));
  body.push(variant.end);
  const headers = [
    foldHeader('From', formatAddress(message.from)),
    foldHeader('To', formatAddress(message.to)),
    ...(message.replyTo ? [foldHeader('Reply-To', message.replyTo)] : []),
    variant.subjectHeader,
    foldHeader('Message-ID', message.messageId),
    foldHeader('Date', formatDate(message.date)),
    'MIME-Version: 1.0',
    ...Object.entries(message.headers).map(([name, value]) => foldHeader(name, listValue(value))),
    variant.contentType,
  ];
  return { headers, body, own };
}
