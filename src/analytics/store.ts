import type { StateDb } from '../send/store.js';
import { fileMoved, movedAwayError } from '../state/sqlite/file-in-place.js';
import { hasAnalyticsTables } from './_migrate.js';
import * as mapping from './rows.js';
import type { ClickClaims, LinkKind } from './token.js';

/**
 * What analytics reads and writes, behind one small contract so another backend (PostgreSQL) can
 * implement it beside the SQLite driver below. Reports are pure functions of `IssueFacts`.
 */

/** A click is what its signed link claims, plus when it happened. */
export interface ClickEvent extends ClickClaims {
  at: Date;
  /** The first click of this client on this link within the dedup window (see click-route.ts). */
  first: boolean;
}

export interface IssueLayout {
  variants: {
    id: string;
    roles: string[];
    sections: { role: string; summaryIds: string[] }[];
    /** Whether its click links carry `?v=` (see Variant.clickTagged); the first recorded value stays. */
    clicksTagged?: boolean | undefined;
  }[];
  summaries: { id: string; roles: string[]; topics: string[] }[];
}

/** Everything a report of one issue needs, aggregated: no row per reader. */
export interface IssueFacts extends IssueLayout {
  issueId: string;
  /** When its layout was recorded (the send), ISO time; undefined for an issue sent before analytics. */
  recordedAt: string | undefined;
  /** Per variant: messages planned/attempted, accepted, and readers later suppressed, by reason. */
  deliveries: {
    variantId: string;
    recipients: number;
    delivered: number;
    unsubscribed: number;
    bounced: number;
    complained: number;
  }[];
  clicks: { summaryId: string; role: string; variantId: string; kind: LinkKind; clicks: number; unique: number }[];
}

/**
 * Each answer may be a promise: the SQLite driver answers at once (`SqliteAnalyticsStore`, which
 * synchronous callers keep using), the PostgreSQL one (store-postgres.ts) over the network.
 */
export interface AnalyticsStore {
  recordClick(event: ClickEvent): void | Promise<void>;
  /** Takes back one click recorded with these very values (a link scanner's, found out after it was written). */
  withdrawClick(event: ClickEvent): void | Promise<void>;
  /** Which variant held which summaries: written by `send`, read by reports. */
  recordLayout(issueId: string, layout: IssueLayout, at: Date): void | Promise<void>;
  /** Ids of issues with a recorded layout, oldest first, optionally only those recorded at or after `since`. */
  issues(since?: Date): string[] | Promise<string[]>;
  facts(issueId: string): IssueFacts | Promise<IssueFacts>;
}

export interface SqliteAnalyticsStore extends AnalyticsStore {
  recordClick(event: ClickEvent): void;
  withdrawClick(event: ClickEvent): void;
  recordLayout(issueId: string, layout: IssueLayout, at: Date): void;
  /** Each recorded role set's decision on `?v=`, by variant id. */
  clickTags(issueId: string): Map<string, boolean>;
  issues(since?: Date): string[];
  facts(issueId: string): IssueFacts;
}

