import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { logMismatch } from '../../src/send/log-origin.js';
import { readLog } from '../../src/send/wal-check.js';

/**
 * log-origin.ts reads the id row of a state file from the file's bytes (and through its log) on
 * every open, by walking SQLite's b-trees itself. What it reads is held here against what SQLite
 * reads, for files in the shapes SQLite can give them: every page size, a schema and tables of many
 * pages (the row's page far from the first), auto_vacuum, after VACUUM, columns added later.
 */

const dir = mkdtempSync(join(tmpdir(), 'rolecast-log-origin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Shape {
  pageSize: number;
  autoVacuum?: boolean;
  filler?: number;
  vacuum?: boolean;
  addedColumns?: boolean;
  /** The table's own columns and constraints, where not the plain ones. */
  table?: string;
}

const SHAPES: Shape[] = [512, 1024, 4096, 8192, 65536].flatMap((pageSize) => [
  { pageSize },
  { pageSize, filler: 3000 },
  { pageSize, autoVacuum: true, filler: 1500 },
  { pageSize, filler: 1500, vacuum: true },
  { pageSize, addedColumns: true, filler: 200 },
]);

/** Tables whose definitions hold commas of their own, or a constraint before the columns added later. */
const TABLES: Shape[] = [
  "id TEXT NOT NULL CHECK (length(id) IN (1, 2) OR id <> ''), counter INTEGER NOT NULL DEFAULT (max(0, 0))",
  'id TEXT NOT NULL, counter INTEGER NOT NULL, CHECK (counter >= 0), UNIQUE (id, counter)',
  '"id" TEXT NOT NULL /* a, b */, [counter] INTEGER NOT NULL DEFAULT 0 -- c, d\n',
  'id TEXT NOT NULL DEFAULT \'a,(b\', "odd, name""s" TEXT DEFAULT \')\', counter INTEGER NOT NULL, CONSTRAINT one PRIMARY KEY (id)',
].map((table) => ({ pageSize: 4096, addedColumns: true, filler: 200, table }));

function name(s: Shape): string {
  return `${s.table ? `(${s.table.trim()}), ` : ''}${s.pageSize} B pages${s.autoVacuum ? ', auto_vacuum' : ''}${s.filler ? `, ${s.filler} rows before` : ''}${s.vacuum ? ', after VACUUM' : ''}${s.addedColumns ? ', columns added later' : ''}`;
}

let count = 0;

/** A file of that shape holding the id row; returns its path and the id. */
function build(shape: Shape): { file: string; id: string } {
  const file = join(dir, `state-${++count}.db`);
  const db = new Database(file);
  db.pragma(`page_size = ${shape.pageSize}`);
  if (shape.autoVacuum) db.pragma('auto_vacuum = FULL');
  db.pragma('journal_mode = WAL');
  // Many tables first: the schema runs over several pages, the id row's table far from the start.
  for (let t = 0; t < 40; t++) db.exec(`CREATE TABLE filler_${t} (a TEXT, b INTEGER)`);
  const fill = db.prepare('INSERT INTO filler_0 (a, b) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < (shape.filler ?? 0); i++) fill.run(`row ${i} ${'x'.repeat(i % 90)}`, i);
  })();
  if (shape.addedColumns) {
    db.exec(`CREATE TABLE state_generation (${shape.table ?? 'id TEXT NOT NULL, counter INTEGER NOT NULL'})`);
  } else {
    db.exec(
      'CREATE TABLE state_generation (id TEXT NOT NULL, counter INTEGER NOT NULL, log_mark INTEGER NOT NULL DEFAULT 0, log_base INTEGER NOT NULL DEFAULT 0)',
    );
  }
  const id = `id-${count}-0f1e2d3c4b5a69788796a5b4c3d2e1f0`;
  db.prepare('INSERT INTO state_generation (id, counter) VALUES (?, 7)').run(id);
  if (shape.addedColumns) {
    // The row stays as written, without the columns added after it.
    db.exec('ALTER TABLE state_generation ADD COLUMN log_mark INTEGER NOT NULL DEFAULT 0');
    db.exec('ALTER TABLE state_generation ADD COLUMN log_base INTEGER NOT NULL DEFAULT 0');
  }
  if (shape.filler) db.exec(`DELETE FROM filler_0 WHERE b % 3 = 0`);
  if (shape.vacuum) db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { file, id };
}

/** What SQLite reads in the row: from the file alone, and through a log. */
function sqliteRow(file: string): { id: string; at: number; base: number } {
  const db = new Database(file);
  try {
    const row = db.prepare('SELECT id, counter + log_mark AS at, log_base AS base FROM state_generation').get() as {
      id: string;
      at: number;
      base: number;
    };
    return row;
  } finally {
    db.close();
  }
}

