import type { StateDb } from '../send/store.js';
import { markEveryWrite } from '../state/sqlite/generation.js';

/** The `bounce_events` table of the SQLite state file, created by the first command that writes one. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS bounce_events (
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
CREATE INDEX IF NOT EXISTS bounce_events_email ON bounce_events (email);
CREATE INDEX IF NOT EXISTS bounce_events_issue ON bounce_events (issue_id);
CREATE INDEX IF NOT EXISTS deliveries_message_id ON deliveries (message_id);
`;

export function ensureBounceSchema(db: StateDb): void {
  db.exec(SCHEMA);
  markEveryWrite(db);
}