/** The SQLite driver, on the send state file. A file without the analytics tables reads as empty. */
export function sqliteAnalyticsStore(db: StateDb): SqliteAnalyticsStore {
  const ready = hasAnalyticsTables(db);
  // `serve` holds the file for days: a click is not written into a log or file no other command
  // reads (it waits in memory instead, see click-route.ts), where it would also overlay a log index
  // the next send starts afresh.
  const moved = db.memory || db.readonly ? undefined : fileMoved(db.name);
  const insertClick = ready
    ? db.prepare(`INSERT INTO clicks (${mapping.CLICK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    : undefined;
  const deleteClick = ready
    ? db.prepare(`DELETE FROM clicks WHERE rowid = (SELECT rowid FROM clicks WHERE ${mapping.CLICK_MATCH} LIMIT 1)`)
    : undefined;
  const writable = () => {
    if (!insertClick || !deleteClick) throw new Error('the state file has no clicks table (opened read-only?)');
    const how = moved?.();
    if (how)
      throw movedAwayError(
        db.name,
        how,
        'clicks wait in memory',
        `restart serve so that it uses the file now at ${db.name}`,
      );
    return { insertClick, deleteClick };
  };
  return {
    recordClick(event) {
      writable().insertClick.run(...mapping.clickValues(event));
    },
    withdrawClick(event) {
      writable().deleteClick.run(...mapping.clickValues(event));
    },
    recordLayout(issueId, layout, at) {
      // The first decision on `?v=` stays: every later run of the issue reads it (see clickTags).
      const variant = db.prepare(
        `INSERT INTO issue_variants (issue_id, variant_id, roles, sections, recorded_at, clicks_tagged) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (issue_id, variant_id) DO UPDATE SET roles = excluded.roles, sections = excluded.sections,
           clicks_tagged = COALESCE(issue_variants.clicks_tagged, excluded.clicks_tagged)`,
      );
      const summary = db.prepare(
        `INSERT INTO issue_summaries (issue_id, summary_id, roles, topics) VALUES (?, ?, ?, ?)
         ON CONFLICT (issue_id, summary_id) DO UPDATE SET roles = excluded.roles, topics = excluded.topics`,
      );
      db.transaction(() => {
        for (const v of layout.variants)
          variant.run(
            issueId,
            v.id,
            JSON.stringify(v.roles),
            JSON.stringify(v.sections),
            at.toISOString(),
            mapping.clicksTaggedValue(v.clicksTagged),
          );
        for (const s of layout.summaries) summary.run(issueId, s.id, JSON.stringify(s.roles), JSON.stringify(s.topics));
      })();
    },
    clickTags(issueId) {
      if (!ready) return new Map();
      const rows = db
        .prepare(
          'SELECT variant_id, clicks_tagged FROM issue_variants WHERE issue_id = ? AND clicks_tagged IS NOT NULL',
        )
        .all(issueId) as { variant_id: string; clicks_tagged: number }[];
      return mapping.clickTagsOf(rows);
    },
    issues(since) {
      if (!ready) return [];
      return db
        .prepare(
          `SELECT issue_id FROM issue_variants GROUP BY issue_id HAVING MIN(recorded_at) >= ? ORDER BY MIN(recorded_at), issue_id`,
        )
        .pluck()
        .all(since ? since.toISOString() : '') as string[];
    },
    facts: (issueId) => readFacts(db, ready, issueId),
  };
}

function readFacts(db: StateDb, ready: boolean, issueId: string): IssueFacts {
  const deliveries = readDeliveries(db, issueId);
  if (!ready) return { issueId, recordedAt: undefined, variants: [], summaries: [], deliveries, clicks: [] };
  const variantRows = db
    .prepare(
      'SELECT variant_id, roles, sections, recorded_at FROM issue_variants WHERE issue_id = ? ORDER BY variant_id',
    )
    .all(issueId) as mapping.VariantRow[];
  const summaryRows = db
    .prepare('SELECT summary_id, roles, topics FROM issue_summaries WHERE issue_id = ? ORDER BY rowid')
    .all(issueId) as mapping.SummaryRow[];
  const clicks = db
    .prepare(
      `SELECT summary_id AS summaryId, role, variant_id AS variantId, kind, COUNT(*) AS clicks, SUM(first) AS "unique"
       FROM clicks WHERE issue_id = ? GROUP BY summary_id, role, variant_id, kind ORDER BY summary_id, role, variant_id, kind`,
    )
    .all(issueId) as IssueFacts['clicks'];
  return mapping.issueFacts(issueId, variantRows, summaryRows, deliveries, clicks);
}

/**
 * Recipients and deliveries over SMTP per variant, and the readers suppressed after this issue
 * reached them with no later issue between (so an unsubscribe counts for the issue it followed).
 * Bounces and complaints are suppressions whose reason names them; none recorded reads as zero.
 */
function readDeliveries(db: StateDb, issueId: string): IssueFacts['deliveries'] {
  return db
    .prepare(
      `SELECT d.variant_id AS variantId, COUNT(*) AS recipients,
         SUM(d.status = 'sent') AS delivered,
         SUM(s.reason LIKE '%unsubscribe%') AS unsubscribed,
         SUM(s.reason LIKE '%bounce%') AS bounced,
         SUM(s.reason LIKE '%complain%') AS complained
       FROM deliveries d
       LEFT JOIN suppressions s ON s.email = d.email AND s.created_at >= d.updated_at
         AND NOT EXISTS (SELECT 1 FROM deliveries later WHERE later.email = d.email AND later.channel = 'smtp'
           AND later.updated_at > d.updated_at AND later.updated_at <= s.created_at)
       WHERE d.issue_id = ? AND d.channel = 'smtp'
       GROUP BY d.variant_id ORDER BY d.variant_id`,
    )
    .all(issueId)
    .map((row) => mapping.deliveryCounts(row as mapping.DeliveryCountRow));
}
