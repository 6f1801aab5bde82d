import { describe, expect, it } from 'vitest';
import { classifyFailure, findStatus, readReport } from '../../src/bounces/index.js';

/**
 * Words about the sending side (SPF, PTR, HELO, DKIM…) make a refusal soft only when they are
 * words: inside the reader's address or a host name they say nothing about our side, and a mailbox
 * that does not exist stays a hard bounce.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const kindOf = (reply: string) => classifyFailure(findStatus(reply), reply);

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

  it.each([
    '550 5.7.1 Client host rejected: reverse DNS record does not exist',
    '451 4.7.1 PTR record does not exist, try again later',
    '550 5.7.1 HELO name mx.rolecast.example does not exist',
    '550 SPF record of rolecast.example does not exist',
    '550 5.7.0 DKIM-Signature key selector does not exist',
    '550 5.1.0 Sender domain bounces.rolecast.example does not exist',
  ])('%s stays soft', (reply) => {
    expect(kindOf(reply)).toBe('soft');
  });

  it('reads a Sendmail report for a reader whose address holds such a word as a hard bounce', () => {
    const report = [
      'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>',
      'To: digest@rolecast.example',
      'Subject: Returned mail: see transcript for details',
      'Message-ID: <returned.spf@mx.example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'The original message was received, but could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      'Final-Recipient: rfc822; spf@example.com',
      'Action: failed',
      'Status: 5.0.0',
      'Diagnostic-Code: smtp; 550 <spf@example.com>... User unknown',
      '--b1--',
      '',
    ].join('\r\n');
    const { events } = readReport(report, 'import:returned.eml', NOW);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ address: 'spf@example.com', kind: 'hard' });
  });
});
