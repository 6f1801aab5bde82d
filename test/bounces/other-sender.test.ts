import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyEvents, type BounceEvent, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import { messageIdFor } from '../../src/message-id.js';
import { openLedger } from '../../src/send/ledger.js';
import { mailgunProvider } from '../../src/serve/webhooks/mailgun.js';
import { postmarkProvider } from '../../src/serve/webhooks/postmark.js';
import { sendgridProvider } from '../../src/serve/webhooks/sendgrid.js';
import { sentEntry } from '../helpers/ledger.js';
import { useStateDb } from '../helpers/state-db.js';

/**
 * Without VERP, a report naming one of this list's readers may be about another sender's mail: a
 * shared bounce mailbox, a forwarded report, a provider account another product sends from. What
 * the report quotes of the original (its From, a Message-ID in this list's shape) tells them
 * apart; a report quoting nothing is still taken by the address it names.
 */

const LIST = 'weekly.rolecast.example';
const SENDER = 'digest@rolecast.example';
const ISSUE = '2026-W48';
const READER = 'reader@example.org';
const NOW = new Date('2026-12-01T12:00:00Z');
const ours = { listId: LIST, sender: { email: SENDER } };
const options = { softLimit: 3, now: NOW, listId: LIST, sender: SENDER };

const state = useStateDb('other-sender');

function deliver(messageId: string | null) {
  openLedger(state.db, ISSUE, 'smtp', () => new Date('2026-11-30T08:00:00Z')).record(
    sentEntry(READER, { messageId, response: '250 ok' }),
  );
}

/** A Postfix report of a hard bounce for READER, quoting the original's headers as given. */
function dsn(quoted: string): string {
  return `From: MAILER-DAEMON@mx.shared.example (Mail Delivery System)
To: bounces@shared.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-${Buffer.from(quoted).toString('hex').slice(0, 40)}@mx.shared.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shared.example

Final-Recipient: rfc822; ${READER}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--b
Content-Type: text/rfc822-headers

${quoted}
--b--
`;
}

async function apply(events: BounceEvent[]) {
  const store = sqliteBounceStore(state.db);
  const decisions = await applyEvents(store, events, options);
  return { decisions, suppressed: await store.isSuppressed(READER) };
}

const fromMailbox = (raw: string) => apply(readReport(raw, 'import:test', NOW).events);

describe('reports from a shared mailbox, without VERP', () => {
  it('a bounce of another sender’s mail (its From on another domain) suppresses nobody and says why', async () => {
    deliver(messageIdFor(ours, ISSUE, READER));
    const { decisions, suppressed } = await fromMailbox(
      dsn('From: Billing <invoices@billing.example>\nMessage-ID: <inv-42@billing.example>\nSubject: Your invoice\n'),
    );
    expect(suppressed).toBe(false);
    expect(decisions).toEqual([
      expect.objectContaining({ outcome: 'unmatched', skipped: expect.stringContaining('invoices@billing.example') }),
    ]);
  });

  it('a display name spelling this list’s sender does not make another sender’s mail ours', async () => {
    const { suppressed } = await fromMailbox(dsn(`From: "${SENDER}" <news@other.example>\nSubject: Hello\n`));
    expect(suppressed).toBe(false);
  });

  it('a Message-ID in this list’s shape that no delivery has (another list on the same domain) suppresses nobody', async () => {
    deliver(messageIdFor(ours, ISSUE, READER));
    const otherList = messageIdFor({ listId: 'monthly.rolecast.example', sender: { email: SENDER } }, ISSUE, READER);
    const { decisions, suppressed } = await fromMailbox(dsn(`From: Rolecast <${SENDER}>\nMessage-ID: ${otherList}\n`));
    expect(suppressed).toBe(false);
    expect(decisions[0]).toMatchObject({ outcome: 'unmatched', skipped: expect.stringContaining(otherList) });
  });

  it('a bounce of this list’s mail is still taken: by its Message-ID in the ledger, or its From', async () => {
    deliver(messageIdFor(ours, ISSUE, READER));
    const byId = await fromMailbox(
      dsn(`From: Rolecast <${SENDER}>\nMessage-ID: ${messageIdFor(ours, ISSUE, READER)}\n`),
    );
    expect(byId.decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, issueId: ISSUE });
  });

  it('a bounce quoting this list’s From and a Message-ID a provider rewrote is taken by the address', async () => {
    deliver(null);
    const { decisions } = await fromMailbox(
      dsn(`From: Rolecast <${SENDER.toUpperCase()}>\nMessage-ID: <0100018c.abc@email.amazonses.com>\n`),
    );
    expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER });
  });

  it('the first send’s Message-ID, replaced in the ledger by a --resend, still names its reader and issue', async () => {
    deliver(messageIdFor(ours, ISSUE, READER, 'resend:2026-11-29'));
    const { decisions } = await fromMailbox(dsn(`From: ${SENDER}\nMessage-ID: ${messageIdFor(ours, ISSUE, READER)}\n`));
    expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, issueId: ISSUE });
  });

  it('a bounce quoting nothing of the original is taken by the address, as many real bounces quote nothing', async () => {
    deliver(null);
    const { decisions } = await fromMailbox(dsn('X-Nothing: quoted'));
    expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER });
  });
});

