import { createHash, createVerify } from 'node:crypto';

/**
 * A DKIM verifier written from RFC 6376 alone (rsa-sha256, relaxed/relaxed), independent of the
 * signer under test: it selects header fields from the bottom up as `h=` names them, a name with
 * no instance left adding nothing, so an oversigned field catches a copy added later.
 */

export interface DkimResult {
  ok: boolean;
  reason: string;
  /** The field names the signature covers, in order. */
  signed: string[];
}

export function verifyDkim(raw: string | Buffer, publicKeyPem: string): DkimResult {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { ok: false, reason: 'no header block', signed: [] };
  const fields = text
    .slice(0, end)
    .split(/\r\n(?![ \t])/)
    .map((field) => ({ name: field.slice(0, field.indexOf(':')).trim().toLowerCase(), field }));
  const signature = fields.find((f) => f.name === 'dkim-signature');
  if (!signature) return { ok: false, reason: 'no DKIM-Signature', signed: [] };
  const tags = new Map<string, string>();
  for (const part of signature.field.slice(signature.field.indexOf(':') + 1).split(';')) {
    const at = part.indexOf('=');
    if (at > 0) tags.set(part.slice(0, at).trim(), part.slice(at + 1).replace(/\s+/g, ''));
  }
  const signed = (tags.get('h') ?? '').split(':').map((name) => name.trim().toLowerCase());
  if (tags.get('a') !== 'rsa-sha256' || tags.get('c') !== 'relaxed/relaxed')
    return { ok: false, reason: `unexpected a= or c=`, signed };
  const bodyHash = createHash('sha256')
    .update(relaxedBody(bytes.subarray(end + 4)))
    .digest('base64');
  if (bodyHash !== tags.get('bh')) return { ok: false, reason: 'body hash did not verify', signed };
  const used = new Set<number>();
  let data = '';
  for (const name of signed) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (used.has(i) || fields[i]!.name !== name) continue;
      used.add(i);
      data += `${name}:${relaxedValue(fields[i]!.field)}\r\n`;
      break;
    }
  }
  data += `dkim-signature:${relaxedValue(signature.field).replace(/(^|;\s*)b=[^;]*/, '$1b=')}`;
  const ok = createVerify('RSA-SHA256')
    .update(Buffer.from(data, 'latin1'))
    .verify(publicKeyPem, tags.get('b') ?? '', 'base64');
  return { ok, reason: ok ? 'pass' : 'signature did not verify', signed };
}

function relaxedValue(field: string): string {
  return field
    .slice(field.indexOf(':') + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

function relaxedBody(body: Buffer): Buffer {
  const text = body
    .toString('latin1')
    .replace(/[ \t]+\r\n/g, '\r\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/(?:\r\n)+$/, '')
    .replace(/ $/, '');
  return Buffer.from(text ? `${text}\r\n` : '', 'latin1');
}
