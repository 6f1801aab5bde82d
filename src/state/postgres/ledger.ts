import { canonicalAddress } from '../../address.js';
import type { Pool } from '../../db/postgres.js';
import type { Channel } from '../../send/channel.js';
import {
  type ChannelStatus,
  type DeliveryStatus,
  MAYBE_DELIVERED_WHERE,
  openResendOf,
  RUN_FINISH_SET,
  RUN_START_CONFLICT,
  type RunResendColumns,
} from '../../send/ledger.js';
import { channelStatus, type DeliveryRow, type RunRow } from '../../send/status-rows.js';
import { hashedAddress } from '../../store/hash.js';
import { mergeBatch } from '../batch.js';
import type { DeliveryLedger } from '../contract.js';
import { DELIVERY_UPSERT_CONFLICT } from '../delivery-upsert.js';

/**
 * The delivery ledger in PostgreSQL. `recordMany` is one statement (rows passed as arrays and
 * unnested), so a batch costs one round trip whatever its size, and is atomic on its own. Sent is
 * final: a later failed or deferred outcome for the reader never replaces a "sent" row.
 */
export function postgresLedger(pool: Pool, issueId: string, channel: Channel, now: () => Date): DeliveryLedger {
  return {
    async recorded() {
      const { rows } = await pool.query<{ email: string; status: DeliveryStatus }>(
        'SELECT email, status FROM deliveries WHERE issue_id = $1 AND channel = $2',
        [issueId, channel],
      );
      const recorded = new Map<string, DeliveryStatus>();
      for (const row of rows) {
        const key = canonicalAddress(row.email);
        if (recorded.get(key) !== 'sent') recorded.set(key, row.status);
      }
      return recorded;
    },
    async sentSince(since) {
      const { rows } = await pool.query<{ email: string }>(
        `SELECT email FROM deliveries WHERE issue_id = $1 AND channel = $2 AND status = 'sent' AND updated_at >= $3`,
        [issueId, channel, since],
      );
      return new Set(rows.map((r) => canonicalAddress(r.email)));
    },
    async maybeDelivered() {
      const { rows } = await pool.query<{ email: string }>(
        `SELECT email FROM deliveries WHERE issue_id = $1 AND channel = $2 AND ${MAYBE_DELIVERED_WHERE}`,
        [issueId, channel],
      );
      return rows.map((r) => canonicalAddress(r.email));
    },
    async latestStamp() {
      const { rows } = await pool.query<{ latest: string | null }>(
        'SELECT max(updated_at) AS latest FROM deliveries WHERE issue_id = $1 AND channel = $2',
        [issueId, channel],
      );
      return rows[0]?.latest ?? undefined;
    },
    async unfinishedResend() {
      const { rows } = await pool.query<RunResendColumns>(
        'SELECT outcome, resend_started_at, open_resend_since FROM runs WHERE issue_id = $1 AND channel = $2',
        [issueId, channel],
      );
      return openResendOf(rows[0]);
    },
    async recordMany(entries) {
      const rows = mergeBatch(entries);
      if (rows.length === 0) return;
      await pool.query(
        `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, response, attempts, updated_at)
         SELECT $1, $2, e, v, s, m, rc, r, a, $3
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::int[], $11::text[]) AS t(e, v, s, m, rc, r, a, h)
         -- A reader erased while their message was in flight: forget already deleted their rows.
         WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email = t.h)
         ${DELIVERY_UPSERT_CONFLICT}`,
        [
          issueId,
          channel,
          now().toISOString(),
          rows.map((r) => r.email),
          rows.map((r) => r.variantId),
          rows.map((r) => r.status),
          rows.map((r) => r.messageId),
          rows.map((r) => r.responseCode),
          rows.map((r) => r.response),
          rows.map((r) => r.attempts),
          rows.map((r) => hashedAddress(r.email)),
        ],
      );
    },
    async startRun(planned, resendSince) {
      await pool.query(
        `INSERT INTO runs (issue_id, channel, planned, started_at, resend_started_at, open_resend_since)
         VALUES ($1, $2, $3, $4, $5, $5) ${RUN_START_CONFLICT}`,
        [issueId, channel, planned, now().toISOString(), resendSince ?? null],
      );
    },
    async finishRun(outcome, keepResendOpen) {
      const how = keepResendOpen ? 'part' : outcome;
      await pool.query(`UPDATE runs SET ${numbered(RUN_FINISH_SET, 1)} WHERE issue_id = $5 AND channel = $6`, [
        now().toISOString(),
        outcome,
        how,
        how,
        issueId,
        channel,
      ]);
    },
  };
}

/** `?` placeholders as `$from`, `$from+1`, …: the SQLite ledger's clauses, written for PostgreSQL. */
function numbered(sql: string, from: number): string {
  let next = from;
  return sql.replace(/\?/g, () => `$${next++}`);
}

/** `rolecast status` from PostgreSQL: the same figures `readStatus` reads from the state file. */
export async function postgresStatus(pool: Pool, issueId: string): Promise<ChannelStatus[]> {
  const channels = await pool.query<{ channel: Channel }>(
    `SELECT channel FROM (SELECT channel FROM deliveries WHERE issue_id = $1 UNION SELECT channel FROM runs WHERE issue_id = $1) c
     ORDER BY channel COLLATE "C" DESC`,
    [issueId],
  );
  const result: ChannelStatus[] = [];
  for (const { channel } of channels.rows) {
    const counts = await pool.query<{ status: DeliveryStatus; n: number }>(
      'SELECT status, COUNT(*)::int AS n FROM deliveries WHERE issue_id = $1 AND channel = $2 GROUP BY status',
      [issueId, channel],
    );
    const runs = await pool.query<RunRow>('SELECT * FROM runs WHERE issue_id = $1 AND channel = $2', [
      issueId,
      channel,
    ]);
    const failures = await pool.query<DeliveryRow>(
      `SELECT * FROM deliveries WHERE issue_id = $1 AND channel = $2 AND status != 'sent'
       ORDER BY status COLLATE "C", email COLLATE "C"`,
      [issueId, channel],
    );
    result.push(channelStatus(channel, counts.rows, runs.rows[0], failures.rows));
  }
  return result;
}
