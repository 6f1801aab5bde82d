import { expect, it } from 'vitest';
import { applyEvents } from '../../src/bounces/apply.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import { describeImportStores } from '../helpers/bounce-import.js';

/**
 * Amazon SES forwards each bounce and complaint by mail (a report from MAILER-DAEMON@amazonses.com,
 * a complaint from complaints@email-abuse.amazonses.com, whose Message-ID is the event's feedback id)
 * while the same event also reaches serve's SES webhook through SNS. The two were recorded as two
 * events, so `bounces list` and the webhook's counts showed one bounce twice.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const ISSUE = '2026-W48';
const SENDER = 'digest@rolecast.example';
const OPTIONS = { source: 'import:ses', softLimit: 3, now: NOW, sender: SENDER };
const SES_MESSAGE_ID = '0102018c1a2b3c4d-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9-000000';

function feedbackId(n: number): string {
  return `0102018c1f${n}e5d6c-7b8a-4c9d-8e0f-1a2b3c4d5e6f-000000`;
}

/** The report SES mails: a delivery status notification, or a complaint's ARF report. */
function forwarded(kind: 'bounce' | 'complaint' | 'soft', reader: string, id: string): string {
  const original = [
    `From: Digest <${SENDER}>`,
    `To: ${reader}`,
    'Subject: Your weekly digest',
    `Message-ID: <${SES_MESSAGE_ID}@email.amazonses.com>`,
    'Date: Mon, 30 Nov 2026 08:00:00 +0000',
  ].join('\r\n');
  const report =
    kind === 'complaint'
      ? [
          'Content-Type: message/feedback-report',
          '',
          'Feedback-Type: abuse',
          'User-Agent: Yahoo!-Mail-Feedback/2.0',
          'Version: 1',
          `Original-Rcpt-To: ${reader}`,
        ]
      : [
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; a8-26.smtp-out.amazonses.com',
          '',
          `Final-Recipient: rfc822; ${reader}`,
          'Action: failed',
          kind === 'soft' ? 'Status: 5.2.2' : 'Status: 5.1.1',
          kind === 'soft'
            ? 'Diagnostic-Code: smtp; 552 5.2.2 mailbox full'
            : 'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
        ];
  return [
    kind === 'complaint' ? 'From: complaints@email-abuse.amazonses.com' : 'From: MAILER-DAEMON@amazonses.com',
    `To: ${SENDER}`,
    kind === 'complaint' ? 'Subject: Complaint about your message' : 'Subject: Delivery Status Notification (Failure)',
    'Date: Mon, 30 Nov 2026 08:12:46 +0000',
    `Message-ID: <${id}@email.amazonses.com>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=${kind === 'complaint' ? 'feedback-report' : 'delivery-status'}; boundary="b1"`,
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'An error occurred while trying to deliver the mail to the following recipients:',
    reader,
    '--b1',
    ...report,
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    original,
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

/** The same event as SNS delivers it to serve's SES webhook. */
function notification(kind: 'bounce' | 'complaint' | 'soft', reader: string, id: string) {
  const mail = {
    timestamp: '2026-11-30T08:00:00.000Z',
    source: SENDER,
    messageId: SES_MESSAGE_ID,
    destination: [reader],
    commonHeaders: { from: [`Digest <${SENDER}>`], to: [reader], messageId: `<${ISSUE}.${reader}@rolecast.example>` },
  };
  const at = '2026-11-30T08:12:45.000Z';
  if (kind === 'complaint')
    return {
      notificationType: 'Complaint',
      mail,
      complaint: { feedbackId: id, timestamp: at, complainedRecipients: [{ emailAddress: reader }] },
    };
  return {
    notificationType: 'Bounce',
    mail,
    bounce: {
      feedbackId: id,
      bounceType: kind === 'soft' ? 'Transient' : 'Permanent',
      bounceSubType: kind === 'soft' ? 'MailboxFull' : 'General',
      timestamp: at,
      bouncedRecipients: [
        kind === 'soft'
          ? { emailAddress: reader, status: '5.2.2', diagnosticCode: 'smtp; 552 5.2.2 mailbox full' }
          : { emailAddress: reader, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
      ],
    },
  };
}

describeImportStores('an SES event both forwarded by mail and sent to the webhook', (harness) => {
  const webhook = (note: object) =>
    applyEvents(harness().store, readSesNotification(note, NOW), { softLimit: 3, now: NOW, authenticated: true });

  for (const kind of ['bounce', 'complaint', 'soft'] as const) {
    it(`${kind}: the webhook first, then the mail: recorded once`, async () => {
      const h = harness();
      await h.deliver(ISSUE, 'reader@example.org', `<${ISSUE}.reader@example.org@rolecast.example>`);
      expect((await webhook(notification(kind, 'reader@example.org', feedbackId(1)))).map((d) => d.outcome)).toEqual([
        kind === 'soft' ? 'counted' : 'suppressed',
      ]);
      const summary = await h.importMails({ 'a.eml': forwarded(kind, 'reader@example.org', feedbackId(1)) }, OPTIONS);
      expect(summary.decisions.map((d) => d.outcome)).toEqual(['duplicate']);
      expect(await h.store.events()).toHaveLength(1);
    });

    it(`${kind}: the mail first, then the webhook: recorded once`, async () => {
      const h = harness();
      await h.deliver(ISSUE, 'Reader@Example.org');
      const summary = await h.importMails({ 'a.eml': forwarded(kind, 'Reader@Example.org', feedbackId(2)) }, OPTIONS);
      expect(summary.decisions.map((d) => d.outcome)).toEqual([kind === 'soft' ? 'counted' : 'suppressed']);
      expect((await webhook(notification(kind, 'reader@example.org', feedbackId(2)))).map((d) => d.outcome)).toEqual([
        'duplicate',
      ]);
      expect(await h.store.events()).toHaveLength(1);
    });
  }

  it('a complaint whose address the feedback loop redacted is recorded once, whichever comes first', async () => {
    const h = harness();
    await h.deliver(ISSUE, 'reader@example.org', `<${ISSUE}.reader@rolecast.example>`);
    await h.deliver(ISSUE, 'other@example.org', `<${ISSUE}.other@rolecast.example>`);
    const redacted = (reader: string, id: string) =>
      forwarded('complaint', 'redacted@example.org', id).replace(
        `<${SES_MESSAGE_ID}@email.amazonses.com>`,
        `<${ISSUE}.${reader.split('@')[0]}@rolecast.example>`,
      );
    await webhook(notification('complaint', 'reader@example.org', feedbackId(6)));
    const first = await h.importMails({ 'a.eml': redacted('reader@example.org', feedbackId(6)) }, OPTIONS);
    expect(first.decisions.map((d) => d.outcome)).toEqual(['duplicate']);
    const second = await h.importMails({ 'b.eml': redacted('other@example.org', feedbackId(7)) }, OPTIONS);
    expect(second.decisions.map((d) => d.outcome)).toEqual(['suppressed']);
    expect(
      (await webhook(notification('complaint', 'other@example.org', feedbackId(7)))).map((d) => d.outcome),
    ).toEqual(['duplicate']);
    expect((await h.importMails({ 'b.eml': redacted('other@example.org', feedbackId(7)) }, OPTIONS)).decisions).toEqual(
      [expect.objectContaining({ outcome: 'duplicate' })],
    );
    expect((await h.store.events()).map((e) => e.email).sort()).toEqual(['other@example.org', 'reader@example.org']);
  });

  it('another report of the same message from SES, with a feedback id of its own, is another event', async () => {
    const h = harness();
    await h.deliver(ISSUE, 'reader@example.org');
    await webhook(notification('soft', 'reader@example.org', feedbackId(3)));
    const summary = await h.importMails({ 'a.eml': forwarded('soft', 'reader@example.org', feedbackId(4)) }, OPTIONS);
    expect(summary.decisions.map((d) => d.outcome)).toEqual(['counted']);
    expect(await h.store.events()).toHaveLength(2);
  });

  it('a report imported by an earlier release is still the same event when imported again', async () => {
    const h = harness();
    await h.deliver(ISSUE, 'reader@example.org');
    const mail = forwarded('bounce', 'reader@example.org', feedbackId(5));
    await h.importMails({ 'a.eml': mail }, OPTIONS);
    expect((await h.importMails({ 'a.eml': mail }, OPTIONS)).decisions.map((d) => d.outcome)).toEqual(['duplicate']);
  });
});
