import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * A delivery report written with one message/delivery-status part per failed recipient (as some
 * gateways split a report of many) was read for its first part alone, so every other dead address
 * went on being mailed. Every status part of the report's own is now read; one inside a message it
 * encloses (a report of a report) still is not.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const group = (i: number) => [
  `Final-Recipient: rfc822; r${i}@example.org`,
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
];

const statusPart = (i: number) => [
  '--b',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example',
  '',
  ...group(i),
  '',
];

function report(parts: string[]): string {
  return [
    'From: MAILER-DAEMON@mx.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <many-parts@mx.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '',
    ...parts,
    '--b--',
    '',
  ].join('\r\n');
}

describe('a delivery report with several status parts', () => {
  it('reads the failed recipient of each of 50 parts', () => {
    const parts = Array.from({ length: 50 }, (_, i) => statusPart(i)).flat();
    const { events } = readReport(report(parts), 'import:x', NOW);
    expect(events.map((e) => [e.address, e.kind])).toEqual(
      Array.from({ length: 50 }, (_, i) => [`r${i}@example.org`, 'hard']),
    );
    expect(new Set(events.map((e) => e.eventId)).size).toBe(50);
  });

  it('reads none of a report it encloses', () => {
    const enclosed = report(statusPart(99))
      .replace(/\bb\b"/, 'inner"')
      .replaceAll('--b', '--inner');
    const parts = [...statusPart(1), '--b', 'Content-Type: message/rfc822', '', enclosed, ''];
    expect(readReport(report(parts), 'import:x', NOW).events.map((e) => e.address)).toEqual(['r1@example.org']);
  });
});
