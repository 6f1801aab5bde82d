import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { messageIdFor } from '../../src/message-id.js';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { sentEntry } from '../helpers/ledger.js';

/**
 * What a report quotes of the original names its reader when the address it gives does not (a
 * forwarding mailbox's own address, a feedback report that names nobody): the original's headers
 * as some servers enclose them (message/rfc822-headers), and a Message-ID folded in its middle.
 */

const ISSUE = '2026-W48';
const LIST = 'weekly.rolecast.example';
const SENDER = 'digest@rolecast.example';
const NOW = new Date('2026-12-01T12:00:00Z');
const options = { softLimit: 3, now: NOW, listId: LIST, sender: SENDER };

let dir: string;
let db: StateDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-dsn-quoted-'));
  db = openStateDb(join(dir, 'state.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function deliver(email: string): string {
  const messageId = messageIdFor({ listId: LIST, sender: { email: SENDER } }, ISSUE, email);
  openLedger(db, ISSUE, 'smtp', () => new Date('2026-11-30T08:00:00Z')).record(sentEntry(email, { messageId }));
  return messageId;
}

/** The Message-ID folded before its `@`, as a server that folds long lines anywhere writes it. */
const folded = (id: string) => id.replace('@', '\n @');

async function apply(raw: string) {
  const store = sqliteBounceStore(db);
  const decisions = await applyEvents(store, readReport(raw, 'import:test', NOW).events, options);
  return { store, decisions };
}

describe('the original as a report quotes it', () => {
  it('a DSN with a message/rfc822-headers part and a folded Message-ID names the reader it was sent to', async () => {
    const id = deliver('reader@example.com');
    deliver('other@example.com');
    const { store, decisions } = await apply(`From: MAILER-DAEMON@mx.example
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; forwarded.to@elsewhere.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--b
Content-Type: message/rfc822-headers

From: Rolecast <${SENDER}>
Message-ID: ${folded(id)}

--b--
`);
    expect(decisions).toEqual([
      expect.objectContaining({ outcome: 'suppressed', email: 'reader@example.com', issueId: ISSUE, kind: 'hard' }),
    ]);
    expect(await store.isSuppressed('other@example.com')).toBe(false);
    expect(await store.isSuppressed('forwarded.to@elsewhere.example')).toBe(false);
  });

  it('a feedback report naming no recipient is tied by the folded Message-ID it quotes', async () => {
    const id = deliver('reader@example.com');
    const { decisions } = await apply(`From: fbl@isp.example
Subject: Abuse report
Content-Type: multipart/report; report-type=feedback-report; boundary="a"

--a
Content-Type: message/feedback-report

Feedback-Type: abuse
Version: 1

--a
Content-Type: text/rfc822-headers

From: Rolecast <${SENDER}>
Message-ID: ${folded(id)}

--a--
`);
    expect(decisions).toEqual([
      expect.objectContaining({ outcome: 'suppressed', email: 'reader@example.com', kind: 'complaint' }),
    ]);
  });

  it('a report in German for several recipients: the failed ones only, each as its kind, an address in other case as the reader', async () => {
    for (const email of ['ann@example.com', 'bob@example.com', 'cat@example.com', 'dan@example.com']) deliver(email);
    const { store, decisions } = await apply(`From: MAILER-DAEMON@mx.example
Subject: Unzustellbar: Ihre Woche
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Ihre Nachricht konnte nicht an alle Empfänger zugestellt werden.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; Ann@Example.COM
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 Benutzer unbekannt

Final-Recipient: rfc822; bob@example.com
Action: delayed
Status: 4.2.2

Final-Recipient: rfc822; cat@example.com
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822; dan@example.com
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 Postfach voll

--b--
`);
    expect(
      decisions.map((d) => d.outcome !== 'duplicate' && d.outcome !== 'unmatched' && [d.email, d.kind, d.outcome]),
    ).toEqual([
      ['ann@example.com', 'hard', 'suppressed'],
      ['dan@example.com', 'soft', 'counted'],
    ]);
    for (const email of ['bob@example.com', 'cat@example.com', 'dan@example.com'])
      expect(await store.isSuppressed(email)).toBe(false);
  });
});
