import { type Pool, transaction } from '../../db/postgres.js';
import type { StoredWave, WaveStatus } from '../../schedule/store.js';
import type { ScheduledWaves } from '../contract.js';

/** The stored waves of a scheduled send in PostgreSQL: the schedule_waves table of the state file. */
export function postgresWaves(pool: Pool, issueId: string, channel: string, now: () => Date): ScheduledWaves {
  const list = async (): Promise<StoredWave[]> => {
    const { rows } = await pool.query<{
      wave_utc: string;
      status: WaveStatus;
      recipients: number;
      zones: string;
      detail: string | null;
      updated_at: string;
    }>(
      `SELECT wave_utc, status, recipients, zones, detail, updated_at FROM schedule_waves
       WHERE issue_id = $1 AND channel = $2 ORDER BY wave_utc COLLATE "C"`,
      [issueId, channel],
    );
    return rows.map((row) => ({
      waveUtc: row.wave_utc,
      status: row.status,
      recipients: row.recipients,
      zones: JSON.parse(row.zones) as string[],
      detail: row.detail,
      updatedAt: row.updated_at,
    }));
  };
  return {
    async register(waves) {
      // As the SQLite store, in one transaction: a wave that never started and that the plan no
      // longer has is dropped, and the plan's waves are recorded.
      await transaction(pool, async (client) => {
        await client.query(
          `DELETE FROM schedule_waves WHERE issue_id = $1 AND channel = $2 AND status = 'pending' AND NOT (wave_utc = ANY($3::text[]))`,
          [issueId, channel, waves.map((w) => w.utc)],
        );
        if (waves.length > 0)
          await client.query(
            `INSERT INTO schedule_waves (issue_id, channel, wave_utc, status, recipients, zones, updated_at)
             SELECT $1, $2, w, 'pending', n, z, $3 FROM unnest($4::text[], $5::int[], $6::text[]) AS t(w, n, z)
             ON CONFLICT (issue_id, channel, wave_utc) DO UPDATE SET recipients = excluded.recipients, zones = excluded.zones`,
            [
              issueId,
              channel,
              now().toISOString(),
              waves.map((w) => w.utc),
              waves.map((w) => w.count),
              waves.map((w) => JSON.stringify(w.zones.map((z) => z.zone))),
            ],
          );
      });
      return new Map((await list()).map((w) => [w.waveUtc, w.status]));
    },
    async mark(waveUtc, status, detail) {
      await pool.query(
        'UPDATE schedule_waves SET status = $1, detail = $2, updated_at = $3 WHERE issue_id = $4 AND channel = $5 AND wave_utc = $6',
        [status, detail ?? null, now().toISOString(), issueId, channel, waveUtc],
      );
    },
    list,
  };
}

/** Channels holding a stored schedule for the issue. */
export async function postgresScheduledChannels(pool: Pool, issueId: string): Promise<string[]> {
  const { rows } = await pool.query<{ channel: string }>(
    'SELECT DISTINCT channel COLLATE "C" AS channel FROM schedule_waves WHERE issue_id = $1 ORDER BY 1 DESC',
    [issueId],
  );
  return rows.map((r) => r.channel);
}
