import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { encodedSizes, TEXT_ENCODING } from '../../src/render/gates.js';

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
    ];
    for (const message of messages) expect(await encodedSizes(message)).toEqual(await reference(message));
  });
});
