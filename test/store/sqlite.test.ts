import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSuppressed, openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { describeStoreContract } from './_contract.js';

describeStoreContract('SQLite (the state file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-store-'));
  const db = openStateDb(join(dir, 'state.db'));
  return {
    store: sqliteSubscriberStore(db),
    isSuppressed: async (email) => isSuppressed(db, email),
    async close() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
