import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import { verpAddress } from '../../src/bounces/verp.js';
import { describeImportStores } from '../helpers/bounce-import.js';

/**
 * An SNS topic of SES bounce and complaint notifications with an email subscription mails each
 * notification's JSON ("AWS Notification Message" from no-reply@sns.amazonaws.com), the only way
 * some lists get them. bounces import read such a mail as "not a delivery report", so the dead
 * mailboxes and the readers who complained went on being mailed.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const ISSUE = '2026-W48';
const LIST = 'weekly.rolecast.example';
const SENDER = 'digest@rolecast.example';
const VERP = { domain: 'bounces.rolecast.example', secret: 'ses-mail-secret' };

function notification(type: 'Bounce' | 'Complaint' | 'Delivery', reader: string, source = SENDER) {
  const mail = {
    timestamp: '2026-11-30T08:12:40.000Z',
    source,
    messageId: `0100018c-${reader.length}-000000`,
    destination: [reader],
    commonHeaders: { from: [`Digest <${SENDER}>`], to: [reader], messageId: '<m1@rolecast.example>' },
  };
  const at = '2026-11-30T08:12:45.000Z';
  if (type === 'Delivery') return { notificationType: type, mail, delivery: { timestamp: at, recipients: [reader] } };
  if (type === 'Complaint')
    return {
      notificationType: type,
      mail,
      complaint: { feedbackId: `fb-c-${reader}`, timestamp: at, complainedRecipients: [{ emailAddress: reader }] },
    };
  return {
    notificationType: type,
    mail,
    bounce: {
      feedbackId: `fb-b-${reader}`,
      bounceType: 'Permanent',
      bounceSubType: 'General',
      timestamp: at,
      bouncedRecipients: [{ emailAddress: reader, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    },
  };
}

/** The mail SNS sends: protocol Email (the JSON, then its footer) or Email-JSON (its signed envelope). */
function snsMail(note: object, protocol: 'email' | 'email-json' = 'email'): string {
  const message = JSON.stringify(note);
  const body =
    protocol === 'email'
      ? [
          message,
          '',
          '--',
          'If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:',
          'https://sns.us-east-1.amazonaws.com/unsubscribe.html?SubscriptionArn=arn:aws:sns:us-east-1:123456789012:ses-feedback:1&Endpoint=feedback@rolecast.example',
          '',
          'Please do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support',
        ].join('\r\n')
      : JSON.stringify({
          Type: 'Notification',
          MessageId: 'b3c1a2d4-0000-4000-8000-000000000001',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-feedback',
          Message: message,
          Timestamp: '2026-11-30T08:12:46.000Z',
          SignatureVersion: '1',
          Signature: 'c2lnbmF0dXJl',
          SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem',
          UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
        });
  return [
    'From: AWS Notifications <no-reply@sns.amazonaws.com>',
    'To: feedback@rolecast.example',
    'Subject: AWS Notification Message',
    'Date: Mon, 30 Nov 2026 08:12:46 +0000',
    `Message-ID: <0100018c-${message.length}-${protocol}@email.amazonses.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    body,
    '',
  ].join('\r\n');
}

const read = (raw: string) => readReport(raw, 'import:x', NOW);

describe('an SES notification mailed by an SNS email subscription', () => {
  for (const protocol of ['email', 'email-json'] as const) {
    it(`${protocol}: a permanent bounce is a hard bounce of the address it names, with SES's words`, () => {
      const { events, ignored } = read(snsMail(notification('Bounce', 'gone@example.org'), protocol));
      expect(ignored).toBeUndefined();
      expect(events.map((e) => [e.address, e.kind, e.status, e.diagnostic, e.source])).toEqual([
        ['gone@example.org', 'hard', '5.1.1', 'smtp; 550 5.1.1 user unknown', 'import:x'],
      ]);
    });

    it(`${protocol}: a complaint is a complaint, with the id serve's SES webhook gives the same notification`, () => {
      const note = notification('Complaint', 'reader@example.org');
      const { events } = read(snsMail(note, protocol));
      expect(events.map((e) => [e.address, e.kind])).toEqual([['reader@example.org', 'complaint']]);
      expect(events.map((e) => e.eventId)).toEqual(readSesNotification(note, NOW).map((e) => e.eventId));
    });
  }

  it('a delivery notification is skipped and named', () => {
    expect(read(snsMail(notification('Delivery', 'reader@example.org')))).toEqual({
      events: [],
      ignored: 'an Amazon SES Delivery notification, not a bounce or complaint',
    });
  });
});

