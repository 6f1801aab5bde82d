import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A complaint whose recipient the feedback loop redacted ("Original-Rcpt-To: <redacted@yahoo.com>")
 * and that quotes a Message-ID in the ledger was already tied to its reader by earlier releases, but
 * recorded under an event id made with the redacted address. Now that the redacted address names
 * nobody, the same report imported again (the same mailbox read on every run) must still be that
 * event: recorded twice, the complaint counted twice in bounces list and list health.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const READER = 'annoyed.reader@yahoo.com';
const SENT_ID = '<2026-W48.arfreimport0000000000@rolecast.example>';
const REPORT_ID = '<arf-reimport-1@arf.mail.yahoo.com>';

const arf = (rcptTo: string) =>
  [
    'From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>',
    'To: fbl@rolecast.example',
    'Subject: FW: Your week in AI',
    'Date: Mon, 30 Nov 2026 12:00:00 +0000',
    `Message-ID: ${REPORT_ID}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf_b"',
    '',
    '--arf_b',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: Yahoo!-Mail-Feedback/2.0',
    'Version: 1',
    `Original-Rcpt-To: ${rcptTo}`,
    '',
    '--arf_b',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Rolecast Weekly <digest@rolecast.example>',
    `To: ${rcptTo}`,
    `Message-ID: ${SENT_ID}`,
    '',
    '--arf_b--',
    '',
  ].join('\r\n');

/** The id earlier releases gave the complaint: made with the address the report names, redacted or not. */
const earlierId = (address: string) =>
  `import:${createHash('sha256').update(`mid:${REPORT_ID}\0${address}\0complaint`).digest('hex').slice(0, 32)}`;

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-arf-reimport-'));
  db = openStateDb(join(dir, 'state.db'));
  db.prepare(
    "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, updated_at) VALUES ('2026-W48', 'smtp', ?, 'cto', 'sent', ?, '2026-11-30T08:00:00.000Z')",
  ).run(READER, SENT_ID);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a redacted complaint recorded by an earlier release, imported again', () => {
  it.each(['<redacted@yahoo.com>', '<xxxxxxxx@aol.com>'])('with %s is a duplicate, recorded once', async (rcptTo) => {
    const store = sqliteBounceStore(db);
    const options = { softLimit: 3, now: NOW };
    const [read] = readReport(arf(rcptTo), 'import:fbl.mbox', NOW).events;
    // What an earlier release recorded: the same complaint, tied by the Message-ID, under its own id.
    const before = await applyEvents(
      store,
      [{ ...read!, eventId: earlierId(rcptTo.slice(1, -1)), legacyEventId: undefined }],
      options,
    );
    expect(before).toMatchObject([{ outcome: 'suppressed', email: READER, kind: 'complaint' }]);

    const again = await applyEvents(store, readReport(arf(rcptTo), 'import:fbl.mbox', NOW).events, options);
    expect(again).toMatchObject([{ outcome: 'duplicate' }]);
    expect((await store.events()).filter((e) => e.email === READER)).toHaveLength(1);
  });

  it('a complaint naming its reader in full keeps no second id', () => {
    const [read] = readReport(arf(`<${READER}>`), 'import:fbl.mbox', NOW).events;
    expect(read).toMatchObject({ address: READER, eventId: earlierId(READER) });
    expect(read!.legacyEventId).toBeUndefined();
  });
});
