import { createHash, createSign } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import type { Transporter } from 'nodemailer';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import type { DkimSettings } from '../transport.js';
import type { WirePayload } from './prepare.js';
import { relaxedPiece } from './qp.js';

/**
 * DKIM (RFC 6376, rsa-sha256, relaxed/relaxed) for a spliced message, written as nodemailer's
 * signer writes it (same fields, order and folding), so either can sign and a check can compare.
 * The body is canonicalised piece by piece: a variant's shared pieces once, the reader's own per
 * message, so the per-message cost is the hash, not a byte-by-byte pass in JavaScript.
 */

const FIELD_NAMES = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'Content-ID',
  'Content-Description',
  'Resent-Date',
  'Resent-From',
  'Resent-Sender',
  'Resent-To',
  'Resent-Cc',
  'Resent-Message-ID',
  'In-Reply-To',
  'References',
  'List-Id',
  'List-Help',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Subscribe',
  'List-Post',
  'List-Owner',
  'List-Archive',
  'OTP-Token',
].map((name) => name.toLowerCase());

/** Fields a message has at most once, signed once more than it has them (see `signatureFor`). */
const OVERSIGNED = [
  'from',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'to',
  'cc',
  'mime-version',
  'content-type',
  'list-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
];

const canonical = new WeakMap<Buffer, Buffer>();

function relaxedShared(piece: Buffer): Buffer {
  let found = canonical.get(piece);
  if (!found) {
    found = relaxedPiece(piece);
    canonical.set(piece, found);
  }
  return found;
}

export function bodyHash(payload: WirePayload): string {
  const hash = createHash('sha256');
  for (const piece of payload.body) hash.update(payload.own.has(piece) ? relaxedPiece(piece) : relaxedShared(piece));
  return hash.digest('base64');
}

function relaxedValue(field: string): string {
  return field
    .slice(field.indexOf(':') + 1)
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** The DKIM-Signature header field (folded, no trailing CRLF) for the payload's headers and body. */
export function dkimSignature(payload: WirePayload, settings: DkimSettings): string {
  return signatureFor(payload.headers, bodyHash(payload), settings);
}

/**
 * A whole message signed: its header fields and body read from the bytes (CRLF line ends), the
 * DKIM-Signature field put first. For the messages nodemailer writes (the outbox, test sends,
 * confirmation mails, a server without 8BITMIME), so every message is signed alike.
 */
export function signRawMessage(raw: Buffer, settings: DkimSettings): Buffer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4);
  // Fields as written: a line starting with white space continues the one before.
  const headers = Buffer.from(head, 'latin1')
    .toString('utf8')
    .split(/\r\n(?![ \t])/)
    .filter((field) => field.includes(':'));
  const hash = createHash('sha256').update(relaxedBody(body)).digest('base64');
  return Buffer.concat([Buffer.from(`${signatureFor(headers, hash, settings)}\r\n`, 'utf8'), raw]);
}

/**
 * Has a nodemailer transporter sign each message it writes with `signRawMessage`, in place of
 * nodemailer's own signer, which cannot oversign: a message then carries the same fields in `h=`
 * whichever way it went out.
 */
export function signEveryMessage(transporter: Transporter, settings: DkimSettings | undefined): Transporter {
  if (!settings) return transporter;
  transporter.use('stream', (mail, done) => {
    (mail.message as unknown as { processFunc(fn: (input: Readable) => Readable): void }).processFunc((input) =>
      signedStream(input, settings),
    );
    done();
  });
  return transporter;
}

function signedStream(input: Readable, settings: DkimSettings): Readable {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  input.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  input.once('error', (error) => output.destroy(error));
  input.once('end', () => {
    try {
      // Line ends made CRLF first, as the outbox and the SMTP connection make them after this:
      // the bytes signed are the bytes that go out.
      const crlf = Buffer.from(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/\r?\n|\r/g, '\r\n'),
        'latin1',
      );
      output.end(signRawMessage(crlf, settings));
    } catch (error) {
      output.destroy(error as Error);
    }
  });
  return output;
}

/**
 * RFC 6376 §3.4.4 for a whole body: its lines as `relaxedPiece` makes them, and the empty lines at
 * its end dropped (a piece of a spliced body never ends the body, so that step is the body's own).
 */
function relaxedBody(body: Buffer): Buffer {
  const text = relaxedPiece(body)
    .toString('latin1')
    .replace(/(?:\r\n)+$/, '')
    .replace(/ $/, '');
  return Buffer.from(text ? `${text}\r\n` : '', 'latin1');
}

function signatureFor(headerFields: readonly string[], bodyHashValue: string, settings: DkimSettings): string {
  const byName = new Map<string, string>();
  // The last occurrence of a field is the one signed (each appears once here anyway).
  for (const field of headerFields) {
    const name = field.slice(0, field.indexOf(':')).trim().toLowerCase();
    byName.set(name, relaxedValue(field));
  }
  const names: string[] = [];
  let canonicalHeaders = '';
  for (const name of FIELD_NAMES) {
    const value = byName.get(name);
    if (value === undefined) continue;
    names.push(name);
    canonicalHeaders += `${name}:${value}\r\n`;
  }
  // Oversigned (RFC 6376 §8.15): each named once more than the message has it, which adds nothing
  // to what is signed but makes a copy of the field added later (a second Subject or
  // List-Unsubscribe put above ours by someone replaying the message) break the signature.
  for (const name of OVERSIGNED) names.push(name);
  const clean = (value: string) => value.replace(/[\x00-\x1f\x7f;=]/g, '');
  const tags = [
    'v=1',
    'a=rsa-sha256',
    'c=relaxed/relaxed',
    `d=${domainToASCII(clean(settings.domainName)) || clean(settings.domainName).toLowerCase()}`,
    'q=dns/txt',
    `s=${clean(settings.keySelector)}`,
    `bh=${bodyHashValue}`,
    `h=${clean(names.join(':'))}`,
  ].join('; ');
  const header = `${foldLines(`DKIM-Signature: ${tags}`, 76)};\r\n b=`;
  canonicalHeaders += `dkim-signature:${relaxedValue(header)}`;
  // Header bytes as written: UTF-8 (an SMTPUTF8 address in To) signs as the bytes that go out.
  const signature = createSign('RSA-SHA256')
    .update(Buffer.from(canonicalHeaders, 'utf8'))
    .sign(settings.privateKey, 'base64');
  return header + signature.replace(/(^.{73}|.{75}(?!\r?\n|\r))/g, '$&\r\n ').trim();
}
