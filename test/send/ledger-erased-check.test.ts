import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { hashedAddress } from '../../src/store/hash.js';
import { sentEntry } from '../helpers/ledger.js';
import { useStateDb } from '../helpers/state-db.js';

/**
 * After each batch of ledger rows the ledger asks whether another connection wrote to the file (a
 * `subscribers forget` may have erased a reader whose message was in flight). Asked after the
 * commit, that read took and dropped a read lock of its own on every batch; asked inside the
 * batch's transaction, it costs no call into the file system, and no other connection can commit
 * between the write and the check.
 */

const state = useStateDb('ledger-erased-check');
let other: StateDb | undefined;
afterEach(() => {
  other?.close();
  other = undefined;
});

/** The state file, noting for each read of its change counter whether a transaction was open. */
function countingReads(db: StateDb): { db: StateDb; reads: boolean[] } {
  const reads: boolean[] = [];
  const counted = new Proxy(db, {
    get(target, key) {
      if (key === 'prepare')
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!/data_version/i.test(sql)) return statement;
          const watched: typeof statement = new Proxy(statement, {
            get(inner, name) {
              if (name === 'pluck')
                return (...args: [boolean?]) => {
                  inner.pluck(...args);
                  return watched;
                };
              if (name === 'get')
                return (...args: unknown[]) => {
                  reads.push(target.inTransaction);
                  return inner.get(...args);
                };
              const value = Reflect.get(inner, name, inner);
              return typeof value === 'function' ? value.bind(inner) : value;
            },
          });
          return watched;
        };
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: counted, reads };
}

function eraseElsewhere(email: string): void {
  other ??= openStateDb(state.db.name);
  other
    .prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'erased', 'forget', ?)")
    .run(hashedAddress(email), new Date().toISOString());
}

function recordedEmails(): string[] {
  return state.db.prepare('SELECT email FROM deliveries ORDER BY email').pluck().all() as string[];
}

describe('the check for readers erased while their message was in flight', () => {
  it('reads the change counter inside each batch’s own transaction, never in a read of its own', () => {
    const { db, reads } = countingReads(state.db);
    const ledger = openLedger(db, '2026-W48', 'smtp');
    const opened = reads.length;
    for (const size of [1, 5, 40]) {
      ledger.recordMany(Array.from({ length: size }, (_, i) => sentEntry(`r${size}-${i}@example.com`)));
    }
    eraseElsewhere('late@example.com');
    ledger.recordMany([sentEntry('after@example.com')]);
    const batches = reads.slice(opened);
    // One read for each statement's rows (40 rows take two), all under the batch's write.
    expect(batches).toEqual([true, true, true, true, true]);
  });

  it('drops the row of a reader erased by another connection before the batch, and keeps the others', () => {
    const ledger = openLedger(state.db, '2026-W48', 'smtp');
    ledger.recordMany([sentEntry('first@example.com')]);
    eraseElsewhere('gone@example.com');
    ledger.recordMany([sentEntry('gone@example.com'), sentEntry('kept@example.com')]);
    const many = Array.from({ length: 40 }, (_, i) => sentEntry(`many${String(i).padStart(2, '0')}@example.com`));
    eraseElsewhere('many33@example.com');
    ledger.recordMany(many);
    expect(recordedEmails()).toEqual([
      'first@example.com',
      'kept@example.com',
      ...many.map((row) => row.email).filter((email) => email !== 'many33@example.com'),
    ]);
  });

  it('still refuses a batch as a whole when a row breaks the table', () => {
    const ledger = openLedger(state.db, '2026-W48', 'smtp');
    eraseElsewhere('gone@example.com');
    const rows = [sentEntry('gone@example.com'), sentEntry('bad@example.com', { status: 'bogus' as 'sent' })];
    expect(() => ledger.recordMany(rows)).toThrow(/CHECK constraint/);
    expect(recordedEmails()).toEqual([]);
  });
});
