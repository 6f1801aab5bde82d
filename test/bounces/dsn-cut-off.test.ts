import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * A delivery report cut off after a recipient's Final-Recipient (a truncated message, a broken or
 * hostile server: anyone can mail the bounce mailbox) says nothing about that recipient: no Action,
 * no Status, no server's words. It was counted as a soft bounce, so a few such reports reached
 * bounces.softLimit and suppressed a reader whose mailbox is fine.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const dsn = (fields: string[]) =>
  [
    'From: MAILER-DAEMON@mx.example.net',
    'To: digest@rolecast.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <cut.${fields.length}@mx.example.net>`,
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    ...fields,
  ].join('\r\n');

describe('a delivery report recipient with nothing but its address', () => {
  it('is no bounce at all', () => {
    const result = readReport(dsn(['Final-Recipient: rfc822; fine.reader@example.org', '']), 'import:x', NOW);
    expect(result.events).toEqual([]);
    expect(result.ignored).toBeDefined();
  });

  it('leaves the other recipients of the report as they are', () => {
    const result = readReport(
      dsn([
        'Final-Recipient: rfc822; gone.reader@example.org',
        'Action: failed',
        'Status: 5.1.1',
        '',
        'Final-Recipient: rfc822; fine.reader@example.org',
        '',
      ]),
      'import:x',
      NOW,
    );
    expect(result.events.map((e) => [e.address, e.kind])).toEqual([['gone.reader@example.org', 'hard']]);
  });

  it.each([
    ['a permanent status alone', ['Status: 5.1.1'], 'hard'],
    ['the server words alone', ['Diagnostic-Code: smtp; 550 5.1.1 user unknown'], 'hard'],
    ['Action failed alone', ['Action: failed'], 'soft'],
  ])('with %s is still read as a failure', (_, fields, kind) => {
    const result = readReport(
      dsn(['Final-Recipient: rfc822; gone.reader@example.org', ...fields, '']),
      'import:x',
      NOW,
    );
    expect(result.events.map((e) => [e.address, e.kind])).toEqual([['gone.reader@example.org', kind]]);
  });
});
