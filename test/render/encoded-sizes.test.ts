import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import {
  encodedSizes,
  mayReachSizeWarning,
  messageFrame,
  subjectFrames,
  TEXT_ENCODING,
} from '../../src/render/encoded-size.js';

/** The sizes measured the long way: the whole message, and a second message of the HTML alone. */
async function reference(message: { subject: string; html: string; text: string }) {
  const build = (mail: ConstructorParameters<typeof MailComposer>[0]) =>
    new Promise<Buffer>((resolve, reject) =>
      new MailComposer({ ...mail, textEncoding: TEXT_ENCODING }).compile().build((error, buffer) => {
        if (error) reject(error);
        else resolve(buffer);
      }),
    );
  const whole = await build({
    from: 'Sender Name <sender@example.com>',
    to: 'Reader Name <reader.name@example.com>',
    ...message,
  });
  const htmlOnly = await build({ html: message.html });
  return { messageBytes: whole.length, htmlBytes: htmlOnly.length - (htmlOnly.indexOf('\r\n\r\n') + 4) };
}

describe('encoded sizes for the clip gate', () => {
  it('measure the HTML part inside the whole message exactly as a message of the HTML alone', async () => {
    const messages = [
      { subject: 'Plain', html: '<p>short</p>', text: 'short' },
      { subject: 'Grüße aus Köln', html: `<p>Jörg ${'word '.repeat(400)}</p>`, text: 'Grüße' },
      { subject: 'Lines', html: '<p>one</p>\n<p>two</p>\r\n<p>three =3D</p>\n', text: 'a\nb' },
      { subject: 'Tabs', html: `<td>\t \t</td>${'x'.repeat(2000)}  \n  <b>é</b>`, text: '' },
      { subject: 'Boundary-like', html: '<p>--not a boundary</p>\r\n--also not', text: '--x' },
      { subject: '7bit', html: `${'a'.repeat(76)}\n${'b'.repeat(76)}`, text: `${'c'.repeat(77)}\nshort` },
      { subject: 'Spaces', html: 'end with spaces   \nand tabs\t\t\r\nlast  ', text: 'x  \n' },
      { subject: 'Long subject '.repeat(12), html: '<p>é</p>\n', text: 'plain text only\n' },
    ];
    for (const message of messages) expect(await encodedSizes(message)).toEqual(await reference(message));
  });

  it('agree with a whole MIME build for any subject, HTML and text', async () => {
    const text = fc
      .array(
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 90 }), fc.constantFrom('\n', '\r\n', ' ', '\t', '=', '.')),
        {
          maxLength: 40,
        },
      )
      .map((pieces) => pieces.join(''));
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), text, text, async (subject, html, plain) => {
        const message = { subject, html: html || '<p></p>', text: plain };
        expect(await encodedSizes(message)).toEqual(await reference(message));
      }),
      { numRuns: 150, seed: 20261201 },
    );
  });

  it('size a frame for any subject from one frame built with another, for every set of parts', async () => {
    const subject = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.constantFrom(
        '',
        ' ',
        'Grüße aus Köln: Jörg & Co',
        `${'Long subject '.repeat(12)}é`,
        '=?utf-8?Q?x?=',
        '😀'.repeat(40),
      ),
    );
    const framed = [
      { html: true, text: true },
      { html: true, text: false },
      { html: false, text: true },
    ];
    const sized = await Promise.all(framed.map((parts) => subjectFrames(parts)));
    await fc.assert(
      fc.asyncProperty(subject, fc.integer({ min: 0, max: 2 }), async (value, which) => {
        const parts = framed[which]!;
        const whole = await messageFrame({ subject: value, html: parts.html ? '.' : '', text: parts.text ? '.' : '' });
        expect(sized[which]!(value)).toBe(whole);
      }),
      { numRuns: 200, seed: 20261202 },
    );
  });

  it('bound a digest of tracked links and attributes within 2 % of its encoded size, so the exact count is rare', async () => {
    // A message's HTML is mostly attributes (`=` is escaped to three bytes, not nine) and links.
    const card = (i: number) =>
      `<tr><td style="padding:0 24px;font-family:Georgia,serif" class="card"><a href="https://news.example.com/c/tok${i}?v=abc.def&amp;d=0" style="color:#1a5fb4;text-decoration:underline">Bound every queue, part ${i}</a><p style="margin:0 0 12px">Writers who set limits early keep latency flat when traffic spikes.</p></td></tr>`;
    const html = `<table role="presentation" width="100%">${Array.from({ length: 200 }, (_, i) => card(i)).join('')}</table>`;
    const { htmlBytes } = await encodedSizes({ subject: 's', html, text: 't' });
    const kb = (htmlBytes * 1.02) / 1024;
    expect(mayReachSizeWarning(html, { sizeWarnKb: kb, sizeLimitKb: kb })).toBe(false);
    expect(mayReachSizeWarning(html, { sizeWarnKb: htmlBytes / 1024, sizeLimitKb: kb })).toBe(true);
  });

  it('never skip the exact count when the HTML could reach a threshold: the bound is above the encoded size', async () => {
    const html = fc
      .array(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 20 }),
          fc.constantFrom('\n', '\r\n', ' ', '\t', '=', '.', ' \n', 'é', '€', '😀', 'x'.repeat(300)),
        ),
        { maxLength: 60 },
      )
      .map((pieces) => pieces.join('') || '<p></p>');
    await fc.assert(
      fc.asyncProperty(html, async (value) => {
        const { htmlBytes } = await encodedSizes({ subject: 's', html: value, text: 't' });
        // A threshold exactly at the encoded size must be reported as reachable.
        expect(mayReachSizeWarning(value, { sizeWarnKb: htmlBytes / 1024, sizeLimitKb: 1000 })).toBe(true);
        expect(mayReachSizeWarning(value, { sizeWarnKb: 1000, sizeLimitKb: htmlBytes / 1024 })).toBe(true);
      }),
      { numRuns: 300, seed: 20261201 },
    );
  });
});
