import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb } from '../../src/send/store.js';

/** Ways a state file can be ruined, each written at `file` (whose folder exists). */
export type Damage =
  | 'random bytes'
  | 'truncated copy'
  | 'directory in its place'
  | 'another application (other tables)'
  | 'another application (application_id)'
  | 'deliveries with other columns'
  | 'unknown delivery status'
  | 'NULL suppression key'
  | 'NULL delivery key';

export const DAMAGES: Damage[] = [
  'random bytes',
  'truncated copy',
  'directory in its place',
  'another application (other tables)',
  'another application (application_id)',
  'deliveries with other columns',
  'unknown delivery status',
  'NULL suppression key',
  'NULL delivery key',
];

/** A real state file with `rows` accepted messages of issue 2026-W48, each with the server's `response`. */
export function realStateFile(file: string, rows = 50, response = '250 OK'): void {
  const db = openStateDb(file);
  const ledger = openLedger(db, '2026-W48', 'outbox');
  db.transaction(() => {
    for (let i = 0; i < rows; i++)
      ledger.record({
        email: `reader${String(i).padStart(5, '0')}@example.test`,
        variantId: 'v1',
        status: 'sent',
        messageId: `<m${i}@example.test>`,
        responseCode: 250,
        response,
        attempts: 1,
      });
  })();
  db.close();
}

export function damageStateFile(file: string, damage: Damage): void {
  switch (damage) {
    case 'random bytes':
      writeFileSync(file, randomBytes(8192));
      return;
    case 'truncated copy': {
      realStateFile(`${file}.orig`, 3000);
      copyFileSync(`${file}.orig`, file);
      truncateSync(file, Math.floor(readFileSync(file).length / 2));
      return;
    }
    case 'directory in its place':
      mkdirSync(file);
      return;
    case 'another application (other tables)':
      withDb(file, (db) =>
        db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x')"),
      );
      return;
    case 'another application (application_id)':
      realStateFile(file);
      withDb(file, (db) => db.pragma('application_id = 1234'));
      return;
    case 'deliveries with other columns':
      withDb(file, (db) => db.exec('CREATE TABLE deliveries (id INTEGER PRIMARY KEY, payload BLOB)'));
      return;
    case 'unknown delivery status':
      realStateFile(file);
      withDb(file, (db) => {
        db.pragma('ignore_check_constraints = ON');
        db.prepare("UPDATE deliveries SET status = 'maybe' WHERE email = 'reader00003@example.test'").run();
      });
      return;
    case 'NULL suppression key':
      realStateFile(file);
      withDb(file, (db) =>
        db.prepare("INSERT INTO suppressions (email, reason, created_at) VALUES (NULL, 'bounce', 'x')").run(),
      );
      return;
    case 'NULL delivery key':
      // Our columns, without the constraints: as a hand-made or converted file would have them.
      withDb(file, (db) => {
        db.exec(`CREATE TABLE deliveries (issue_id TEXT, channel TEXT, email TEXT, variant_id TEXT, status TEXT,
          message_id TEXT, response_code INTEGER, response TEXT, attempts INTEGER, updated_at TEXT)`);
        db.prepare(
          "INSERT INTO deliveries VALUES ('2026-W48', 'outbox', NULL, 'v1', 'sent', '<m@x>', 250, '250 OK', 1, 'x')",
        ).run();
      });
      return;
  }
}

function withDb(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    change(db);
  } finally {
    db.close();
  }
}

export const DAMAGED_MESSAGE = /is damaged: .+ — restore it from a backup or move it aside; nothing was sent/;
