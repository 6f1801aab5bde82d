/**
 * A small MIME reader for delivery reports: headers (unfolded, RFC 2047 words left as they are),
 * multipart bodies, base64 and quoted-printable. Reports are machine-written and their useful
 * fields are ASCII, so this reads bytes as latin1 and never guesses charsets. Depth and part counts
 * are capped: a report is parsed from untrusted mail.
 */

export interface MimePart {
  headers: HeaderList;
  /** Lower-cased `type/subtype`; `text/plain` when absent, as RFC 2045 says. */
  type: string;
  params: Record<string, string>;
  /** The body after transfer decoding, as latin1 text. */
  body: string;
  /** Sub-parts of a multipart, or the enclosed message of message/rfc822. */
  parts: MimePart[];
}

export type HeaderList = [name: string, value: string][];

const MAX_DEPTH = 8;
const MAX_PARTS = 64;

export function parseMessage(raw: string | Buffer): MimePart {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  return parsePart(text, 0, { parts: 0 });
}

/** The first value of a header, matched case-insensitively. */
export function header(headers: HeaderList, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([n]) => n === wanted)?.[1];
}

export function headerValues(headers: HeaderList, name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([n]) => n === wanted).map(([, v]) => v);
}

/** Splits header text into unfolded fields; lines that are not fields are skipped. */
export function parseHeaders(text: string): HeaderList {
  const headers: HeaderList = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Header and body of a message or part, split at the first empty line. */
export function splitHeaderBody(text: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { head: text, body: '' };
  return { head: text.slice(0, match.index), body: text.slice(match.index + match[0].length) };
}

/** `type/subtype; a=b; c="d"` → its lower-cased type and parameters. */
export function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [first, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    params[key] = piece
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type: (first ?? '').trim().toLowerCase() || 'text/plain', params };
}

function parsePart(text: string, depth: number, budget: { parts: number }): MimePart {
  const { head, body: rawBody } = splitHeaderBody(text);
  const headers = parseHeaders(head);
  const { type, params } = parseContentType(header(headers, 'content-type'));
  const body = decodeBody(rawBody, header(headers, 'content-transfer-encoding'));
  const part: MimePart = { headers, type, params, body, parts: [] };
  if (depth >= MAX_DEPTH || budget.parts >= MAX_PARTS) return part;
  if (type.startsWith('multipart/') && params.boundary) {
    for (const chunk of splitMultipart(body, params.boundary)) {
      if (budget.parts >= MAX_PARTS) break;
      budget.parts++;
      part.parts.push(parsePart(chunk, depth + 1, budget));
    }
  } else if (type === 'message/rfc822' || type === 'message/global') {
    budget.parts++;
    part.parts.push(parsePart(body, depth + 1, budget));
  }
  return part;
}

function splitMultipart(body: string, boundary: string): string[] {
  const chunks: string[] = [];
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) {
      if (current) chunks.push(current.join('\n'));
      current = undefined;
      break;
    }
    if (trimmed === `--${boundary}`) {
      if (current) chunks.push(current.join('\n'));
      current = [];
      continue;
    }
    current?.push(line);
  }
  // A report cut off before its closing boundary still yields the parts it has.
  if (current) chunks.push(current.join('\n'));
  return chunks;
}

function decodeBody(body: string, encoding: string | undefined): string {
  const kind = (encoding ?? '').trim().toLowerCase();
  if (kind === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  if (kind === 'quoted-printable')
    return body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return body;
}

/** Every part of the tree, depth first, the root included. */
export function walkParts(root: MimePart): MimePart[] {
  const all: MimePart[] = [];
  const visit = (part: MimePart) => {
    all.push(part);
    for (const child of part.parts) visit(child);
  };
  visit(root);
  return all;
}

/** Header blocks separated by empty lines, as message/delivery-status and feedback reports are written. */
export function parseFieldGroups(body: string): HeaderList[] {
  return body
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => parseHeaders(block))
    .filter((group) => group.length > 0);
}

/**
 * The field groups of a delivery-status part, one per recipient: RFC 3464 puts a blank line between
 * recipients, but some servers write them one after the other, and only the first would be read. A
 * recipient begins at an Original- or Final-Recipient that follows another recipient's fields.
 */
export function recipientFieldGroups(body: string): HeaderList[] {
  const isRecipient = (name: string) => name === 'final-recipient' || name === 'original-recipient';
  const groups: HeaderList[] = [];
  for (const group of parseFieldGroups(body)) {
    let current: HeaderList = [];
    let pastRecipient = false;
    for (const field of group) {
      const [name] = field;
      if (isRecipient(name) && (pastRecipient || current.some(([n]) => n === name))) {
        groups.push(current);
        current = [];
        pastRecipient = false;
      } else if (!isRecipient(name) && current.some(([n]) => isRecipient(n))) pastRecipient = true;
      current.push(field);
    }
    groups.push(current);
  }
  return groups;
}

/** Reads text as UTF-8 when it is valid UTF-8 (latin1 bytes above), else leaves it. */
export function utf8(text: string): string {
  const decoded = Buffer.from(text, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? text : decoded;
}

/**
 * RFC 2047 encoded words (`=?UTF-8?B?…?=`) decoded: some webmails encode every subject, plain ASCII
 * too. Blanks between two words go, as the RFC says; a word in a charset this runtime does not
 * know is left as it is.
 */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g, '$1')
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (word, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
              'latin1',
            );
      try {
        // `UTF-8*en` (RFC 2231) names a language after the charset.
        return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes);
      } catch {
        return word;
      }
    });
}
