import { clicksTaggedValue, clickTagsOf } from '../../analytics/rows.js';
import { migrate, type Pool, redactDatabaseUrl } from '../../db/postgres.js';
import { EXIT, RolecastError, SEND_AGAIN } from '../../errors.js';
import type { StateStore } from '../contract.js';
import { STATE_MIGRATIONS } from '../postgres-schema.js';
import { replayUnrecordedInto } from '../replay.js';
import { postgresLedger, postgresStatus } from './ledger.js';
import { postgresLock } from './lock.js';
import { postgresSuppressions } from './suppressions.js';
import { postgresScheduledChannels, postgresWaves } from './waves.js';

/** Brings the state tables up to date; safe for several hosts starting at once. */
export async function migrateState(pool: Pool): Promise<void> {
  await migrate(pool, 'state', STATE_MIGRATIONS);
}

/**
 * The contract on PostgreSQL. There is no unsubscribe journal to apply: the journal exists because
 * a SQLite file takes one writer at a time, and PostgreSQL takes the endpoint's writes alongside a
 * send's. Messages a stopped run could not record are listed in a side file on the host that sent
 * them (`sideFileBase`, in the local state folder) and recorded by that host's next send.
 */
export function postgresState(
  pool: Pool,
  url: string,
  options: { sideFileBase?: string | undefined; ownsPool?: boolean } = {},
): StateStore {
  const description = redactDatabaseUrl(url);
  const store: StateStore = {
    kind: 'postgres',
    description,
    sideFileBase: options.sideFileBase,
    ledger: (issueId, channel, now = () => new Date()) => postgresLedger(pool, issueId, channel, now),
    status: (issueId) => postgresStatus(pool, issueId),
    lock: (issueId, lockOptions) => postgresLock(pool, issueId, lockOptions),
    suppressions: postgresSuppressions(pool),
    waves: (issueId, channel, now = () => new Date()) => postgresWaves(pool, issueId, channel, now),
    scheduledChannels: (issueId) => postgresScheduledChannels(pool, issueId),
    async clickTags(issueId) {
      const { rows } = await pool.query<{ variant_id: string; clicks_tagged: number }>(
        'SELECT variant_id, clicks_tagged FROM issue_variants WHERE issue_id = $1 AND clicks_tagged IS NOT NULL',
        [issueId],
      );
      return clickTagsOf(rows);
    },
    async recordLayout(issueId, layout, at) {
      await pool.query(
        // The first decision on `?v=` stays: every later run of the issue reads it (see clickTags).
        `INSERT INTO issue_variants (issue_id, variant_id, roles, sections, recorded_at, clicks_tagged)
         SELECT $1, v, r, s, $2, c FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS t(v, r, s, c)
         ON CONFLICT (issue_id, variant_id) DO UPDATE SET roles = excluded.roles, sections = excluded.sections,
           clicks_tagged = COALESCE(issue_variants.clicks_tagged, excluded.clicks_tagged)`,
        [
          issueId,
          at.toISOString(),
          layout.variants.map((v) => v.id),
          layout.variants.map((v) => JSON.stringify(v.roles)),
          layout.variants.map((v) => JSON.stringify(v.sections)),
          layout.variants.map((v) => clicksTaggedValue(v.clicksTagged)),
        ],
      );
      await pool.query(
        `INSERT INTO issue_summaries (issue_id, summary_id, roles, topics)
         SELECT $1, s, r, t FROM unnest($2::text[], $3::text[], $4::text[]) AS u(s, r, t)
         ON CONFLICT (issue_id, summary_id) DO UPDATE SET roles = excluded.roles, topics = excluded.topics`,
        [
          issueId,
          layout.summaries.map((s) => s.id),
          layout.summaries.map((s) => JSON.stringify(s.roles)),
          layout.summaries.map((s) => JSON.stringify(s.topics)),
        ],
      );
    },
    async applyPending(now) {
      const journal = await store.suppressions.applyJournal();
      if (!options.sideFileBase) return { journal, unrecorded: 0, unrecordedFile: undefined };
      const replayed = await replayUnrecordedInto(store, options.sideFileBase, now);
      return { journal, ...replayed };
    },
    explain: (error, again) => postgresUseError(description, error, again),
    async close() {
      if (options.ownsPool !== false) await pool.end();
    },
  };
  return store;
}

/**
 * A failed query as the person sees it: the server gone or refusing writes stops a send like a full
 * disk does (exit 3, run the same command again). Errors in rolecast's own SQL (class 42) are bugs.
 */
export function postgresUseError(description: string, error: unknown, again = SEND_AGAIN): unknown {
  if (error instanceof RolecastError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('42')) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new RolecastError('E_STATE_UNAVAILABLE', `the database at ${description} could not be used: ${reason}`, {
    exitCode: EXIT.sendFailed,
    hint: `check that the database server is running and reachable, then run the same command again: ${again}`,
    cause: error,
  });
}
