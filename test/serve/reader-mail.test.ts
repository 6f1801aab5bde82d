import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mjml2html from 'mjml';
import type { SendMailOptions } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { translator } from '../../src/i18n/index.js';
import type { MailTransport } from '../../src/send/transport.js';
import { confirmationMail, createReaderMailer, welcomeMail } from '../../src/serve/readers/mail.js';

/**
 * The confirmation mail is compiled with MJML once per wording and the address and link written
 * in: every mail must still read exactly as its own compile would.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(templatesDir: string, keepCompiled = true) {
  const sent: SendMailOptions[] = [];
  const transport: MailTransport = {
    kind: 'outbox',
    destination: 'memory',
    verify: async () => {},
    send: async (options) => {
      sent.push(options);
      return { response: '250 ok' };
    },
    close: async () => {},
  };
  let compiles = 0;
  const counting: typeof mjml2html = (source, options) => {
    compiles++;
    return mjml2html(source, options);
  };
  const config = {
    brand: { name: 'Rolecast Weekly', primaryColor: '#1f3a5f', backgroundColor: '#f3f4f6' },
    sender: { name: 'Rolecast Weekly', email: 'digest@rolecast.example' },
    footer: { postalAddress: '12 Example Lane' },
    templatesDir,
    listId: 'weekly.rolecast.example',
  } as unknown as Pick<ResolvedConfig, 'brand' | 'sender' | 'replyTo' | 'footer' | 'templatesDir' | 'listId'>;
  const mailer = createReaderMailer(config, transport, { compileMjml: counting, keepCompiled });
  return { mailer, sent, compiles: () => compiles };
}

const mail = (to: string, url: string) => confirmationMail(translator('en'), 'Rolecast Weekly', to, url, 48, 'en');
/** Addresses and links holding what HTML escapes: each must come out as its own compile writes it. */
const readers = [
  ['ann@example.com', 'https://news.example.com/confirm?token=a.b'],
  ["o'brien+news@example.com", 'https://news.example.com/confirm?token=c.d&x="1"'],
  ['kim@example.com', 'https://news.example.com/confirm?token=<e>'],
] as const;

describe('reader mails', () => {
  it('compile once per wording, each mail as its own compile would read', async () => {
    const { mailer, sent, compiles } = setup(mkdtempSync(join(tmpdir(), 'rolecast-mail-')));
    for (const [to, url] of readers) await mailer.send(mail(to, url));
    // Once with tokens, once with the check's values; every mail after that is filled.
    expect(compiles()).toBe(2);
    const reference = setup(mkdtempSync(join(tmpdir(), 'rolecast-mail-')), false);
    for (const [to, url] of readers) await reference.mailer.send(mail(to, url));
    expect(reference.compiles()).toBe(3);
    expect(sent.map((m) => m.html)).toEqual(reference.sent.map((m) => m.html));
    expect(sent.map((m) => m.to)).toEqual(readers.map(([to]) => to));
  });

  it.each([
    ['the link', '<a href="{{{url}}}">{{button}}</a> {{to}}'],
    ['the address', '<a href="{{url}}">{{button}}</a> {{{to}}}'],
  ])('compiles every mail when the template writes %s unescaped, which a token cannot stand for', async (_, body) => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecast-mail-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'confirm.mjml.hbs'),
      `<mjml><mj-body><mj-section><mj-column><mj-text>{{heading}} ${body}</mj-text></mj-column></mj-section></mj-body></mjml>`,
    );
    // The first reader's values hold nothing HTML escapes: only the check's own values tell.
    const plain = [['kim@example.com', 'https://news.example.com/confirm'], ...readers] as const;
    const { mailer, sent } = setup(dir);
    for (const [to, url] of plain) await mailer.send(mail(to, url));
    const reference = setup(dir, false);
    for (const [to, url] of plain) await reference.mailer.send(mail(to, url));
    expect(sent.map((m) => m.html)).toEqual(reference.sent.map((m) => m.html));
  });

  it('write each welcome mail its own unsubscribe link, as its own compile would', async () => {
    const welcome = (to: string, url: string) =>
      welcomeMail(translator('en'), 'Rolecast Weekly', to, url, 'en', {
        unsubscribeUrl: url.replace('/confirm', '/unsubscribe'),
        listUnsubscribe: `<${url.replace('/confirm', '/unsubscribe')}>`,
        oneClick: true,
      });
    const { mailer, sent, compiles } = setup(mkdtempSync(join(tmpdir(), 'rolecast-mail-')));
    for (const [to, url] of readers) await mailer.send(welcome(to, url));
    expect(compiles()).toBe(2);
    const reference = setup(mkdtempSync(join(tmpdir(), 'rolecast-mail-')), false);
    for (const [to, url] of readers) await reference.mailer.send(welcome(to, url));
    expect(sent.map((m) => m.html)).toEqual(reference.sent.map((m) => m.html));
    expect(sent[1]!.html).toContain(
      'href="https://news.example.com/unsubscribe?token&#x3D;c.d&amp;x&#x3D;&quot;1&quot;"',
    );
    expect(sent.map((m) => m.headers)).toEqual(reference.sent.map((m) => m.headers));
  });
});
