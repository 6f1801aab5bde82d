import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore, verpAddress } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A company's challenge-response filter mailing from postmaster@ ("Message not delivered: please
 * confirm you are a person") was read by bounces import as a hard bounce in plain words, since a
 * postmaster's message was never judged as a challenge: the reader, whose mailbox is fine, was
 * suppressed for good. Such a notice is now skipped and named; a postmaster's real bounce is read
 * as before.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const SECRET = 'challenge-postmaster-secret-0123456789';
const DOMAIN = 'bounces.rolecast.example';
const LIST = 'weekly.rolecast.example';
const ISSUE = '2026-W48';
const READER = 'jane.doe@corp.example';

const message = (from: string, subject: string, body: string) =>
  [
    `From: ${from}`,
    `To: ${verpAddress(DOMAIN, SECRET, ISSUE, READER, LIST)}`,
    `Subject: ${subject}`,
    'Date: Tue, 01 Dec 2026 09:00:00 +0000',
    `Message-ID: <${subject.length}.${body.length}@corp.example>`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    body,
    '',
  ].join('\r\n');

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-challenge-postmaster-'));
  db = openStateDb(join(dir, 'state.db'));
  db.prepare(
    "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, updated_at) VALUES (?, 'smtp', ?, 'cto', 'sent', '2026-11-30T08:00:00.000Z')",
  ).run(ISSUE, READER);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const apply = (events: ReturnType<typeof readReport>['events']) =>
  applyEvents(sqliteBounceStore(db), events, {
    softLimit: 3,
    secret: SECRET,
    verpDomain: DOMAIN,
    listId: LIST,
    now: NOW,
  });

describe('a message from a postmaster', () => {
  it.each([
    [
      'Postmaster <postmaster@corp.example>',
      'Message not delivered: please confirm',
      `Your message to ${READER} could not be delivered: your address is unknown to this mailbox.\r\nPlease confirm you are a person at https://corp.example/cr/77a1 and it will be let through.`,
    ],
    [
      'postmaster@corp.example',
      'Undeliverable: Your week in AI',
      `${READER} accepts mail from approved senders only. The mailbox does not exist for unknown senders:\r\nadd your address to the allow list at https://corp.example/allow?id=9.`,
    ],
  ])('that is a challenge-response notice (%s, "%s") is no bounce', async (from, subject, body) => {
    const result = readReport(message(from, subject, body), 'import:x', NOW);
    expect(result.events).toEqual([]);
    expect(result.ignored).toMatch(/challenge/);
    await apply(result.events);
    expect(await sqliteBounceStore(db).isSuppressed(READER)).toBe(false);
  });

  it('that is a real bounce still suppresses its reader', async () => {
    const result = readReport(
      message(
        'Postmaster <postmaster@corp.example>',
        'Undeliverable: Your week in AI',
        `Delivery has failed to these recipients:\r\n\r\n${READER}\r\nThe mailbox is unknown: the e-mail address you entered could not be found.`,
      ),
      'import:x',
      NOW,
    );
    expect(result.events).toMatchObject([{ address: READER, kind: 'hard' }]);
    const [decision] = await apply(result.events);
    expect(decision).toMatchObject({ outcome: 'suppressed', email: READER });
  });
});
