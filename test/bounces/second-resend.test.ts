import { describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { messageIdFor } from '../../src/message-id.js';
import { openLedger } from '../../src/send/ledger.js';
import { sentEntry } from '../helpers/ledger.js';
import { useStateDb } from '../helpers/state-db.js';

/**
 * Each --resend gives its copies a fresh Message-ID and the ledger keeps the last one only. After
 * a second --resend, a complaint about the first resend's copy quotes a Message-ID the ledger no
 * longer holds and nobody can work out again: it is still this list's mail to that reader.
 */

const LIST = 'weekly.rolecast.example';
const SENDER = 'digest@rolecast.example';
const ISSUE = '2026-W48';
const READER = 'reader@example.org';
const NOW = new Date('2026-12-01T12:00:00Z');
const ours = { listId: LIST, sender: { email: SENDER } };
const options = { softLimit: 3, now: NOW, listId: LIST, sender: SENDER };

const state = useStateDb('second-resend');

function deliver(email: string, messageId: string) {
  openLedger(state.db, ISSUE, 'smtp', () => new Date('2026-11-30T08:00:00Z')).record(
    sentEntry(email, { messageId, response: '250 ok' }),
  );
}

/** An ARF complaint quoting the original's headers, naming no recipient. */
const complaint = (messageId: string, address = '') => `From: fbl@isp.example
Subject: Abuse report
Content-Type: multipart/report; report-type=feedback-report; boundary="a"

--a
Content-Type: message/feedback-report

Feedback-Type: abuse
Version: 1
${address ? `Original-Rcpt-To: ${address}\n` : ''}
--a
Content-Type: text/rfc822-headers

From: Rolecast <${SENDER}>
To: ${READER}
Message-ID: ${messageId}

--a--
`;

async function apply(raw: string) {
  const store = sqliteBounceStore(state.db);
  const decisions = await applyEvents(store, readReport(raw, 'import:test', NOW).events, options);
  return { decisions, suppressed: await store.isSuppressed(READER) };
}

describe('a complaint about an earlier resend’s copy', () => {
  it('suppresses the reader the ledger shows with a later resent copy of that issue', async () => {
    deliver(READER, messageIdFor(ours, ISSUE, READER, 'resend:2026-11-30T09:00:00.000Z'));
    const { decisions, suppressed } = await apply(
      complaint(messageIdFor(ours, ISSUE, READER, 'resend:2026-11-29T09:00:00.000Z'), READER),
    );
    expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, issueId: ISSUE, kind: 'complaint' });
    expect(suppressed).toBe(true);
  });

  it('is still skipped when that reader had only the first send of the issue (another list on the domain)', async () => {
    deliver(READER, messageIdFor(ours, ISSUE, READER));
    const otherList = messageIdFor({ listId: 'monthly.rolecast.example', sender: { email: SENDER } }, ISSUE, READER);
    const { decisions, suppressed } = await apply(complaint(otherList, READER));
    expect(suppressed).toBe(false);
    expect(decisions[0]).toMatchObject({ outcome: 'unmatched', skipped: expect.stringContaining(otherList) });
  });
});
