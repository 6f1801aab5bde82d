import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient, QueryResultRow } from 'pg';

/**
 * Queries that follow the caller's transaction: the stores' contracts take a `transaction(work)`
 * whose `work` calls the store's own methods, so each method asks this helper for the client of
 * the transaction it runs in (tracked per async context), or the pool outside one.
 *
 * Transactions are SERIALIZABLE: a read-then-write in one (a nonce checked, then cleared) cannot
 * interleave with the same one on another host. The loser gets a serialization failure and its
 * `work` runs again from the start, which the contracts allow (no I/O besides the store inside).
 */
export interface Scoped {
  query<R extends QueryResultRow = QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  /**
   * `options.lock`: an advisory lock (an SQL bigint expression) held on the transaction's
   * connection from before BEGIN until after it ends, so its snapshot is taken once the lock is
   * held: writes that held the lock when it was asked for are committed and seen.
   */
  transaction<T>(work: () => Promise<T>, options?: { lock?: string }): Promise<T>;
}

/**
 * Attempts of one transaction before a serialization failure is handed to the caller. Serializable
 * transactions on small, busy tables conflict often (predicate locks cover whole pages), so many
 * replicas taking a burst of signups need more than a handful of tries.
 */
const MAX_ATTEMPTS = 30;
/** SQLSTATEs that mean "run it again": serialization failure, deadlock. */
const RETRY = new Set(['40001', '40P01']);

export function scoped(pool: Pool): Scoped {
  const current = new AsyncLocalStorage<PoolClient>();
  return {
    async query<R extends QueryResultRow>(sql: string, params: unknown[] = []) {
      const result = await (current.getStore() ?? pool).query<R>(sql, params);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async transaction(work, options = {}) {
      // Nested calls join the outer transaction.
      const outer = current.getStore();
      if (outer) {
        // Its snapshot is older than the lock: the best left is to hold the lock to its end.
        if (options.lock) await outer.query(`SELECT pg_advisory_xact_lock(${options.lock})`);
        return work();
      }
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let locked = false;
        try {
          if (options.lock) {
            await client.query(`SELECT pg_advisory_lock(${options.lock})`);
            locked = true;
          }
          await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          const result = await current.run(client, work);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        } finally {
          // A connection whose unlock failed is closed, which frees the lock, not pooled with it.
          const unlocked =
            !locked ||
            (await client.query(`SELECT pg_advisory_unlock(${options.lock})`).then(
              () => true,
              () => false,
            ));
          client.release(unlocked ? undefined : true);
        }
        // A random pause growing with each attempt (up to ~200 ms), so hosts that collided do not collide again in step.
        await new Promise((resolve) =>
          setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6))),
        );
      }
    },
  };
}

export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && RETRY.has(code);
}

/** A unique-constraint violation (the row is there already). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '23505';
}
