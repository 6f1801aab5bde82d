import type { Pool } from '../../db/postgres.js';
import { hashedAddress } from '../../store/hash.js';

/**
 * Messages an earlier run on this host listed as accepted but not recorded (its side file), recorded
 * as sent and their queue items marked done in one statement, before this worker claims anything:
 * none of them is sent again by any worker. Sent stays final, as in every ledger write; a line of a
 * resend dates the reader's sent row anew.
 */
export async function recordReplayed(
  pool: Pool,
  entries: readonly {
    issueId: string;
    channel: string;
    email: string;
    variantId: string;
    messageId: string;
    at: string;
  }[],
  source: string,
): Promise<void> {
  // An address erased since the run stopped is not written back: it is suppressed anyway.
  const erased = new Set(
    (
      await pool.query<{ email: string }>('SELECT email FROM suppressions WHERE email = ANY($1::text[])', [
        entries.map((e) => hashedAddress(e.email)),
      ])
    ).rows.map((r) => r.email),
  );
  entries = entries.filter((e) => !erased.has(hashedAddress(e.email)));
  if (entries.length === 0) return;
  await pool.query(
    `WITH o AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS o(issue_id, channel, email, variant_id, message_id, at)
     ), written AS (
       INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, response, attempts, updated_at)
       SELECT DISTINCT ON (issue_id, channel, email) issue_id, channel, email, variant_id, 'sent', message_id, 250,
         'accepted at ' || at || '; recorded from ' || $7, 1, at
       FROM o ORDER BY issue_id, channel, email, at DESC
       ON CONFLICT (issue_id, channel, email) DO UPDATE SET
         variant_id = excluded.variant_id, status = excluded.status, message_id = excluded.message_id,
         response_code = excluded.response_code, response = excluded.response,
         attempts = deliveries.attempts + excluded.attempts, updated_at = excluded.updated_at
       -- A resent message listed later than the row its first copy left: the row dates the resent
       -- one, or a resumed resend would take its reader for one it had not reached.
       WHERE deliveries.status <> 'sent' OR excluded.updated_at > deliveries.updated_at
       RETURNING 1
     ), marked AS (
       UPDATE send_items i SET done = true, lease_owner = NULL, lease_expires_at = NULL
       FROM o WHERE i.issue_id = o.issue_id AND i.channel = o.channel AND i.email = o.email AND NOT i.done
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM written)::int AS written, (SELECT count(*) FROM marked)::int AS marked`,
    [
      entries.map((e) => e.issueId),
      entries.map((e) => e.channel),
      entries.map((e) => e.email),
      entries.map((e) => e.variantId),
      entries.map((e) => e.messageId),
      entries.map((e) => e.at),
      source,
    ],
  );
}
