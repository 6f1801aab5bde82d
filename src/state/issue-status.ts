import type { BounceRecord } from '../bounces/store.js';
import { BOUNCE_MIGRATIONS, postgresBounceStore } from '../bounces/store-postgres.js';
import { sqliteBounceStore } from '../bounces/store-sqlite.js';
import { hasTable } from '../db/postgres.js';
import type { StoredWave } from '../schedule/store.js';
import type { ChannelStatus } from '../send/ledger.js';
import { openExistingStateDb } from '../send/store.js';
import type { StateStore } from './contract.js';
import type { StateLocation } from './location.js';
import { openExistingState } from './open.js';
import { withPool } from './read-at.js';
import { sqliteState } from './sqlite/index.js';

export interface IssueStatus {
  channels: ChannelStatus[];
  schedules: { channel: string; waves: StoredWave[] }[];
  bounces: BounceRecord[];
}

/**
 * What `rolecast status` shows, read from either backend without writing: ledger counts and
 * failures, stored waves, and the bounces recorded for the issue.
 */
export async function readIssueStatus(location: StateLocation, issueId: string): Promise<IssueStatus> {
  if (location.kind === 'sqlite') {
    const db = openExistingStateDb(location.file);
    if (!db) return { channels: [], schedules: [], bounces: [] };
    try {
      const bounces = await sqliteBounceStore(db, { readonly: true }).events({ issueId });
      return { ...(await fromStore(sqliteState(db, location.file), issueId)), bounces };
    } finally {
      db.close();
    }
  }
  const store = await openExistingState(location);
  if (!store) return { channels: [], schedules: [], bounces: [] };
  try {
    const bounces = await withPool(location.url, { bounces: BOUNCE_MIGRATIONS }, async (pool) =>
      (await hasTable(pool, 'bounce_events')) ? postgresBounceStore(pool).events({ issueId }) : [],
    );
    return { ...(await fromStore(store, issueId)), bounces };
  } finally {
    await store.close();
  }
}

async function fromStore(store: StateStore, issueId: string): Promise<Omit<IssueStatus, 'bounces'>> {
  const channels = await store.status(issueId);
  const schedules = await Promise.all(
    (await store.scheduledChannels(issueId)).map(async (channel) => ({
      channel,
      waves: await store.waves(issueId, channel).list(),
    })),
  );
  return { channels, schedules };
}
