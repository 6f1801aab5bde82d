import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvents, type BounceStore, sqliteBounceStore } from '../../src/bounces/index.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import { migrateBounceStorePg, postgresBounceStore } from '../../src/bounces/store-postgres.js';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { openStateDb } from '../../src/send/store.js';
import {
  migrateSubscriberStorePg,
  postgresSubscriberStore,
  type SubscriberStore,
  sqliteSubscriberStore,
} from '../../src/store/index.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * SES events stored by earlier releases hold the address in their id: the same notification
 * delivered again after the upgrade is still a duplicate, and `subscribers forget` leaves the
 * address in no id.
 */
const NOW = new Date('2026-12-01T12:00:00Z');
const reader = 'priya.raman@example.com';
const notification = {
  notificationType: 'Complaint',
  mail: { messageId: 'ses-msg-1', source: 'digest@rolecast.example' },
  complaint: { feedbackId: 'fb-1', timestamp: NOW.toISOString(), complainedRecipients: [{ emailAddress: reader }] },
};
const options = { softLimit: 3, now: NOW, authenticated: true };

async function upgradeAndForget(
  bounces: BounceStore,
  readers: SubscriberStore,
  eventIds: () => Promise<string[]>,
): Promise<void> {
  const [event] = readSesNotification(notification, NOW);
  await applyEvents(bounces, [{ ...event!, eventId: `ses:fb-1:${reader}` }], options);
  const again = await applyEvents(bounces, readSesNotification(notification, NOW), options);
  expect(again.map((d) => d.outcome)).toEqual(['duplicate']);
  await readers.forget(reader, NOW);
  const ids = await eventIds();
  expect(ids).toHaveLength(1);
  expect(ids.join()).not.toContain('priya');
  expect(ids[0]).toMatch(/^ses:fb-1:/);
}

describe('SES events stored by an earlier release', () => {
  it('SQLite: a redelivery is a duplicate, and forget takes the address out of the id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rolecast-test-'));
    const db = openStateDb(join(dir, 'state.db'));
    try {
      await upgradeAndForget(sqliteBounceStore(db), sqliteSubscriberStore(db), async () =>
        (db.prepare('SELECT event_id FROM bounce_events').pluck().all() as string[]).sort(),
      );
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describePostgres('SES events stored by an earlier release, PostgreSQL', () => {
  const url = useFreshDatabase('ses_upgrade');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(url(), { max: 2 });
    await migrateSubscriberStorePg(pool);
    await migrateBounceStorePg(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('a redelivery is a duplicate, and forget takes the address out of the id', async () => {
    await upgradeAndForget(postgresBounceStore(pool), postgresSubscriberStore(pool), async () =>
      (await pool.query<{ event_id: string }>('SELECT event_id FROM bounce_events ORDER BY 1')).rows.map(
        (r) => r.event_id,
      ),
    );
  });
});
