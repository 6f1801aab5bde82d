import { beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, type BounceEvent, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import { messageIdFor } from '../../src/message-id.js';
import { openLedger } from '../../src/send/ledger.js';
import { postmarkProvider } from '../../src/serve/webhooks/postmark.js';
import { sentEntry } from '../helpers/ledger.js';
import { useStateDb } from '../helpers/state-db.js';

/**
 * A list whose sender moved to another domain still gets reports about the mail it sent from the
 * old one: a complaint can come weeks after the message. The ledger's Message-IDs carry the domain
 * each message went out from, so a quoted From on that domain is this list's mail to that reader.
 */

const LIST = 'weekly.rolecast.example';
const OLD_SENDER = 'digest@old-rolecast.example';
const NEW_SENDER = 'digest@rolecast.example';
const ISSUE = '2026-W47';
const READER = 'reader@example.org';
const NOW = new Date('2026-12-01T12:00:00Z');
const options = { softLimit: 3, now: NOW, listId: LIST, sender: NEW_SENDER };

const state = useStateDb('sender-moved');

beforeEach(() => {
  // The issue went out from the old sender.
  openLedger(state.db, ISSUE, 'smtp', () => new Date('2026-11-23T08:00:00Z')).record(
    sentEntry(READER, {
      messageId: messageIdFor({ listId: LIST, sender: { email: OLD_SENDER } }, ISSUE, READER),
      response: '250 ok',
    }),
  );
});

async function apply(events: BounceEvent[]) {
  const store = sqliteBounceStore(state.db);
  const decisions = await applyEvents(store, events, options);
  return { decisions, suppressed: await store.isSuppressed(READER) };
}

describe('reports about mail sent before the sender moved to another domain', () => {
  it('SES: a complaint quoting the old sender’s From (SES wrote its own Message-ID) suppresses the reader', async () => {
    const events = readSesNotification(
      {
        notificationType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: READER }],
          timestamp: '2026-12-01T11:00:00Z',
          feedbackId: 'fb-1',
          complaintFeedbackType: 'abuse',
        },
        mail: {
          messageId: '0100018c-ses',
          source: OLD_SENDER,
          commonHeaders: {
            from: [`Rolecast <${OLD_SENDER.toUpperCase()}>`],
            messageId: '<0100018c-ses@email.amazonses.com>',
          },
        },
      },
      NOW,
    );
    const { decisions, suppressed } = await apply(events);
    expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, kind: 'complaint' });
    expect(suppressed).toBe(true);
  });

  it('Postmark: a spam complaint with the old sender as From suppresses the reader', async () => {
    const events = postmarkProvider('u:p').read(
      Buffer.from(
        JSON.stringify({ RecordType: 'SpamComplaint', Type: 'SpamComplaint', ID: 7, Email: READER, From: OLD_SENDER }),
      ),
      NOW,
    );
    expect((await apply(events)).suppressed).toBe(true);
  });

  it('a bounce from a mailbox quoting the old From and a rewritten Message-ID suppresses the reader', async () => {
    const raw = `From: MAILER-DAEMON@mx.example.org
To: bounces@rolecast.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; ${READER}
Action: failed
Status: 5.1.1

--b
Content-Type: text/rfc822-headers

From: Rolecast <${OLD_SENDER}>
Message-ID: <rewritten-1@relay.example.net>
--b--
`;
    expect((await apply(readReport(raw, 'import:test', NOW).events)).suppressed).toBe(true);
  });

  it('mail From a domain this list never sent that reader from is still skipped', async () => {
    const events = postmarkProvider('u:p').read(
      Buffer.from(
        JSON.stringify({
          RecordType: 'SpamComplaint',
          Type: 'SpamComplaint',
          ID: 8,
          Email: READER,
          From: 'orders@shop.example',
        }),
      ),
      NOW,
    );
    const { decisions, suppressed } = await apply(events);
    expect(suppressed).toBe(false);
    expect(decisions[0]).toMatchObject({
      outcome: 'unmatched',
      skipped: expect.stringContaining('orders@shop.example'),
    });
  });
});
