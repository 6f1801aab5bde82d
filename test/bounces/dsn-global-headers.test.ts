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
 * A report about a message sent with SMTPUTF8 quotes the original's headers in a
 * message/global-headers part (RFC 6533), as Postfix writes it: its Message-ID names the reader
 * when the address the report gives is a forwarding mailbox's own.
 */

const ISSUE = '2026-W48';
const LIST = 'weekly.rolecast.example';
const SENDER = 'digest@rolecast.example';
const READER = 'jürgen@example.de';
const NOW = new Date('2026-12-01T12:00:00Z');
const options = { softLimit: 3, now: NOW, listId: LIST, sender: SENDER };

let dir: string;
let db: StateDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-dsn-global-'));
  db = openStateDb(join(dir, 'state.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a report quoting the original in message/global-headers', () => {
  it('names the reader the quoted Message-ID was sent to, not the forwarding mailbox', async () => {
    const id = messageIdFor({ listId: LIST, sender: { email: SENDER } }, ISSUE, READER);
    openLedger(db, ISSUE, 'smtp', () => new Date('2026-11-30T08:00:00Z')).record(sentEntry(READER, { messageId: id }));
    openLedger(db, ISSUE, 'smtp', () => new Date('2026-11-30T08:00:00Z')).record(
      sentEntry('other@example.com', {
        messageId: messageIdFor({ listId: LIST, sender: { email: SENDER } }, ISSUE, 'other@example.com'),
      }),
    );
    const raw = `From: MAILER-DAEMON@mx.example.de (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/global-delivery-status

Reporting-MTA: dns; mx.example.de

Final-Recipient: utf-8; weiter@elsewhere.example
Original-Recipient: utf-8; weiter@elsewhere.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--b
Content-Type: message/global-headers

From: Rolecast <${SENDER}>
To: ${READER}
Message-ID: ${id}
Subject: Die Woche

--b--
`;
    const store = sqliteBounceStore(db);
    const decisions = await applyEvents(store, readReport(raw, 'import:test', NOW).events, options);
    expect(decisions).toEqual([
      expect.objectContaining({ outcome: 'suppressed', email: READER, issueId: ISSUE, kind: 'hard' }),
    ]);
    expect(await store.isSuppressed('other@example.com')).toBe(false);
    expect(await store.isSuppressed('weiter@elsewhere.example')).toBe(false);
  });
});