const SENDGRID_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');

describe('provider webhooks', () => {
  const ses = (from: string[]) =>
    readSesNotification(
      {
        notificationType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: READER }],
          timestamp: '2026-12-01T11:00:00Z',
          feedbackId: `fb-${from.join()}`,
          complaintFeedbackType: 'abuse',
        },
        mail: { messageId: 'ses-1', source: 'bounce@amazonses.com', commonHeaders: { from } },
      },
      NOW,
    );

  it('SES: a complaint about mail From another domain on the same account suppresses nobody; ours does', async () => {
    expect((await apply(ses(['Shop <orders@shop.example>']))).suppressed).toBe(false);
    expect((await apply(ses([`Rolecast Weekly <${SENDER}>`]))).suppressed).toBe(true);
  });

  it('Mailgun: a failure of mail From another domain suppresses nobody', async () => {
    const read = (from: string) =>
      mailgunProvider('k', 900).read(
        Buffer.from(
          JSON.stringify({
            'event-data': {
              event: 'failed',
              id: `mg-${from}`,
              recipient: READER,
              severity: 'permanent',
              timestamp: 1764586800,
              'delivery-status': { code: 550, 'enhanced-code': '5.1.1', message: 'User unknown' },
              message: { headers: { from, 'message-id': 'x@mailgun.example' } },
            },
          }),
        ),
        NOW,
      );
    expect((await apply(read('Shop <orders@shop.example>'))).suppressed).toBe(false);
    expect((await apply(read(`Rolecast <${SENDER}>`))).suppressed).toBe(true);
  });

  it('Postmark: a bounce of mail From another domain suppresses nobody', async () => {
    const read = (from: string, id: number) =>
      postmarkProvider('u:p').read(
        Buffer.from(JSON.stringify({ RecordType: 'Bounce', Type: 'HardBounce', ID: id, Email: READER, From: from })),
        NOW,
      );
    expect((await apply(read('orders@shop.example', 1))).suppressed).toBe(false);
    expect((await apply(read(SENDER, 2))).suppressed).toBe(true);
  });

  it('SendGrid: a Message-ID in this list’s shape no delivery has suppresses nobody; SendGrid’s own id proves nothing', async () => {
    deliver(messageIdFor(ours, ISSUE, READER));
    const read = (smtpId: string, id: string) =>
      sendgridProvider(SENDGRID_KEY, 900).read(
        Buffer.from(JSON.stringify([{ event: 'spamreport', sg_event_id: id, email: READER, 'smtp-id': smtpId }])),
        NOW,
      );
    const otherList = messageIdFor({ listId: 'monthly.rolecast.example', sender: { email: SENDER } }, ISSUE, READER);
    expect((await apply(read(otherList, 'sg-1'))).suppressed).toBe(false);
    expect((await apply(read('<14c5d75ce93.dfd.64b469@ismtpd-555>', 'sg-2'))).suppressed).toBe(true);
  });
});
