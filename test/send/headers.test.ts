import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import type { SendMailOptions } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { RolecastError } from '../../src/errors.js';
import { buildMailOptions, messageIdFor } from '../../src/send/message.js';
import { MAX_DISPLAY_NAME, truncateName } from '../../src/send/mime.js';
import { createOutboxTransport, createSmtpTransport } from '../../src/send/transport.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

const config = {
  sender: { name: 'Rolecast Weekly', email: 'digest@rolecast.example' },
  replyTo: 'editors@rolecast.example',
  listId: 'weekly.rolecast.example',
  brand: { name: 'Rolecast Weekly' },
  urls: { unsubscribe: 'https://rolecast.example/unsubscribe' },
  unsubscribeMailto: 'unsubscribe@rolecast.example',
} as unknown as ResolvedConfig;

function options(name: string, subject = 'Week 48', cfg: ResolvedConfig = config): SendMailOptions {
  return buildMailOptions(cfg, {
    to: { address: 'ada@example.com', name },
    content: { subject, html: '<p>hi</p>', text: 'hi' },
    links: personalLinks(cfg, 'secret', '2026-W48', 'ada@example.com'),
    messageId: messageIdFor(cfg, '2026-W48', 'ada@example.com'),
    date: new Date('2026-11-26T08:00:00Z'),
  });
}

/** No lone surrogate: the text survives a round trip through UTF-8. */
function isWellFormed(text: string): boolean {
  return Buffer.from(text).toString() === text;
}

/** Every physical line of the header block, as written. */
function headerLines(raw: string | Buffer): string[] {
  const text = raw.toString();
  return text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
}

function toName(to: AddressObject | AddressObject[] | undefined): string | undefined {
  return to && !Array.isArray(to) ? to.value[0]?.name : undefined;
}

/** At most 998 octets; at most 78 unless the line is one unbreakable token (a signed URL). */
function expectShortLines(raw: string | Buffer): void {
  for (const line of headerLines(raw)) {
    expect(Buffer.byteLength(line), line.slice(0, 40)).toBeLessThanOrEqual(998);
    const unbreakable = !/\S \S/.test(line.replace(/^[\w-]+: /, ''));
    if (!unbreakable) expect(Buffer.byteLength(line), line.slice(0, 40)).toBeLessThanOrEqual(78);
    expect(line.trim(), 'a folded line holds more than white space').not.toBe('');
    // RFC 2047 §2: a line holding an encoded word is at most 76 characters.
    if (/=\?[\w-]+\?[BQ]\?/i.test(line)) expect(line.length, line.slice(0, 40)).toBeLessThanOrEqual(76);
  }
}

let server: TestSmtpServer | undefined;
let outbox: string | undefined;
afterEach(async () => {
  await server?.close();
  if (outbox) await rm(outbox, { recursive: true, force: true });
  server = undefined;
  outbox = undefined;
});

