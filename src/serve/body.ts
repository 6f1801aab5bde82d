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
    // A provider's post cut before its closing delimiter still asks to unsubscribe: it is taken.
    return multipartFields(contentType!, text, { unclosed: true })?.get('List-Unsubscribe')?.[0] === 'One-Click';
  // urlencoded, or a bare body from a client that left out the content type.
  if (type === '' || type.startsWith('application/x-www-form-urlencoded') || type.startsWith('text/plain')) {
    const params = new URLSearchParams(text.trim());
    return params.getAll('List-Unsubscribe').includes('One-Click');
  }
  return false;
}

/**
 * The fields of a `multipart/form-data` body, a repeated name listed in order; undefined without a
 * boundary, or when the body ends before its closing delimiter (a form cut short), unless `unclosed`
 * takes what came. File parts (with a filename) are left out: no reader page takes a file.
 */
export function multipartFields(
  contentType: string,
  body: string,
  { unclosed = false }: { unclosed?: boolean } = {},
): Map<string, string[]> | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return undefined;
  // RFC 2046 5.1.1: a delimiter is a line of its own, so the boundary inside a value is the value's,
  // and what comes before the first delimiter (preamble) or after the last (epilogue) is no field.
  const text = `\r\n${body}`;
  const delimiter = `\r\n--${marker}`;
  const fields = new Map<string, string[]>();
  let part = -1;
  for (let at = text.indexOf(delimiter); at >= 0; at = text.indexOf(delimiter, at + 1)) {
    let end = at + delimiter.length;
    const close = text.startsWith('--', end);
    if (close) end += 2;
    while (text[end] === ' ' || text[end] === '\t') end++;
    if (!close && !text.startsWith('\r\n', end)) continue;
    if (part >= 0) addPart(fields, text.slice(part, at));
    if (close) return fields;
    part = end + 2;
  }
  if (!unclosed) return undefined;
  if (part >= 0) addPart(fields, text.slice(part).replace(/\r\n$/, ''));
  return fields;
}

function addPart(fields: Map<string, string[]>, part: string): void {
  const split = part.indexOf('\r\n\r\n');
  if (split < 0) return;
  const disposition = /content-disposition:\s*form-data;[^\r\n]*/i.exec(part.slice(0, split))?.[0] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (!name || /\bfilename\*?=/i.test(disposition)) return;
  fields.set(name, [...(fields.get(name) ?? []), part.slice(split + 4)]);
}
