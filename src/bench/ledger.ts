import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '../db/postgres.js';
import { openLedger } from '../send/ledger.js';
import { openStateDb } from '../send/store.js';
import type { LedgerEntry } from '../state/contract.js';
import { migrateState, postgresState } from '../state/postgres/index.js';

const ROWS = 10_000;
const BATCHES = [1, 5, 20, 100];

/**
 * The cost of recording accepted messages in the ledger: one transaction per message (as every
 * send wrote before batching) against batches of the sizes a send forms (5 = every connection of
 * the default pool waiting on the same commit). PostgreSQL when ROLECAST_BENCH_DATABASE_URL names
 * an empty database: queries (round trips) and time per message.
 */
export async function benchLedger(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bench-ledger-'));
  try {
    const rows = Array.from({ length: ROWS }, (_, i) => row(i));
    const db = openStateDb(join(dir, 'state.db'));
    try {
      const one = openLedger(db, 'single', 'smtp');
      let started = performance.now();
      for (const r of rows) one.record(r);
      print(`SQLite, one transaction per message: ${perMessage(started)} µs/message`);
      for (const size of BATCHES) {
        const ledger = openLedger(db, `batch-${size}`, 'smtp');
        started = performance.now();
        for (let i = 0; i < rows.length; i += size) ledger.recordMany(rows.slice(i, i + size));
        print(`SQLite, batches of ${size}: ${perMessage(started)} µs/message`);
      }
    } finally {
      db.close();
    }
    const url = process.env.ROLECAST_BENCH_DATABASE_URL;
    if (!url) {
      print('PostgreSQL: set ROLECAST_BENCH_DATABASE_URL to an empty database to measure it');
      return;
    }
    const pool = await openPostgres(url, { max: 2 });
    await migrateState(pool);
    let queries = 0;
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      queries++;
      return query(...args);
    }) as typeof pool.query;
    const store = postgresState(pool, url);
    try {
      for (const size of BATCHES) {
        const ledger = store.ledger(`bench-${size}-${Date.now()}`, 'smtp');
        const before = queries;
        const started = performance.now();
        for (let i = 0; i < rows.length; i += size) await ledger.recordMany(rows.slice(i, i + size));
        const trips = (queries - before) / ROWS;
        print(
          `PostgreSQL, batches of ${size}: ${trips.toFixed(3)} round trips/message, ${perMessage(started)} µs/message`,
        );
      }
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function row(i: number): LedgerEntry {
  return {
    email: `reader${i}@example.com`,
    variantId: 'cto',
    status: 'sent',
    messageId: `<2026-W48.${i}@example.com>`,
    responseCode: 250,
    response: `250 2.0.0 Ok: queued as ${i.toString(16)}`,
    attempts: 1,
  };
}

function perMessage(started: number): string {
  return (((performance.now() - started) * 1000) / ROWS).toFixed(1);
}

function print(line: string): void {
  console.log(line);
}