describe('header lines', () => {
  const longNames = [
    ['ASCII words', 'Ada Lovelace '.repeat(500).trim()],
    ['one ASCII word', 'x'.repeat(6000)],
    ['quoted ASCII', 'Lovelace, Ada (Countess) '.repeat(240)],
    ['accented', 'Zoë Hartmann '.repeat(470)],
    ['astral characters', '😀'.repeat(3000)],
    ['emoji sequences', '👩‍👩‍👧‍👦'.repeat(1000)],
    ['a letter with thousands of marks', `e${'\u0301'.repeat(6000)}`],
  ] as const;

  it.each(longNames)('caps a long display name (%s) and folds the To line', async (_, name) => {
    const raw = options(name).raw as Buffer;
    expectShortLines(raw);
    const shown = toName((await simpleParser(raw)).to)!;
    expect(Array.from(shown).length).toBeLessThanOrEqual(MAX_DISPLAY_NAME);
    expect(isWellFormed(shown)).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    expect(name.startsWith(shown.slice(0, -1).trimEnd())).toBe(true);
  });

  it('keeps a short name whole', () => {
    expect(truncateName('Ada Lovelace')).toBe('Ada Lovelace');
    expect(truncateName('😀'.repeat(MAX_DISPLAY_NAME))).toBe('😀'.repeat(MAX_DISPLAY_NAME));
  });

  it('cuts between graphemes, never inside a surrogate pair or an emoji sequence', () => {
    const family = '👩‍👩‍👧‍👦';
    const cut = truncateName(family.repeat(40));
    expect(isWellFormed(cut)).toBe(true);
    expect(cut.slice(0, -1)).toBe(family.repeat(Math.floor((MAX_DISPLAY_NAME - 1) / Array.from(family).length)));
  });

  it.each([
    ['spaced words', 'The Weekly Review of Everything '.repeat(100).trim()],
    ['one long word', 'y'.repeat(5000)],
    ['non-ASCII words', 'Überblick über die Woche '.repeat(150).trim()],
  ])('folds a subject built from a long title (%s)', async (_, subject) => {
    const raw = options('Ada', subject).raw as Buffer;
    expectShortLines(raw);
    expect((await simpleParser(raw)).subject).toBe(subject);
  });

  it('refuses a header part that cannot be folded under 998 octets', () => {
    const long = { ...config, urls: { unsubscribe: `https://rolecast.example/${'u'.repeat(1200)}` } } as ResolvedConfig;
    expect(() => options('Ada', 'Week 48', long)).toThrow(RolecastError);
    expect(() => options('Ada', 'Week 48', long)).toThrow(/List-Unsubscribe header/);
  });

  it("checks the run's header values again when the configuration was changed in place", () => {
    const changing = structuredClone(config) as ResolvedConfig;
    expect(() => options('Ada', 'Week 48', changing)).not.toThrow();
    (changing.sender as { name: string }).name = 'Rolecast\r\nBcc: victim@example.test';
    expect(() => options('Ada', 'Week 48', changing)).toThrow(/line break/);
  });

  it('writes the same short lines through the outbox and over SMTP', async () => {
    const name = 'N'.repeat(6000);
    const mail = options(name, 'A subject built from a very long title '.repeat(30));
    outbox = await mkdtemp(join(tmpdir(), 'rolecast-headers-'));
    const files = createOutboxTransport(outbox);
    await files.send(mail);
    await files.close();
    const [file] = await readdir(outbox);
    const written = await readFile(join(outbox, file!));
    expect(written.length).toBeGreaterThan(0);
    expectShortLines(written);

    server = await startSmtpServer();
    const smtp = createSmtpTransport({ url: server.url(), concurrency: 1 });
    await smtp.send(mail);
    await smtp.close();
    const [received] = await server.messages();
    expectShortLines(received!.raw);
    expect(Array.from(toName(received!.parsed.to)!)).toHaveLength(MAX_DISPLAY_NAME);
  });
});

describe('text that looks like an encoded word', () => {
  const lookalikes = [
    '=?utf-8?B?SGFja2Vk?=',
    '=?us-ascii?Q?Mallory?=',
    'Bob =?UTF-8?Q?=E2=80=AE?= Smith',
    '"=?utf-8?B?SGk=?=" <x@evil.example>',
    'Zoë =?iso-8859-1?Q?caf=E9?=',
  ];

  it.each(lookalikes)('shows the display name %j as written', async (name) => {
    const parsed = await simpleParser(options(name).raw as Buffer);
    expect(toName(parsed.to)).toBe(name);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual([
      'ada@example.com',
    ]);
  });

  it.each(lookalikes)('shows the subject %j as written', async (subject) => {
    expect((await simpleParser(options('Ada', subject).raw as Buffer)).subject).toBe(subject);
  });

  it('shows a sender and brand name that look like encoded words as written', async () => {
    const odd = { ...config, sender: { ...config.sender, name: '=?utf-8?B?QWRtaW4=?=' } } as ResolvedConfig;
    const parsed = await simpleParser(options('Ada', 'Week 48', odd).raw as Buffer);
    expect(parsed.from?.value[0]?.name).toBe('=?utf-8?B?QWRtaW4=?=');
  });
});
