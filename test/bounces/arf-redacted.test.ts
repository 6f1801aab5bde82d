import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * Feedback loops redact the complaining reader's address (RFC 6590): "Original-Rcpt-To:
 * <redacted@yahoo.com>" or "<xxxxxxxx@aol.com>". Read as an address, a complaint no Message-ID tied
 * to a reader suppressed that made-up mailbox and was counted as a complaint handled, while the
 * reader who complained went on being mailed. A redacted address names nobody: the complaint is tied
 * by what else it quotes, or counted as naming no reader.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const READER = 'annoyed.reader@yahoo.com';
const SENT_ID = '<2026-W48.arfredacted000000000@rolecast.example>';

const arf = (rcptTo: string, messageId: string) =>
  [
    'From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>',
    'To: fbl@rolecast.example',
    'Subject: FW: Your week in AI',
    'Date: Mon, 30 Nov 2026 12:00:00 +0000',
    `Message-ID: <arf-${rcptTo.length}-${messageId.length}@arf.mail.yahoo.com>`,
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
    `Message-ID: ${messageId}`,
    '',
    '--arf_b--',
    '',
  ].join('\r\n');

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-arf-redacted-'));
  db = openStateDb(join(dir, 'state.db'));
  db.prepare(
    "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, updated_at) VALUES ('2026-W48', 'smtp', ?, 'cto', 'sent', ?, '2026-11-30T08:00:00.000Z')",
  ).run(READER, SENT_ID);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const apply = (raw: string) =>
  applyEvents(sqliteBounceStore(db), readReport(raw, 'import:x', NOW).events, { softLimit: 3, now: NOW });

const suppressed = () => db.prepare('SELECT email FROM suppressions ORDER BY email').all();

describe('a complaint whose recipient the feedback loop redacted', () => {
  it.each([
    '<redacted@yahoo.com>',
    '<REDACTED@yahoo.com>',
    '<xxxxxxxx@aol.com>',
    '<[redacted]@outlook.com>',
    '<***@gmx.example>',
  ])('%s with nothing else to tie it names no reader, and suppresses nobody', async (rcptTo) => {
    const [decision] = await apply(arf(rcptTo, '<unknown-elsewhere@rolecast.example>'));
    expect(decision).toMatchObject({ outcome: 'unmatched' });
    expect(suppressed()).toEqual([]);
  });

  it('is tied to its reader by the Message-ID it quotes', async () => {
    const [decision] = await apply(arf('<redacted@yahoo.com>', SENT_ID));
    expect(decision).toMatchObject({ outcome: 'suppressed', email: READER, kind: 'complaint' });
    expect(suppressed()).toEqual([{ email: READER }]);
  });

  it('an address given in full is still taken', async () => {
    const [decision] = await apply(arf('<other.reader@yahoo.com>', '<unknown-elsewhere@rolecast.example>'));
    expect(decision).toMatchObject({ outcome: 'suppressed', email: 'other.reader@yahoo.com' });
  });
});
