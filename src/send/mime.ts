import { randomBytes } from 'node:crypto';

/**
 * A small MIME writer for the one shape rolecast sends: multipart/alternative with a UTF-8 text
 * and HTML part, both base64. Writing it directly, as one buffer, costs about half the CPU of
 * nodemailer's general-purpose composer and streams, which is what bounds sending on loopback.
 * Header values must already be free of CR/LF (see assertHeaderSafe).
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
  const lines = [
    `From: ${formatAddress(message.from)}`,
    `To: ${formatAddress(message.to)}`,
    ...(message.replyTo ? [`Reply-To: ${message.replyTo}`] : []),
    `Subject: ${encodeText(message.subject)}`,
    `Message-ID: ${message.messageId}`,
    `Date: ${formatDate(message.date)}`,
    'MIME-Version: 1.0',
    ...Object.entries(message.headers).map(([name, value]) => `${name}: ${foldList(value)}`),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(message.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(message.html),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join(CRLF));
}

/** `Name <address>`, the name as an atom list, a quoted string, or encoded words. */
export function formatAddress({ address, name }: MimeAddress): string {
  if (!name) return address;
  return `${formatPhrase(name)} <${address}>`;
}

export function formatPhrase(name: string): string {
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name)) return name;
  if (/^[\x20-\x7e]+$/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}"`;
  return encodeWords(name);
}

/** Unstructured text (Subject): as is when printable ASCII, else RFC 2047 encoded words; folded. */
export function encodeText(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?')) return foldAtSpaces(value);
  return encodeWords(value);
}

/** RFC 2047 B-encoded words of at most 75 characters, split on whole characters, one per line. */
function encodeWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(`${CRLF} `);
}

function foldAtSpaces(value: string, width = 76): string {
  if (value.length <= width) return value;
  const out: string[] = [];
  let line = '';
  for (const word of value.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out.join(`${CRLF} `);
}

/** `<a>, <b>` lists (List-Unsubscribe) break after each comma, keeping every URL whole. */
function foldList(value: string): string {
  return value.replace(/>,\s*</g, `>,${CRLF} <`);
}

/** RFC 5322 date in UTC: `Thu, 26 Nov 2026 08:00:00 +0000`. */
export function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function base64Lines(content: string): string {
  const encoded = Buffer.from(content).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join(CRLF);
}
