import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * Plain-text bounces that list the failed addresses under a heading, with no machine-readable part:
 * Sendmail's "The following addresses had permanent fatal errors" (sent where DSNs are turned off),
 * Gmail's older "Delivery to the following recipient failed permanently", and Lotus Domino's "was
 * not delivered to: … because: …". None was read: a report naming two addresses, or quoting the
 * digest it returns, names more than one address, so even its words were not taken, and those dead
 * mailboxes went on being mailed every issue.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const message = (from: string, subject: string, body: string[]) =>
  [
    `From: ${from}`,
    'To: digest-bounces@rolecast.example',
    `Subject: ${subject}`,
    `Message-ID: <${subject.length}.${body.length}@mx.example.net>`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    ...body,
    '',
  ].join('\r\n');

const read = (raw: string) => {
  const { events, ignored } = readReport(raw, 'import:x', NOW);
  return { found: events.map((e) => [e.address, e.kind, e.status ?? null]), ignored };
};

/** Lotus Domino's opening, down to the one address it lists. */
const DOMINO_LIST = [
  'Your message',
  '',
  '  Subject: This week',
  '',
  'was not delivered to:',
  '',
  '  gone@corp.example',
  '',
];

const COPY = ['From: Digest <digest@rolecast.example>', 'To: gone@example.org', 'Subject: This week', '', 'Hello'];

describe('a plain-text bounce listing the failed addresses under a heading', () => {
  it("reads Sendmail's permanent fatal errors, each address with its own reason", () => {
    const raw = message(
      'Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>',
      'Returned mail: see transcript for details',
      [
        'The original message was received at Mon, 30 Nov 2026 08:00:00 +0000',
        '',
        '   ----- The following addresses had permanent fatal errors -----',
        '<gone@example.org>',
        '    (reason: 550 5.1.1 User unknown)',
        '<full@example.org>',
        '    (reason: 552 5.2.2 Mailbox full)',
        '',
        '   ----- Transcript of session follows -----',
        '... while talking to mx.example.org.:',
        '>>> RCPT To:<gone@example.org>',
        '<<< 550 5.1.1 User unknown',
        '',
        '   ----- Original message follows -----',
        ...COPY,
      ],
    );
    expect(read(raw).found).toEqual([
      ['gone@example.org', 'hard', '5.1.1'],
      ['full@example.org', 'soft', '5.2.2'],
    ]);
  });

  it("does not read Sendmail's transient errors, which are still being retried", () => {
    const raw = message(
      'Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>',
      'Returned mail: see transcript for details',
      [
        '   ----- The following addresses had transient non-fatal errors -----',
        '<slow@example.org>',
        '    (reason: 451 4.4.1 reply: read error from mx.example.org.)',
        '',
        '   ----- Original message follows -----',
        ...COPY,
      ],
    );
    expect(read(raw).found).toEqual([]);
  });

  it("reads Gmail's older permanent failure, the reason from its technical details", () => {
    const raw = message(
      'Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
      'Delivery Status Notification (Failure)',
      [
        'Delivery to the following recipient failed permanently:',
        '',
        '     gone@example.org',
        '',
        'Technical details of permanent failure:',
        'Google tried to deliver your message, but it was rejected by the server for the recipient domain example.org by mx.example.org. [192.0.2.1].',
        '',
        'The error that the other server returned was:',
        '550-5.1.1 The email account that you tried to reach does not exist.',
        '',
        '----- Original message -----',
        '',
        ...COPY,
      ],
    );
    expect(read(raw).found).toEqual([['gone@example.org', 'hard', '5.1.1']]);
  });

  it("reads Lotus Domino's report of a user not listed in its directory", () => {
    const raw = message(
      'Postmaster@corp.example',
      'DELIVERY FAILURE: User gone (gone@corp.example) not listed in Domino Directory',
      [...DOMINO_LIST, 'because:', '', '  User gone (gone@corp.example) not listed in Domino Directory', '', ...COPY],
    );
    expect(read(raw).found).toEqual([['gone@corp.example', 'hard', null]]);
  });

  it('ends the list at the text below it: an address given there to write to for help did not fail', () => {
    const raw = message('Postmaster@corp.example', 'DELIVERY FAILURE: User gone not listed', [
      ...DOMINO_LIST,
      'User gone (gone@corp.example) is not listed in Domino Directory.',
      '',
      'For help, write to',
      '  helpdesk@corp.example',
      '',
    ]);
    expect(read(raw).found).toEqual([['gone@corp.example', 'hard', null]]);
  });
});
