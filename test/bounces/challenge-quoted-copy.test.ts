import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * A bounce in plain text often quotes the digest it returns below its own words. A digest may well
 * ask its readers to add the sender to their "approved senders", or speak of "unknown senders" in an
 * article: read as the bounce's own words, that made a real bounce a challenge-response notice, and
 * the dead address went on being mailed.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const DIGEST =
  'Your week in AI\r\n\r\nTo keep this digest out of your spam folder, add digest@rolecast.example to your approved senders.\r\nThis week: why mail filters hold messages from unknown senders.';

const bounce = (from: string, copyMarker: string) =>
  [
    `From: ${from}`,
    'To: digest@rolecast.example',
    'Subject: Undeliverable: Your week in AI',
    'Date: Tue, 01 Dec 2026 09:00:00 +0000',
    `Message-ID: <${copyMarker.length}@mx.corp.example>`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Hi. This is the mail delivery service at mx.corp.example.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    "This is a permanent error; I've given up. Sorry it didn't work out.",
    '',
    '<gone.reader@corp.example>:',
    '550 5.1.1 <gone.reader@corp.example>: Recipient address rejected: User unknown in local recipient table',
    '',
    copyMarker,
    '',
    'From: Rolecast Weekly <digest@rolecast.example>',
    'To: gone.reader@corp.example',
    'Subject: Your week in AI',
    '',
    DIGEST,
    '',
  ].join('\r\n');

describe('a plain-text bounce quoting a digest that speaks of approved or unknown senders', () => {
  it.each([
    ['Delivery Notification <bounces@mx.corp.example>', '--- Below this line is a copy of the message.'],
    [
      'Returned Mail <noreply@mx.corp.example>',
      '------ This is a copy of the message, including all the headers. ------',
    ],
  ])('from %s is read as the bounce it is', (from, marker) => {
    const result = readReport(bounce(from, marker), 'import:x', NOW);
    expect(result.ignored).toBeUndefined();
    expect(result.events.map((e) => [e.address, e.kind])).toEqual([['gone.reader@corp.example', 'hard']]);
  });
});
