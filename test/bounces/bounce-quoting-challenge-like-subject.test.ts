import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * A postmaster's (or a company gateway's) plain-text bounce names the digest it returns, in its
 * subject and its text. An issue whose subject an editor wrote about mail security ("Approved
 * senders, unknown senders and DMARC") read as a challenge-response filter's ask, and the dead
 * mailbox's bounce was skipped: the reader went on being mailed. Only the notice's own words are
 * judged; a challenge still is one when the digest it names is quoted too.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const READER = 'gone@corp.example';
const DIGEST = 'This week: approved senders, unknown senders and DMARC';

const message = (from: string, subject: string, body: string, extra: string[] = []) =>
  [
    `From: ${from}`,
    'To: digest-bounces@rolecast.example',
    `Subject: ${subject}`,
    'Date: Tue, 01 Dec 2026 09:00:00 +0000',
    `Message-ID: <${subject.length}.${body.length}@corp.example>`,
    ...extra,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    body,
    '',
  ].join('\r\n');

const bounce = `Delivery has failed to these recipients:\r\n\r\n${READER}\r\nThe mailbox is unknown: the e-mail address you entered could not be found.`;

describe('a bounce naming a digest whose subject reads like a challenge', () => {
  it.each([
    [
      'quoted in a Subject: line',
      'Postmaster <postmaster@corp.example>',
      `Undeliverable: ${DIGEST}`,
      `${bounce}\r\n\r\nSubject: ${DIGEST}\r\nSent: Mon, 30 Nov 2026 08:00:00 +0000`,
    ],
    [
      'quoted below "Original Message"',
      'postmaster@corp.example',
      'Undeliverable: Your week in AI',
      `${bounce}\r\n\r\n----- Original Message -----\r\n\r\nThis week: approved senders only, and how unknown senders get through.`,
    ],
    [
      'from a gateway that is no mailer daemon',
      '"Corp Mail Gateway" <gateway@corp.example>',
      `Returned mail: ${DIGEST}`,
      `${bounce}\r\n\r\n> Subject: ${DIGEST}`,
    ],
  ])('%s is a hard bounce of its reader', (_, from, subject, body) => {
    const result = readReport(message(from, subject, body), 'import:x', NOW);
    expect(result.ignored).toBeUndefined();
    expect(result.events).toMatchObject([{ address: READER, kind: 'hard' }]);
  });

  it('is still a challenge when the notice asks it in its own words', () => {
    const result = readReport(
      message(
        'postmaster@corp.example',
        `Message not delivered: ${DIGEST}`,
        `Your message to ${READER} is held. Please confirm you are a person at https://corp.example/cr/1\r\n\r\nSubject: ${DIGEST}`,
      ),
      'import:x',
      NOW,
    );
    expect(result.events).toEqual([]);
    expect(result.ignored).toMatch(/challenge/);
  });
});
