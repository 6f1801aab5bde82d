import { openPostgres, type Pool, type PoolClient, redactDatabaseUrl } from '../../db/postgres.js';
import { hasTable } from '../../db/sqlite-tables.js';
import { ensureScheduleSchema } from '../../schedule/store.js';
import type { LockRow } from '../../send/lock.js';
import { stateUseError } from '../../send/state-file.js';
import { openStateDb, type StateDb } from '../../send/store.js';
import type { StateLocation } from '../location.js';
import type { CopyComponent, CopyTable } from './steps.js';

/** One end of a copy: rows read page by page from a source, written in one transaction to a target. */
export interface Side {
  readonly description: string;
  prepare(component: CopyComponent): Promise<void>;
  /** The send locks held, or left, in it. */
  locks(): Promise<HeldLock[]>;
  hasTable(table: string): Promise<boolean>;
  count(table: string): Promise<number>;
  /** The rows, as arrays in `columns` order, in pages. */
  read(table: CopyTable): AsyncIterable<unknown[][]>;
  /** Source: reads from here on see one snapshot, whatever is written meanwhile. */
  snapshot(): Promise<void>;
  begin(): Promise<void>;
  clear(table: string): Promise<void>;
  write(table: CopyTable, rows: unknown[][]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

const PAGE = 2_000;
const LOCK_COLUMNS = 'issue_id, pid, host, token, started_at, proc_start';

export type HeldLock = LockRow & { issue_id: string };

/** `target`: the side copied into, whose SQLite file may be new where a lost one was. */
export async function openSide(location: StateLocation, target = false): Promise<Side> {
  return location.kind === 'sqlite'
    ? sqliteSide(openStateDb(location.file, { copyTarget: target }), location.file)
    : postgresSide(await openPostgres(location.url, { max: 2 }), redactDatabaseUrl(location.url));
}

function sqliteSide(db: StateDb, file: string): Side {
  // A failure is named with its file, as every other command names it: without it a full disk under
  // the target read "a state file could not be used … it must be a rolecast state file", exit 2,
  // naming neither file.
  const named = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw stateUseError(file, error);
    }
  };
  // Tables some state files only get on first use.
  named(() => ensureScheduleSchema(db));
  return {
    description: file,
    async prepare(component) {
      named(() => component.prepareSqlite?.(db));
    },
    async locks() {
      return named(() => {
        return hasTable(db, 'locks') ? (db.prepare(`SELECT ${LOCK_COLUMNS} FROM locks`).all() as HeldLock[]) : [];
      });
    },
    hasTable: async (table) => named(() => hasTable(db, table)),
    count: async (table) => named(() => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number),
    async *read(table) {
      const by = table.order?.sqlite ?? table.key?.join(', ');
      const order = by ? ` ORDER BY ${by}` : '';
      const rows = named(
        () =>
          db
            .prepare(`SELECT ${table.columns.join(', ')} FROM ${table.table}${order}`)
            .raw()
            .iterate() as IterableIterator<unknown[]>,
      );
      let page: unknown[][] = [];
      try {
        for (;;) {
          const next = named(() => rows.next());
          if (next.done) break;
          page.push(next.value);
          if (page.length >= PAGE) {
            yield page;
            page = [];
          }
        }
      } finally {
        // A copy stopped half-way (the target's disk full): a statement left open keeps the connection
        // busy, so its ROLLBACK and close would fail and the source stay open.
        rows.return?.();
      }
      if (page.length > 0) yield page;
    },
    async snapshot() {
      // A read transaction in WAL mode: later commits by other processes stay invisible to it.
      named(() => {
        db.exec('BEGIN');
        db.prepare('SELECT COUNT(*) FROM deliveries').get();
      });
    },
    async begin() {
      named(() => db.exec('BEGIN IMMEDIATE'));
    },
    async clear(table) {
      named(() => db.exec(`DELETE FROM ${table}`));
    },
    async write(table, rows) {
      const marks = table.columns.map(() => '?').join(', ');
      named(() => {
        const insert = db.prepare(`INSERT INTO ${table.table} (${table.columns.join(', ')}) VALUES (${marks})`);
        for (const row of rows) insert.run(...row);
      });
    },
    async commit() {
      named(() => db.exec('COMMIT'));
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    async close() {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

function postgresSide(pool: Pool, description: string): Side {
  let client: PoolClient | undefined;
  const run = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (client ?? pool).query<T>(sql, params);
  return {
    description,
    async prepare(component) {
      await component.preparePostgres?.(pool);
    },
    async locks() {
      const { rows } = await run<{ found: boolean }>("SELECT to_regclass('public.locks') IS NOT NULL AS found");
      if (rows[0]?.found !== true) return [];
      return (await run<HeldLock & Record<string, unknown>>(`SELECT ${LOCK_COLUMNS} FROM locks`)).rows;
    },
    async hasTable(table) {
      const { rows } = await run<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
        `public.${table}`,
      ]);
      return rows[0]?.found === true;
    },
    async count(table) {
      const { rows } = await run<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`);
      return rows[0]?.n ?? 0;
    },
    async *read(table) {
      const columns = table.columns.join(', ');
      if (!table.key || table.order) {
        const order = table.order ? ` ORDER BY ${table.order.postgres}` : '';
        const { rows } = await (client ?? pool).query({
          text: `SELECT ${columns} FROM ${table.table}${order}`,
          rowMode: 'array',
        });
        if (rows.length > 0) yield rows as unknown[][];
        return;
      }
      // Keyset pages: each page starts after the last key of the one before.
      const key = table.key;
      const keyAt = key.map((k) => table.columns.indexOf(k));
      let after: unknown[] | undefined;
      for (;;) {
        const where = after ? ` WHERE (${key.join(', ')}) > (${key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
        const { rows } = await (client ?? pool).query({
          text: `SELECT ${columns} FROM ${table.table}${where} ORDER BY ${key.join(', ')} LIMIT ${PAGE}`,
          values: after ?? [],
          rowMode: 'array',
        });
        if (rows.length === 0) return;
        yield rows as unknown[][];
        const last = rows[rows.length - 1] as unknown[];
        after = keyAt.map((i) => last[i]);
        if (rows.length < PAGE) return;
      }
    },
    async snapshot() {
      client = await pool.connect();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },
    async begin() {
      client = await pool.connect();
      await client.query('BEGIN');
    },
    async clear(table) {
      await run(`DELETE FROM ${table}`);
    },
    async write(table, rows) {
      const width = table.columns.length;
      // Within the 65,535 parameters of one statement.
      const per = Math.max(1, Math.floor(60_000 / width));
      for (let start = 0; start < rows.length; start += per) {
        const chunk = rows.slice(start, start + per);
        const values = chunk
          .map((_, r) => `(${table.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`)
          .join(', ');
        await run(`INSERT INTO ${table.table} (${table.columns.join(', ')}) VALUES ${values}`, chunk.flat());
      }
      if (table.afterPostgresWrite) await run(table.afterPostgresWrite);
    },
    async commit() {
      await client?.query('COMMIT');
      client?.release();
      client = undefined;
    },
    async rollback() {
      if (!client) return;
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      client = undefined;
    },
    async close() {
      if (client) {
        await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
      await pool.end();
    },
  };
}
