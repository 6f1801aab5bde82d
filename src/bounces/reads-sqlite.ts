import { canonicalAddress } from '../address.js';
import { isSuppressed as isSuppressedInState, type StateDb } from '../send/store.js';
import { prepared } from '../state/sqlite/statements.js';
import * as mapping from './rows.js';
import type { BounceRecord, BounceStore, IssueBounceCounts, ReaderHistory } from './store.js';

/**
 * The bounce store's reads on the send state file. `present`: whether the bounce table is there to
 * read (a read-only store of a file that never had one reads no events).
 */
export function sqliteBounceReads(
  db: StateDb,
  present: () => boolean,
): Pick<
  BounceStore,
  | 'isSuppressed'
  | 'history'
  | 'deliveryByMessageId'
  | 'messageIdsTo'
  | 'deliveredIssues'
  | 'recipients'
  | 'events'
  | 'issueCounts'
> {
  return {
    async isSuppressed(email) {
      return isSuppressedInState(db, email);
    },
    async history(email): Promise<ReaderHistory> {
      const key = canonicalAddress(email);
      const deliveries = prepared(
        db,
        "SELECT issue_id AS issueId, MIN(updated_at) AS at FROM deliveries WHERE email = ? AND status = 'sent' AND channel = 'smtp' GROUP BY issue_id",
      ).all(key) as { issueId: string; at: string }[];
      const events = present()
        ? (prepared(
            db,
            'SELECT event_id AS eventId, issue_id AS issueId, kind, occurred_at AS at FROM bounce_events WHERE email = ?',
          ).all(key) as ReaderHistory['events'])
        : [];
      return { deliveries, events };
    },
    async deliveryByMessageId(messageId) {
      const spellings = mapping.messageIdSpellings(messageId);
      if (!spellings) return undefined;
      return prepared(db, 'SELECT issue_id AS issueId, email FROM deliveries WHERE message_id IN (?, ?) LIMIT 1').get(
        ...spellings,
      ) as { issueId: string; email: string } | undefined;
    },
    async messageIdsTo(email) {
      return prepared(
        db,
        "SELECT DISTINCT message_id FROM deliveries WHERE email = ? AND status = 'sent' AND message_id IS NOT NULL",
      )
        .pluck()
        .all(canonicalAddress(email)) as string[];
    },
    async deliveredIssues() {
      return db.prepare('SELECT DISTINCT issue_id FROM deliveries').pluck().all() as string[];
    },
    async recipients(issueId) {
      return db.prepare('SELECT DISTINCT email FROM deliveries WHERE issue_id = ?').pluck().all(issueId) as string[];
    },
    async events(filter = {}) {
      if (!present()) return [];
      const rows = (
        filter.issueId === undefined
          ? db.prepare('SELECT * FROM bounce_events ORDER BY occurred_at, event_id').all()
          : db
              .prepare('SELECT * FROM bounce_events WHERE issue_id = ? ORDER BY occurred_at, event_id')
              .all(filter.issueId)
      ) as mapping.BounceRow[];
      return rows.map(mapping.fromBounceRow);
    },
    async issueCounts(): Promise<IssueBounceCounts[]> {
      const sent = db
        .prepare(
          "SELECT issue_id AS issueId, COUNT(*) AS sent, MIN(updated_at) AS firstSentAt FROM deliveries WHERE status = 'sent' AND channel = 'smtp' GROUP BY issue_id",
        )
        .all() as { issueId: string; sent: number; firstSentAt: string }[];
      const bounced = present()
        ? (db
            .prepare(
              `SELECT issueId, kind, COUNT(*) AS n FROM (${mapping.readerKinds('issueId')}) GROUP BY issueId, kind
               UNION ALL SELECT issue_id, 'complaint', COUNT(DISTINCT email) FROM bounce_events
               WHERE issue_id IS NOT NULL AND kind = 'complaint' GROUP BY issue_id`,
            )
            .all() as { issueId: string; kind: BounceRecord['kind']; n: number }[])
        : [];
      return mapping.issueBounceCounts(sent, bounced);
    },
  };
}
