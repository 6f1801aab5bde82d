import { describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore, verpAddress } from '../../src/bounces/index.js';
import { useStateDb } from '../helpers/state-db.js';

/**
 * A report of a report: a delivery report sent to a reader's VERP address that could not be handed
 * to this list's bounce mailbox comes back to the mail system's postmaster, often the same mailbox,
 * as a report whose failed recipient is that VERP address. Its status is about our own mailbox, yet
 * the token named the reader, who was suppressed for good as a hard bounce, though the report it
 * encloses only said their message was delayed. Such a report is now skipped and named.
 */

const SECRET = 'report-of-a-report-secret-0123456789';
const DOMAIN = 'bounces.rolecast.example';
const LIST = 'weekly.rolecast.example';
const ISSUE = '2026-W48';
const READER = 'busy.reader@example.org';
const NOW = new Date('2026-12-01T12:00:00Z');
const state = useStateDb('report-of-a-report');

const dsn = (boundary: string, to: string, recipient: string, fields: string[], enclosed: string) =>
  [
    'From: MAILER-DAEMON@mx.example.net',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <${boundary}@mx.example.net>`,
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    ...fields,
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    '',
    enclosed,
    `--${boundary}--`,
    '',
  ].join('\r\n');

describe('a delivery report whose failed recipient is our own VERP address', () => {
  it('suppresses nobody and says why, while the reader is still taken by a report about them', async () => {
    state.db
      .prepare(
        "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, updated_at) VALUES (?, 'smtp', ?, 'cto', 'sent', '2026-11-30T08:00:00.000Z')",
      )
      .run(ISSUE, READER);
    const verp = verpAddress(DOMAIN, SECRET, ISSUE, READER, LIST);
    const digest = [
      `Return-Path: <${verp}>`,
      'From: Digest <digest@rolecast.example>',
      `To: ${READER}`,
      '',
      'Hello',
    ].join('\r\n');
    const delayed = dsn('inner', verp, READER, ['Action: delayed', 'Status: 4.2.2'], digest);
    const reportOfReport = dsn(
      'outer',
      'postmaster@rolecast.example',
      verp,
      ['Action: failed', 'Status: 5.1.1'],
      delayed,
    );
    const store = sqliteBounceStore(state.db);
    const options = { secret: SECRET, verpDomain: DOMAIN, listId: LIST, softLimit: 3, now: NOW };

    const [decision] = await applyEvents(store, readReport(reportOfReport, 'import:x', NOW).events, options);
    expect(decision).toMatchObject({ outcome: 'unmatched' });
    expect(decision?.outcome === 'unmatched' && decision.skipped).toContain('bounce address');
    expect(await store.isSuppressed(READER)).toBe(false);

    const gone = dsn('real', verp, READER, ['Action: failed', 'Status: 5.1.1'], digest);
    const [taken] = await applyEvents(store, readReport(gone, 'import:x', NOW).events, options);
    expect(taken).toMatchObject({ outcome: 'suppressed', email: READER, kind: 'hard' });
  });
});
