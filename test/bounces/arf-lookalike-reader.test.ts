import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A reader whose address really reads like a feedback loop's stand-in (`xxx@…`, `redacted@…`)
 * complained, and the report named them and nothing else that ties it (no VERP, a Message-ID the
 * provider rewrote): the complaint was counted as naming no reader, and they went on being mailed.
 * Such an address is now taken when the list has mailed that very address; one the list never
 * mailed still names nobody.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const arf = (rcptTo: string) =>
  [
    'From: Feedback Loop <fbl@feedback.mail.example>',
    'To: fbl@rolecast.example',
    'Subject: Complaint about message from 192.0.2.1',
    'Date: Mon, 30 Nov 2026 12:00:00 +0000',
    `Message-ID: <arf-${rcptTo.length}@feedback.mail.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf_b"',
    '',
    '--arf_b',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: FBL/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${rcptTo}`,
    '',
    '--arf_b',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Rolecast Weekly <digest@rolecast.example>',
    `To: ${rcptTo}`,
    'Message-ID: <rewritten-by-the-provider@mail.example>',
    '',
    '--arf_b--',
    '',
  ].join('\r\n');

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-arf-lookalike-'));
  db = openStateDb(join(dir, 'state.db'));
  for (const email of ['xxx@mail.example', 'redacted@smallco.example'])
    db.prepare(
      "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, updated_at) VALUES ('2026-W48', 'smtp', ?, 'cto', 'sent', ?, '2026-11-30T08:00:00.000Z')",
    ).run(email, `<2026-W48.${email}@rolecast.example>`);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const apply = (raw: string) =>
  applyEvents(sqliteBounceStore(db), readReport(raw, 'import:x', NOW).events, { softLimit: 3, now: NOW });

const suppressed = () => db.prepare('SELECT email, reason FROM suppressions ORDER BY email').all();

describe('a complaint naming an address that only looks redacted', () => {
  it.each([
    ['<xxx@mail.example>', 'xxx@mail.example'],
    ['<Redacted@SmallCo.example>', 'redacted@smallco.example'],
  ])('%s, a reader the list mailed, suppresses that reader', async (rcptTo, email) => {
    const [decision] = await apply(arf(rcptTo));
    expect(decision).toMatchObject({ outcome: 'suppressed', email, kind: 'complaint' });
    expect(suppressed()).toEqual([{ email, reason: 'complaint' }]);
  });

  it('a stand-in the list never mailed still names nobody', async () => {
    const [decision] = await apply(arf('<xxxxxxxx@aol.com>'));
    expect(decision).toMatchObject({ outcome: 'unmatched' });
    expect(suppressed()).toEqual([]);
  });

  it('with VERP on, the address alone still ties nothing from the mailbox', async () => {
    const events = readReport(arf('<xxx@mail.example>'), 'import:x', NOW).events;
    const [decision] = await applyEvents(sqliteBounceStore(db), events, {
      softLimit: 3,
      now: NOW,
      secret: 'verp-secret-0123456789abcdef0123456789',
      verpDomain: 'bounces.rolecast.example',
    });
    expect(decision).toMatchObject({ outcome: 'unmatched' });
    expect(suppressed()).toEqual([]);
  });
});