describeImportStores('bounces import of SES notifications by mail', (harness) => {
  const run = (mails: Record<string, string>, verp = false) => {
    const options = { source: 'import:ses', softLimit: 3, now: NOW, listId: LIST, sender: SENDER };
    return harness().importMails(mails, verp ? { ...options, verpDomain: VERP.domain, secret: VERP.secret } : options);
  };

  it('suppresses the reader a bounce or complaint names, once when both forms of one notification come', async () => {
    const h = harness();
    await h.deliver(ISSUE, 'gone@example.org');
    await h.deliver(ISSUE, 'reader@example.org');
    const bounce = notification('Bounce', 'gone@example.org');
    const summary = await run({
      'a.eml': snsMail(bounce),
      'b.eml': snsMail(bounce, 'email-json'),
      'c.eml': snsMail(notification('Complaint', 'reader@example.org')),
    });
    expect(summary.ignored).toEqual([]);
    expect(summary.decisions.map((d) => d.outcome)).toEqual(['suppressed', 'duplicate', 'suppressed']);
    expect(await h.store.isSuppressed('gone@example.org')).toBe(true);
    expect(await h.store.isSuppressed('reader@example.org')).toBe(true);
    expect((await h.store.events()).map((e) => [e.email, e.kind, e.issueId, e.source])).toEqual(
      expect.arrayContaining([
        ['gone@example.org', 'hard', ISSUE, 'import:ses'],
        ['reader@example.org', 'complaint', ISSUE, 'import:ses'],
      ]),
    );
  });

  it('with VERP, believes the VERP address SES gives as its source, and never a notification without one', async () => {
    const h = harness();
    await h.deliver(ISSUE, 'gone@example.org');
    await h.deliver(ISSUE, 'reader@example.org');
    const verp = verpAddress(VERP.domain, VERP.secret, ISSUE, 'gone@example.org', LIST);
    const summary = await run(
      {
        'real.eml': snsMail(notification('Bounce', 'gone@example.org', verp)),
        'forged.eml': snsMail(notification('Complaint', 'reader@example.org')),
      },
      true,
    );
    expect(summary.decisions.map((d) => d.outcome).sort()).toEqual(['suppressed', 'unmatched']);
    expect(await h.store.isSuppressed('gone@example.org')).toBe(true);
    expect(await h.store.isSuppressed('reader@example.org')).toBe(false);
  });

  it("with VERP, believes an original's Return-Path among its headers only when its token verifies", async () => {
    const h = harness();
    await h.deliver(ISSUE, 'gone@example.org');
    await h.deliver(ISSUE, 'reader@example.org');
    const withReturnPath = (reader: string, returnPath: string) => {
      const note = notification('Complaint', reader);
      return snsMail({ ...note, mail: { ...note.mail, headers: [{ name: 'Return-Path', value: `<${returnPath}>` }] } });
    };
    const summary = await run(
      {
        'forged.eml': withReturnPath('reader@example.org', `bounces+${'a'.repeat(24)}@${VERP.domain}`),
        'real.eml': withReturnPath(
          'gone@example.org',
          verpAddress(VERP.domain, VERP.secret, ISSUE, 'gone@example.org', LIST),
        ),
      },
      true,
    );
    expect(summary.decisions.map((d) => d.outcome).sort()).toEqual(['suppressed', 'unmatched']);
    expect(await h.store.isSuppressed('gone@example.org')).toBe(true);
    expect(await h.store.isSuppressed('reader@example.org')).toBe(false);
  });
});
