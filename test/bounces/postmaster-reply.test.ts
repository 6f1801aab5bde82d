import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore, verpAddress } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A company's postmaster answers mail with an ordinary subject and no auto-reply header ("Jane has
 * left … the mailbox does not exist any more"): the digest was delivered, and the words alone, from
 * a message that does not say it bounced, suppress nobody. A report that says it bounced, in its
 * subject or from a mailer daemon, is read from its words as before.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const SECRET = 'postmaster-reply-secret-0123456789';
const DOMAIN = 'bounces.rolecast.example';
const LIST = 'weekly.rolecast.example';
const ISSUE = '2026-W48';
const READER = 'jane.doe@corp.example';
const WORDS =
  'Jane has left the company. The mailbox jane.doe@corp.example does not exist any more;\r\nplease call the front desk.';

const message = (from: string, subject: string) =>
  [
    `From: ${from}`,
    `To: ${verpAddress(DOMAIN, SECRET, ISSUE, READER, LIST)}`,
    `Subject: ${subject}`,
    'Date: Tue, 01 Dec 2026 09:00:00 +0000',
    `Message-ID: <${subject.length}.${from.length}@corp.example>`,
    '',
    WORDS,
    '',
  ].join('\r\n');

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-postmaster-reply-'));
  db = openStateDb(join(dir, 'state.db'));
  db.prepare(
    "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, updated_at) VALUES (?, 'smtp', ?, 'cto', 'sent', '2026-11-30T08:00:00.000Z')",
  ).run(ISSUE, READER);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a postmaster’s reply with an ordinary subject', () => {
  it('is no bounce, and with VERP on its reader stays subscribed', async () => {
    const result = readReport(message('Postmaster <postmaster@corp.example>', 'Your weekly digest'), 'import:x', NOW);
    expect(result.events).toEqual([]);
    const store = sqliteBounceStore(db);
    await applyEvents(store, result.events, {
      softLimit: 3,
      secret: SECRET,
      verpDomain: DOMAIN,
      listId: LIST,
      now: NOW,
    });
    expect(await store.isSuppressed(READER)).toBe(false);
  });

  it.each([
    ['Postmaster <postmaster@corp.example>', 'Undeliverable: Your weekly digest'],
    ['Postmaster <postmaster@corp.example>', 'Nondeliverable mail'],
    ['Postmaster <postmaster@corp.example>', 'Message not delivered'],
    ['MAILER-DAEMON@corp.example', 'Your weekly digest'],
  ])('from %s, "%s", is read as the hard bounce it says it is', async (from, subject) => {
    const result = readReport(message(from, subject), 'import:x', NOW);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({ address: READER, kind: 'hard' });
    const store = sqliteBounceStore(db);
    const [decision] = await applyEvents(store, result.events, {
      softLimit: 3,
      secret: SECRET,
      verpDomain: DOMAIN,
      listId: LIST,
      now: NOW,
    });
    expect(decision).toMatchObject({ outcome: 'suppressed', email: READER });
  });
});
