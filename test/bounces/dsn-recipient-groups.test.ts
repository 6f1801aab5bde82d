import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * RFC 3464 puts a blank line between the fields of each failed recipient, but some servers write
 * them one after the other. Only the first recipient was read: the others' hard bounces were never
 * recorded, and those dead addresses went on being mailed every week.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const dsn = (fields: string[]) =>
  [
    'From: MAILER-DAEMON@mx.example.net',
    'To: digest@rolecast.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <groups.dsn@mx.example.net>',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    ...fields,
    '--b--',
    '',
  ].join('\r\n');

const recipient = (address: string, status: string, words: string) => [
  `Final-Recipient: rfc822; ${address}`,
  'Action: failed',
  `Status: ${status}`,
  `Diagnostic-Code: smtp; ${words}`,
];

const read = (fields: string[]) =>
  readReport(dsn(fields), 'import:x', NOW).events.map((e) => [e.address, e.kind, e.status]);

describe('a delivery report whose recipients have no blank line between them', () => {
  it('reads every recipient, each with its own status', () => {
    expect(
      read([
        'Reporting-MTA: dns; mx.example.net',
        '',
        ...recipient('gone.one@example.org', '5.1.1', '550 5.1.1 user unknown'),
        ...recipient('full.two@example.org', '4.2.2', '452 4.2.2 mailbox full'),
        ...recipient('gone.three@example.org', '5.1.1', '550 5.1.1 no such user'),
      ]),
    ).toEqual([
      ['gone.one@example.org', 'hard', '5.1.1'],
      ['full.two@example.org', 'soft', '4.2.2'],
      ['gone.three@example.org', 'hard', '5.1.1'],
    ]);
  });

  it('reads them also with no blank line after the per-message fields', () => {
    expect(
      read([
        'Reporting-MTA: dns; mx.example.net',
        'Arrival-Date: Mon, 30 Nov 2026 08:00:00 +0000',
        ...recipient('gone.one@example.org', '5.1.1', '550 5.1.1 user unknown'),
        ...recipient('gone.two@example.org', '5.1.1', '550 5.1.1 user unknown'),
      ]),
    ).toEqual([
      ['gone.one@example.org', 'hard', '5.1.1'],
      ['gone.two@example.org', 'hard', '5.1.1'],
    ]);
  });

  it('keeps an Original-Recipient with the Final-Recipient written after it', () => {
    const events = readReport(
      dsn([
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Original-Recipient: rfc822; reader.one@example.org',
        ...recipient('inbox.one@forwarded.example', '5.1.1', '550 5.1.1 user unknown'),
        'Original-Recipient: rfc822; reader.two@example.org',
        ...recipient('inbox.two@forwarded.example', '5.1.1', '550 5.1.1 user unknown'),
        ...recipient('reader.three@example.org', '5.1.1', '550 5.1.1 user unknown'),
      ]),
      'import:x',
      NOW,
    ).events;
    expect(events.map((e) => e.address)).toEqual([
      'reader.one@example.org',
      'reader.two@example.org',
      'reader.three@example.org',
    ]);
  });

  it('reads a report written as RFC 3464 asks exactly as before', () => {
    expect(
      read([
        'Reporting-MTA: dns; mx.example.net',
        '',
        ...recipient('gone.one@example.org', '5.1.1', '550 5.1.1 user unknown'),
        '',
        ...recipient('gone.two@example.org', '5.1.1', '550 5.1.1 user unknown'),
      ]),
    ).toEqual([
      ['gone.one@example.org', 'hard', '5.1.1'],
      ['gone.two@example.org', 'hard', '5.1.1'],
    ]);
  });
});
