import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore, verpAddress } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A challenge-response filter holds mail from senders it does not know and asks the envelope
 * sender (the VERP address) to prove it is a person. Its notice says the message has "not been
 * delivered yet" and that the sender's address is unknown to the mailbox, which read like a bounce
 * whose words say the mailbox is unknown: the reader, whose mailbox is fine, was suppressed for
 * good. Such a notice is no bounce; a bounce in plain text is read as before.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const SECRET = 'challenge-response-secret-0123456789';
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
    `Message-ID: <${subject.length}.${body.length}@filter.example>`,
    'Auto-Submitted: auto-replied',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    body,
    '',
  ].join('\r\n');

const CHALLENGES: [string, string, string][] = [
  [
    '"MailGuard for Jane Doe" <challenge@mailguard.example>',
    `Your message to ${READER} has not been delivered yet`,
    `Your message to ${READER} is on hold. Your address is unknown to this mailbox: to have it delivered,\r\nplease confirm you are a person at https://mailguard.example/confirm/8f3a2c\r\n\r\nYou only need to do this once.`,
  ],
  [
    'Jane Doe <jane.doe@corp.example>',
    'Undelivered: Your week in AI [sender verification]',
    `${READER} accepts mail from approved senders only, and the sender address is not known here.\r\nVerify that you are human at https://cr.example/v?id=1 and your message will be delivered.`,
  ],
  [
    '"Spam filter" <noreply@filter.example>',
    'Message not delivered: please confirm',
    `Mail to ${READER} from unknown senders is held. Click the link below to add yourself to the whitelist:\r\nhttps://filter.example/w/123 (the message does not exist in the inbox until you do).`,
  ],
];

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-challenge-'));
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

describe('a challenge-response notice sent to the VERP address', () => {
  it.each(CHALLENGES)('from %s, "%s", is no bounce: the reader stays subscribed', async (from, subject, body) => {
    const result = readReport(message(from, subject, body), 'import:x', NOW);
    expect(result.events).toEqual([]);
    expect(result.ignored).toMatch(/challenge/);
    await apply(result.events);
    expect(await sqliteBounceStore(db).isSuppressed(READER)).toBe(false);
  });

  it('a plain-text bounce that says the mailbox is unknown still suppresses its reader', async () => {
    const result = readReport(
      message(
        'Mail Delivery System <MAILER-DAEMON@corp.example>',
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
