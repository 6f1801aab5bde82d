import { createHash, createSign } from 'node:crypto';
import { domainToASCII } from 'node:url';
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
  const byName = new Map<string, string>();
  // The last occurrence of a field is the one signed (each appears once here anyway).
  for (const field of payload.headers) {
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
  const clean = (value: string) => value.replace(/[\x00-\x1f\x7f;=]/g, '');
  const tags = [
    'v=1',
    'a=rsa-sha256',
    'c=relaxed/relaxed',
    `d=${domainToASCII(clean(settings.domainName)) || clean(settings.domainName).toLowerCase()}`,
    'q=dns/txt',
    `s=${clean(settings.keySelector)}`,
    `bh=${bodyHash(payload)}`,
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
