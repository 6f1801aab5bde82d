import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import { describeImportStores } from '../helpers/bounce-import.js';

/**
 * SES passes on the Feedback-Type of the report a mailbox provider sent it as the complaint's
 * `complaintFeedbackType`: `abuse` or `fraud` for a reader's spam complaint, but also
 * `auth-failure` (a DMARC or DKIM failure report), `virus` and `other`, which say nothing about the
 * reader wanting no more mail. The same report mailed as ARF was skipped, while the SES webhook and
 * an SES notification mailed by SNS suppressed the reader as a complaint and counted it in the
 * complaint rate: one broken DKIM key would suppress every reader of a mailbox provider.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const ISSUE = '2026-W48';
const LIST = 'weekly.rolecast.example';
const SENDER = 'digest@rolecast.example';
const READER = 'reader@example.org';

function complaint(feedbackType: string | undefined, reader = READER) {
  return {
    notificationType: 'Complaint',
    mail: {
      timestamp: '2026-11-30T08:12:40.000Z',
      source: SENDER,
      messageId: '0100018c-1-000000',
      destination: [reader],
      commonHeaders: { from: [`Digest <${SENDER}>`], to: [reader], messageId: '<m1@rolecast.example>' },
    },
    complaint: {
      feedbackId: `fb-${feedbackType ?? 'none'}-${reader}`,
      timestamp: '2026-11-30T08:12:45.000Z',
      complainedRecipients: [{ emailAddress: reader }],
      ...(feedbackType === undefined ? {} : { complaintFeedbackType: feedbackType }),
    },
  };
}

function snsMail(note: object): string {
  return [
    'From: AWS Notifications <no-reply@sns.amazonaws.com>',
    'To: feedback@rolecast.example',
    'Subject: AWS Notification Message',
    'Date: Mon, 30 Nov 2026 08:12:46 +0000',
    `Message-ID: <${JSON.stringify(note).length}@email.amazonses.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    JSON.stringify(note),
    '',
    '--',
    'If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:',
    '',
  ].join('\r\n');
}

describe('an SES complaint by its feedback type', () => {
  it.each(['auth-failure', 'virus', 'other', 'Auth-Failure'])(
    '%s is no spam complaint, by webhook or by mail',
    (type) => {
      expect(readSesNotification(complaint(type), NOW)).toEqual([]);
      expect(readReport(snsMail(complaint(type)), 'import:x', NOW)).toEqual({
        events: [],
        ignored: `an Amazon SES complaint notification of feedback type ${type}, not a spam complaint`,
      });
    },
  );

  it.each([['abuse'], ['fraud'], ['ABUSE'], [''], [undefined]])('%s is a complaint', (type) => {
    expect(readSesNotification(complaint(type), NOW).map((e) => [e.address, e.kind])).toEqual([[READER, 'complaint']]);
  });
});

describeImportStores('bounces import of SES complaints that are no spam complaint', (harness) => {
  it('leaves the reader subscribed', async () => {
    const h = harness();
    await h.deliver(ISSUE, READER);
    await h.deliver(ISSUE, 'other@example.org');
    const summary = await h.importMails(
      { 'a.eml': snsMail(complaint('auth-failure')), 'b.eml': snsMail(complaint('abuse', 'other@example.org')) },
      { source: 'import:ses', softLimit: 3, now: NOW, listId: LIST, sender: SENDER },
    );
    expect(summary.decisions.map((d) => d.outcome)).toEqual(['suppressed']);
    expect(summary.ignored.map((i) => i.reason)).toEqual([
      'an Amazon SES complaint notification of feedback type auth-failure, not a spam complaint',
    ]);
    expect(await h.store.isSuppressed(READER)).toBe(false);
    expect(await h.store.isSuppressed('other@example.org')).toBe(true);
  });
});
