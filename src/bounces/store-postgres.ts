import { canonicalAddress } from '../address.js';
import { type Migration, migrate, type Pool } from '../db/postgres.js';
import { scoped } from '../db/scoped.js';
import { isErasedIn, suppressUnlessErased } from '../state/postgres/suppression-insert.js';
import { STATE_MIGRATIONS } from '../state/postgres-schema.js';
import { hashedAddress } from '../store/hash.js';
import * as mapping from './rows.js';
import type { BounceRecord, BounceStore, IssueBounceCounts, ReaderHistory } from './store.js';

/**
 * The bounce store in PostgreSQL, for webhooks answered by several `serve` replicas: an event id
 * is recorded once (primary key, ON CONFLICT DO NOTHING) whichever replica a provider retries on.
 * The ledger and the suppression list it reads are the 'state' component's tables.
 */
export const BOUNCE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bounce and complaint events',
    sql: `
CREATE TABLE bounce_events (
  event_id TEXT PRIMARY KEY,
  issue_id TEXT,
  email TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint')),
  status TEXT,
  diagnostic TEXT NOT NULL,
  source TEXT NOT NULL,
  outcome TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX bounce_events_email ON bounce_events (email);
CREATE INDEX bounce_events_issue ON bounce_events (issue_id);
CREATE INDEX deliveries_message_id ON deliveries (message_id);`,
  },
];

export async function migrateBounceStorePg(pool: Pool): Promise<void> {
  await migrate(pool, 'state', STATE_MIGRATIONS);
  await migrate(pool, 'bounces', BOUNCE_MIGRATIONS);
}

export function postgresBounceStore(pool: Pool): BounceStore {
  const db = scoped(pool);
  const query = (sql: string, params: unknown[]) => db.query(sql, params);
  return {
    transaction: (work) => db.transaction(work),
    async hasEvent(eventId) {
      return (await db.query('SELECT 1 FROM bounce_events WHERE event_id = $1', [eventId])).rowCount > 0;
    },
    async insertEvent(record) {
      // An erased reader's event keeps its hashed key, never the address, and, as `forget` leaves
      // their older events, not the server's text either: it usually quotes the address.
      const erased = await isErasedIn(query, record.email);
      const result = await db.query(
        `INSERT INTO bounce_events (${mapping.EVENT_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING`,
        mapping.eventValues(erased ? { ...record, email: hashedAddress(record.email), diagnostic: '' } : record),
      );
      return result.rowCount > 0;
    },
    suppress: (email, details) => suppressUnlessErased(query, email, details),
    async isSuppressed(email) {
      const found = await db.query('SELECT 1 FROM suppressions WHERE email IN ($1, $2)', [
        canonicalAddress(email),
        hashedAddress(email),
      ]);
      return found.rowCount > 0;
    },
    async history(email): Promise<ReaderHistory> {
      const key = canonicalAddress(email);
      const deliveries = await db.query<{ issueId: string; at: string }>(
        `SELECT issue_id AS "issueId", MIN(updated_at) AS at FROM deliveries
         WHERE email = $1 AND status = 'sent' AND channel = 'smtp' GROUP BY issue_id`,
        [key],
      );
      const events = await db.query<ReaderHistory['events'][number]>(
        'SELECT event_id AS "eventId", issue_id AS "issueId", kind, occurred_at AS at FROM bounce_events WHERE email = $1',
        [key],
      );
      return { deliveries: deliveries.rows, events: events.rows };
    },
    async deliveryByMessageId(messageId) {
      const spellings = mapping.messageIdSpellings(messageId);
      if (!spellings) return undefined;
      const { rows } = await db.query<{ issueId: string; email: string }>(
        'SELECT issue_id AS "issueId", email FROM deliveries WHERE message_id IN ($1, $2) LIMIT 1',
        spellings,
      );
      return rows[0];
    },
    async messageIdsTo(email) {
      const { rows } = await db.query<{ message_id: string }>(
        "SELECT DISTINCT message_id FROM deliveries WHERE email = $1 AND status = 'sent' AND message_id IS NOT NULL",
        [canonicalAddress(email)],
      );
      return rows.map((r) => r.message_id);
    },
    async deliveredIssues() {
      const { rows } = await db.query<{ issue_id: string }>('SELECT DISTINCT issue_id FROM deliveries');
      return rows.map((r) => r.issue_id);
    },
    async recipients(issueId) {
      const { rows } = await db.query<{ email: string }>('SELECT DISTINCT email FROM deliveries WHERE issue_id = $1', [
        issueId,
      ]);
      return rows.map((r) => r.email);
    },
    async events(filter = {}) {
      const { rows } =
        filter.issueId === undefined
          ? await db.query<mapping.BounceRow>('SELECT * FROM bounce_events ORDER BY occurred_at, event_id')
          : await db.query<mapping.BounceRow>(
              'SELECT * FROM bounce_events WHERE issue_id = $1 ORDER BY occurred_at, event_id',
              [filter.issueId],
            );
      return rows.map(mapping.fromBounceRow);
    },
    async issueCounts(): Promise<IssueBounceCounts[]> {
      const sent = await db.query<{ issueId: string; sent: number; firstSentAt: string }>(
        `SELECT issue_id AS "issueId", COUNT(*)::int AS sent, MIN(updated_at) AS "firstSentAt" FROM deliveries
         WHERE status = 'sent' AND channel = 'smtp' GROUP BY issue_id`,
      );
      const bounced = await db.query<{ issueId: string; kind: BounceRecord['kind']; n: number }>(
        `SELECT "issueId", kind, COUNT(*)::int AS n FROM (${mapping.readerKinds('"issueId"')}) AS readers
         GROUP BY "issueId", kind
         UNION ALL SELECT issue_id, 'complaint', COUNT(DISTINCT email)::int FROM bounce_events
         WHERE issue_id IS NOT NULL AND kind = 'complaint' GROUP BY issue_id`,
      );
      return mapping.issueBounceCounts(sent.rows, bounced.rows);
    },
  };
}
