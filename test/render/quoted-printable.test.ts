import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMime, quotedPrintable } from '../../src/send/mime.js';

/** Both text parts go out quoted-printable: readable, near their own size, and not a spam signal. */

describe('quoted-printable parts', () => {
  const text = `Grüße aus Köln — a line with = signs and a trailing space \nshort\n${'long words '.repeat(30)}\n.dot first\n`;
  const html = `<p style="margin:0">Straße ${'<a href="https://example.com/?a=1&amp;b=2">x</a> '.repeat(10)}</p>`;

  it('round-trips text and HTML through a MIME parser, with no line over 76 characters', async () => {
    const raw = buildMime({
      from: { address: 'digest@example.com', name: 'Digest' },
      to: { address: 'reader@example.com' },
      subject: 'Subject',
      messageId: '<id@example.com>',
      date: new Date('2026-11-26T08:00:00Z'),
      headers: {},
      text,
      html,
    }).toString();
    expect(raw.match(/Content-Transfer-Encoding: quoted-printable/g)).toHaveLength(2);
    expect(raw).not.toContain('base64');
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    for (const line of body.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(76);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
  });

  it('encodes "=", non-ASCII bytes and a space before a line end, and nothing else', () => {
    expect(quotedPrintable('a=b')).toBe('a=3Db');
    expect(quotedPrintable('ü')).toBe('=C3=BC');
    expect(quotedPrintable('end \nnext')).toBe('end=20\r\nnext');
    expect(quotedPrintable('plain text, kept: as is!')).toBe('plain text, kept: as is!');
    // A soft break never splits an escape.
    const encoded = quotedPrintable('ü'.repeat(40));
    for (const line of encoded.split('\r\n')) expect(line).toMatch(/^(=[0-9A-F]{2})+=?$/);
  });
});
