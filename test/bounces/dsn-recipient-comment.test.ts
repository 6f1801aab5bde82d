import { expect, it } from 'vitest';
import { describeImportStores } from '../helpers/bounce-import.js';

/**
 * A delivery report may write a comment after the recipient (RFC 5322 allows one in an address):
 * `Final-Recipient: rfc822; <gone@example.org> (user unknown)`. Read with its comment, the address
 * was no address at all, the report named no recipient and the dead mailbox went on being mailed.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const ISSUE = '2026-W48';
const SENDER = 'digest@rolecast.example';
const READER = 'gone.reader@example.org';

function report(fields: string[]): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    'To: digest@rolecast.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 30 Nov 2026 08:12:45 +0000',
    `Message-ID: <comment-${fields.join('').length}@mx.example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="c1"',
    '',
    '--c1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    '--c1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    ...fields,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <gone.reader@example.org>: Recipient address rejected: User unknown',
    '',
    '--c1',
    'Content-Type: text/rfc822-headers',
    '',
    `From: Rolecast Weekly <${SENDER}>`,
    `To: ${READER}`,
    'Subject: Your weekly digest',
    'Message-ID: <w48.gone@rolecast.example>',
    '',
    '--c1--',
    '',
  ].join('\r\n');
}

describeImportStores('a delivery report whose recipient carries a comment', (harness) => {
  it.each([
    ['in angle brackets', [`Final-Recipient: rfc822; <${READER}> (user unknown)`]],
    ['without brackets', [`Final-Recipient: rfc822; ${READER} (mailbox gone)`]],
    [
      'on Original-Recipient as well',
      [`Original-Recipient: rfc822;<${READER}>  (as addressed)`, `Final-Recipient: rfc822; <${READER}> (alias)`],
    ],
  ])('suppresses the reader it names (%s)', async (_, fields) => {
    const h = harness();
    await h.deliver(ISSUE, READER, '<w48.gone@rolecast.example>');
    const options = { source: 'import:dsn', softLimit: 3, now: NOW, sender: SENDER };
    const summary = await h.importMails({ 'a.eml': report(fields) }, options);
    expect(summary.decisions).toEqual([
      expect.objectContaining({ outcome: 'suppressed', kind: 'hard', email: READER, issueId: ISSUE }),
    ]);
    expect(await h.store.isSuppressed(READER)).toBe(true);
  });

  it('still names no recipient for a comment alone', async () => {
    const h = harness();
    await h.deliver(ISSUE, READER, '<w48.gone@rolecast.example>');
    const options = { source: 'import:dsn', softLimit: 3, now: NOW, sender: SENDER };
    const summary = await h.importMails({ 'a.eml': report(['Final-Recipient: rfc822; (unknown)']) }, options);
    expect(summary.decisions.filter((d) => d.outcome === 'suppressed')).toEqual([]);
    expect(await h.store.isSuppressed(READER)).toBe(false);
  });
});