describe('the id row read from the bytes matches what SQLite reads', () => {
  it.each([...SHAPES, ...TABLES].map((s) => [name(s), s] as const))('%s', (_name, shape) => {
    const { file, id } = build(shape);
    const earlier = `${file}.earlier`;
    copyFileSync(file, earlier);
    const own = sqliteRow(earlier);

    // Later writes, copied into the file; then one the log alone holds, recording how far the file got.
    const db = new Database(file);
    db.pragma('wal_autocheckpoint = 0');
    db.exec('UPDATE state_generation SET counter = counter + 5, log_mark = log_mark + 2');
    db.exec('DELETE FROM filler_0 WHERE b % 5 = 0');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('UPDATE state_generation SET log_base = counter + log_mark');
    const wal = `${earlier}-wal`;
    copyFileSync(`${file}-wal`, wal);
    const through = sqliteRow(file);
    db.close();

    const log = readLog(wal);
    expect(log).toBeDefined();
    expect(own.id).toBe(id);
    expect(through.id).toBe(id);
    const found = logMismatch(earlier, wal, log!);
    rmSync(wal);
    // What it reads from the earlier copy's bytes, and through the log laid over them, is what SQLite reads.
    expect(found).toEqual({ kind: 'older', fileAt: own.at, logAfter: through.base });
    expect([own.at, through.base]).toEqual([7, 14]);
  });
});

/** A state file in WAL mode, checkpointed at will only: its path and an open connection. */
function walFile(label: string): { file: string; db: Database.Database } {
  const file = join(dir, `${label}-${++count}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE filler_0 (a TEXT, b INTEGER)');
  return { file, db };
}

const GENERATION =
  'CREATE TABLE state_generation (id TEXT NOT NULL, counter INTEGER NOT NULL, log_mark INTEGER NOT NULL DEFAULT 0, log_base INTEGER NOT NULL DEFAULT 0)';

/** Puts the log `db` holds now beside `file`, as a log taken at that moment would be. */
function logBeside(db: Database.Database, file: string): string {
  const wal = `${file}-wal`;
  copyFileSync(`${db.name}-wal`, wal);
  return wal;
}

describe('a log whose state the file has moved past, or a file from before the id row', () => {
  it('reads a log of an earlier run beside the file written on since as newer than its log', () => {
    const { file, db } = walFile('later-file');
    db.exec(GENERATION);
    db.exec("INSERT INTO state_generation (id, counter) VALUES ('one', 7)");
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('UPDATE state_generation SET counter = counter + 1');
    const earlierLog = `${file}.earlier-wal`;
    copyFileSync(`${file}-wal`, earlierLog);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('UPDATE state_generation SET counter = counter + 1');
    db.close();
    const wal = `${file}-wal`;
    copyFileSync(earlierLog, wal);
    expect(logMismatch(file, wal, readLog(wal)!)).toEqual({ kind: 'newer', fileAt: 9, logAt: 8 });
  });

  it('reads a log from before the file had its id row beside a file with one as newer than its log', () => {
    const { file, db } = walFile('log-before-row');
    db.pragma('wal_checkpoint(TRUNCATE)');
    // A table made, so the log holds the schema's page as it was then.
    db.exec('CREATE TABLE filler_1 (a TEXT)');
    const earlierLog = `${file}.earlier-wal`;
    copyFileSync(`${file}-wal`, earlierLog);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec(GENERATION);
    db.exec("INSERT INTO state_generation (id, counter) VALUES ('one', 3)");
    db.close();
    const wal = `${file}-wal`;
    copyFileSync(earlierLog, wal);
    expect(logMismatch(file, wal, readLog(wal)!)).toEqual({ kind: 'newer', fileAt: 3, logAt: undefined });
  });

  it('reads a file from before the id row beside a log written after the row reached the file as older', () => {
    const { file, db } = walFile('file-before-row');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const earlier = `${file}.earlier`;
    copyFileSync(file, earlier);
    db.exec(GENERATION);
    db.exec("INSERT INTO state_generation (id, counter) VALUES ('one', 5)");
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('UPDATE state_generation SET log_base = counter + log_mark');
    // The schema's page in the log too (a table made, the file grown): the row is read through it.
    db.exec('CREATE TABLE filler_1 (a TEXT)');
    const wal = logBeside(db, earlier);
    db.close();
    expect(logMismatch(earlier, wal, readLog(wal)!)).toEqual({ kind: 'older', fileAt: 0, logAfter: 5 });
  });

  it('gives no verdict on a file from before the id row whose log made the row and recorded no base', () => {
    const { file, db } = walFile('row-made-in-log');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec(GENERATION);
    db.exec("INSERT INTO state_generation (id, counter) VALUES ('one', 5)");
    const earlier = `${file}.earlier`;
    copyFileSync(file, earlier);
    const wal = logBeside(db, earlier);
    db.close();
    expect(logMismatch(earlier, wal, readLog(wal)!)).toBeUndefined();
  });
});
