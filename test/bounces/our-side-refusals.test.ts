import { describe, expect, it } from 'vitest';
import { classifyFailure, findStatus, readReport } from '../../src/bounces/index.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const kindOf = (reply: string) => classifyFailure(findStatus(reply), reply);

describe('a refusal whose words are about our side, not the reader', () => {
  it.each([
    '550 5.7.1 Client host rejected: reverse DNS record does not exist',
    '451 4.7.1 PTR record does not exist, try again later',
    '554 5.7.1 Service unavailable; sending domain does not exist',
    '550 5.7.0 Local Policy Violation - DKIM key does not exist',
    '550 5.7.1 Your account has been disabled for sending',
    '550 5.1.0 Sender domain bounces.rolecast.example does not exist',
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
    const report = [
      'From: MAILER-DAEMON@mx.rolecast.example (Mail Delivery System)',
      'To: digest@rolecast.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <expired.1@mx.rolecast.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'I gave up: the message was deferred too long.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.rolecast.example',
      '',
      'Final-Recipient: rfc822; reader@example.net',
      'Action: failed',
      'Status: 4.7.1',
      'Diagnostic-Code: smtp; 451 4.7.1 Client host rejected: PTR record does not exist, try again later',
      '--b1--',
      '',
    ].join('\r\n');
    const { events } = readReport(report, 'import:expired.eml', NOW);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ address: 'reader@example.net', kind: 'soft', status: '4.7.1' });
  });
});
