import { hasTable } from '../db/sqlite-tables.js';
import type { StateDb } from '../send/store.js';
import { markEveryWrite } from '../state/sqlite/generation.js';
import type { Wave } from './plan.js';

/**
 * The stored plan: one row per wave in the same SQLite state file as the delivery ledger, so a
 * restarted `send --at` knows which waves already went out. Only `sent` is final: a `missed` or
 * `failed` wave can still be sent by a later run (for `missed`, with --send-missed). `sending` (the
 * process died during the wave) and `failed` (cut short, or messages deferred) mean the wave has
 * started; `pending` and `missed` mean it has not.
 */

export type WaveStatus = 'pending' | 'sending' | 'sent' | 'missed' | 'failed';

export interface StoredWave {
  waveUtc: string;
  status: WaveStatus;
  recipients: number;
  zones: string[];
  detail: string | null;
  updatedAt: string;
}

export interface WaveStore {
  /**
   * Records the plan's waves, keeping the status of any already stored, and drops stored waves
   * that never started and that the plan no longer has; returns every wave's status.
   */
  register(waves: readonly Wave[]): Map<string, WaveStatus>;
  mark(waveUtc: string, status: WaveStatus, detail?: string): void;
  list(): StoredWave[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schedule_waves (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  wave_utc TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'missed', 'failed')),
  recipients INTEGER NOT NULL,
  zones TEXT NOT NULL,
  detail TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (issue_id, channel, wave_utc)
);
`;

/** The wave table is created on first use, so the state file needs no migration step. */
export function ensureScheduleSchema(db: StateDb): void {
  db.exec(SCHEMA);
  markEveryWrite(db);
}

/** Channels holding a stored schedule for the issue; none when nothing was ever scheduled. Writes nothing. */
export function scheduledChannels(db: StateDb, issueId: string): string[] {
  if (!hasTable(db, 'schedule_waves')) return [];
  return db
    .prepare('SELECT DISTINCT channel FROM schedule_waves WHERE issue_id = ? ORDER BY channel DESC')
    .pluck()
    .all(issueId) as string[];
}

interface Row {
  wave_utc: string;
  status: WaveStatus;
  recipients: number;
  zones: string;
  detail: string | null;
  updated_at: string;
}

export function openWaveStore(
  db: StateDb,
  issueId: string,
  channel: string,
  now: () => Date = () => new Date(),
): WaveStore {
  // A read-only connection (status) only lists, and only after `scheduledChannels` found the table.
  if (!db.readonly) ensureScheduleSchema(db);
  const insert = db.prepare(
    `INSERT INTO schedule_waves (issue_id, channel, wave_utc, status, recipients, zones, updated_at)
     VALUES (?, ?, ?, 'pending', ?, ?, ?)
     ON CONFLICT (issue_id, channel, wave_utc) DO UPDATE SET recipients = excluded.recipients, zones = excluded.zones`,
  );
  const update = db.prepare(
    'UPDATE schedule_waves SET status = ?, detail = ?, updated_at = ? WHERE issue_id = ? AND channel = ? AND wave_utc = ?',
  );
  const select = db.prepare(
    'SELECT wave_utc, status, recipients, zones, detail, updated_at FROM schedule_waves WHERE issue_id = ? AND channel = ? ORDER BY wave_utc',
  );
  const dropPending = db.prepare(
    "DELETE FROM schedule_waves WHERE issue_id = ? AND channel = ? AND status = 'pending' AND wave_utc NOT IN (SELECT value FROM json_each(?))",
  );
  const rows = () => select.all(issueId, channel) as Row[];
  const registerAll = db.transaction((waves: readonly Wave[]) => {
    const at = now().toISOString();
    // A wave that never started and that the plan no longer has (its readers moved zone or left)
    // would show as pending for ever.
    dropPending.run(issueId, channel, JSON.stringify(waves.map((wave) => wave.utc)));
    for (const wave of waves) {
      insert.run(issueId, channel, wave.utc, wave.count, JSON.stringify(wave.zones.map((z) => z.zone)), at);
    }
  });
  return {
    register(waves) {
      registerAll(waves);
      return new Map(rows().map((row) => [row.wave_utc, row.status]));
    },
    mark(waveUtc, status, detail) {
      update.run(status, detail ?? null, now().toISOString(), issueId, channel, waveUtc);
    },
    list: () =>
      rows().map((row) => ({
        waveUtc: row.wave_utc,
        status: row.status,
        recipients: row.recipients,
        zones: JSON.parse(row.zones) as string[],
        detail: row.detail,
        updatedAt: row.updated_at,
      })),
  };
}
