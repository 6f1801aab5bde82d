import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { applyEvents, type BounceEvent, emptyHints, sqliteBounceStore } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A provider's webhook batch holds thousands of events, applied in one transaction that keeps the
 * state file from unsubscribes, clicks and a running send. The statements each event runs (is it
 * known, the reader's history, suppressed or erased, record it) are prepared once per state file,
 * not once per event: a batch ten times longer prepares no more of them, and decides the same.
 */

let dir: string;
let db: StateDb;
let prepares = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-batch-statements-'));
  db = openStateDb(join(dir, 'state.db'));
  const insert = db.prepare(
    "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, updated_at) VALUES ('2026-W48', 'smtp', ?, 'cto', 'sent', '2026-11-30T08:00:00.000Z')",
  );
  db.transaction(() => {
    for (let i = 0; i < 1000; i++) insert.run(`reader${i}@example.com`);
  })();
  db.prepare(
    "INSERT INTO suppressions (email, reason, source, created_at) VALUES ('reader3@example.com', 'unsubscribe', 'preferences', '2026-11-01T00:00:00.000Z')",
  ).run();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepares++;
    return prepare(sql);
  }) as typeof db.prepare;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function batch(name: string, size: number): BounceEvent[] {
  return Array.from({ length: size }, (_, i) => ({
    eventId: `sendgrid:${name}-${i}`,
    address: `reader${i}@example.com`,
    kind: i % 2 === 0 ? ('hard' as const) : ('soft' as const),
    status: i % 2 === 0 ? '5.1.1' : '4.2.2',
    diagnostic: i % 2 === 0 ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full',
    source: 'sendgrid',
    at: new Date('2026-11-30T09:00:00Z'),
    hints: emptyHints(),
  }));
}

async function prepared(name: string, size: number) {
  const before = prepares;
  const decisions = await applyEvents(sqliteBounceStore(db), batch(name, size), {
    softLimit: 3,
    authenticated: true,
    now: new Date('2026-11-30T10:00:00Z'),
  });
  return { statements: prepares - before, decisions };
}

it('prepares no more statements for a batch of 500 events than for one of 50, and decides each the same', async () => {
  await prepared('first', 5);
  const small = await prepared('small', 50);
  const large = await prepared('large', 500);
  expect(large.statements).toBe(small.statements);
  expect(large.decisions).toHaveLength(500);
  // Each event is decided as before: hard bounces suppress, soft ones count, an unsubscribed reader stays so.
  expect(large.decisions[0]).toMatchObject({ outcome: 'already suppressed', email: 'reader0@example.com' });
  expect(large.decisions[2]).toMatchObject({ outcome: 'already suppressed', kind: 'hard' });
  expect(large.decisions[3]).toMatchObject({ outcome: 'already suppressed', kind: 'soft' });
  expect(large.decisions[51]).toMatchObject({ outcome: 'counted', kind: 'soft', inARow: 1 });
  expect(large.decisions[60]).toMatchObject({ outcome: 'suppressed', kind: 'hard' });
  expect(await sqliteBounceStore(db).isSuppressed('reader61@example.com')).toBe(false);
  expect(await sqliteBounceStore(db).isSuppressed('reader60@example.com')).toBe(true);
});
