import type { IncomingMessage } from 'node:http';

/**
 * Request bodies, read with a hard size cap so a client cannot make the endpoint buffer without
 * limit, and checked for the RFC 8058 one-click marker `List-Unsubscribe=One-Click`.
 */

export class BodyTooLargeError extends Error {}

export async function readBoundedBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * True when the body carries `List-Unsubscribe=One-Click`. Mailbox providers send it
 * form-urlencoded (RFC 8058 §3.1); multipart/form-data is accepted too, as the RFC allows.
 */
export function isOneClickBody(contentType: string | undefined, body: Buffer): boolean {
  const type = (contentType ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (type.startsWith('multipart/form-data'))
    return multipartFields(contentType!, text)?.get('List-Unsubscribe')?.[0] === 'One-Click';
  // urlencoded, or a bare body from a client that left out the content type.
  if (type === '' || type.startsWith('application/x-www-form-urlencoded') || type.startsWith('text/plain')) {
    const params = new URLSearchParams(text.trim());
    return params.getAll('List-Unsubscribe').includes('One-Click');
  }
  return false;
}

/**
 * The fields of a `multipart/form-data` body, a repeated name listed in order; undefined without a
 * boundary. File parts (with a filename) are left out: no reader page takes a file.
 */
export function multipartFields(contentType: string, body: string): Map<string, string[]> | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return undefined;
  const fields = new Map<string, string[]>();
  for (const part of body.split(`--${marker}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const disposition = /content-disposition:\s*form-data;[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name || /\bfilename\*?=/i.test(disposition)) continue;
    fields.set(name, [...(fields.get(name) ?? []), part.slice(split + 4).replace(/\r\n$/, '')]);
  }
  return fields;
}
