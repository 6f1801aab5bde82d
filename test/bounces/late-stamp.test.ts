/**
 * A provider stamps a bounce by its own clock, and our ledger row for the delivery is written after
 * the provider's reply: a bounce that names only the address still counts for the issue it bounced.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { applyEvents, emptyHints, sqliteBounceStore } from '../../src/bounces/index.js';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb } from '../../src/send/store.js';
import { sentEntry } from '../helpers/ledger.js';

it('an address-only provider bounce stamped a moment before our ledger row counts for the issue it bounced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-test-'));
  const db = openStateDb(join(dir, 'state.db'));
  try {
    const reader = 'pm.gone@example.com';
    const deliver = (issueId: string, at: string) =>
      openLedger(db, issueId, 'smtp', () => new Date(at)).record(
        sentEntry(reader, { variantId: 'v1', messageId: null, response: '250 ok' }),
      );
    deliver('2026-W47', '2026-11-23T08:00:00.000Z');
    // W48 accepted by Postmark at 08:00:00.1; our ledger row written (our clock) at 08:00:00.8.
    deliver('2026-W48', '2026-11-30T08:00:00.800Z');
    // Postmark bounces it at once (inactive recipient), stamped by its clock: 08:00:00.3.
    const [decision] = await applyEvents(
      sqliteBounceStore(db),
      [
        {
          eventId: 'postmark:1',
          kind: 'hard',
          address: reader,
          status: '5.1.1',
          diagnostic: 'InactiveRecipient',
          source: 'postmark',
          at: new Date('2026-11-30T08:00:00.300Z'),
          hints: emptyHints(),
        },
      ],
      { softLimit: 3, now: new Date('2026-11-30T08:01:00Z'), authenticated: true },
    );
    const analytics = sqliteAnalyticsStore(db);
    expect(decision).toMatchObject({ issueId: '2026-W48' });
    expect(analytics.facts('2026-W48').deliveries).toEqual([expect.objectContaining({ bounced: 1 })]);
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
