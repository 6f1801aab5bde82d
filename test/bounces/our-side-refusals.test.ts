import { describe, expect, it } from 'vitest';
import { classifyFailure, findStatus, readReport } from '../../src/bounces/index.js';

/**
 * Words about the sending side (reverse DNS, SPF, HELO, DKIM, a disabled account…) make a refusal
 * soft: one DNS mistake of ours must not suppress every reader behind that server. They count only
 * as words: inside the reader's address or a host name they say nothing about our side, and a
 * mailbox that does not exist stays a hard bounce.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const kindOf = (reply: string) => classifyFailure(findStatus(reply), reply);

/** A one-recipient delivery status report, as a mail server returns it. */
function statusReport(mta: string, recipient: string, status: string, diagnostic: string): string {
  return [
    `From: Mail Delivery System <MAILER-DAEMON@${mta}>`,
    'To: digest@rolecast.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <returned.1@${mta}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'The message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${mta}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '--b1--',
    '',
  ].join('\r\n');
}

describe('a refusal whose words are about our side, not the reader', () => {
  it.each([
    '550 5.7.1 Client host rejected: reverse DNS record does not exist',
    '451 4.7.1 PTR record does not exist, try again later',
    '554 5.7.1 Service unavailable; sending domain does not exist',
    '550 5.7.0 Local Policy Violation - DKIM key does not exist',
    '550 5.7.1 Your account has been disabled for sending',
    '550 5.1.0 Sender domain bounces.rolecast.example does not exist',
    '550 5.7.1 HELO name mx.rolecast.example does not exist',
    '550 SPF record of rolecast.example does not exist',
    '550 5.7.0 DKIM-Signature key selector does not exist',
  ])('%s is soft', (reply) => {
    expect(kindOf(reply)).toBe('soft');
  });

  it.each([
    '550 5.1.1 User unknown; client host [192.0.2.1]',
    '550 5.1.1 The email account that you tried to reach does not exist',
    '550 Requested action not taken: mailbox does not exist',
    "554 delivery error: dd This user doesn't have a yahoo.com account",
    '421 4.4.2 connection dropped: user unknown',
  ])('%s is still hard', (reply) => {
    expect(kindOf(reply)).toBe('hard');
  });

  it('reads a queue-expired report of a host without reverse DNS as a soft bounce', () => {
    const report = statusReport(
      'mx.rolecast.example',
      'reader@example.net',
      '4.7.1',
      '451 4.7.1 Client host rejected: PTR record does not exist, try again later',
    );
    const { events } = readReport(report, 'import:expired.eml', NOW);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ address: 'reader@example.net', kind: 'soft', status: '4.7.1' });
  });
});

describe('a sending-side word inside an address or host name', () => {
  it.each([
    '550 <spf@example.com>... User unknown',
    '550 <dmarc-reports@example.org>: no such user',
    '554 5.7.1 <reader@helo.example>: Recipient address rejected: Mailbox does not exist',
    '550 Requested action not taken: mailbox ptr.team@example.net does not exist',
    'host mx.dkim-mail.example [192.0.2.7]: 550 No such user',
  ])('%s is hard', (reply) => {
    expect(kindOf(reply)).toBe('hard');
  });

  it('reads a report for a reader whose address holds such a word as a hard bounce', () => {
    const report = statusReport('mx.example.com', 'spf@example.com', '5.0.0', '550 <spf@example.com>... User unknown');
    const { events } = readReport(report, 'import:returned.eml', NOW);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ address: 'spf@example.com', kind: 'hard' });
  });
});
