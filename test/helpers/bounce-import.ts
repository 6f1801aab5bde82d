import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { type BounceStore, type ImportSummary, importBounces, sqliteBounceStore } from '../../src/bounces/index.js';
import { migrateBounceStorePg, postgresBounceStore } from '../../src/bounces/store-postgres.js';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb } from '../../src/send/store.js';
import { sentEntry } from './ledger.js';
import { describePostgres, useFreshDatabase } from './postgres.js';

/** A bounce store on one backend, what the ledger says was sent, and `bounces import` of mails written to a folder. */
export interface ImportHarness {
  store: BounceStore;
  /** A delivery of `issueId` to `email`, sent 2026-11-30 08:00 UTC. */
  deliver(issueId: string, email: string, messageId?: string | null): Promise<void>;
  /** Writes each mail to a file of the folder `bounces import` reads, and imports it. */
  importMails(mails: Record<string, string>, options: Parameters<typeof importBounces>[2]): Promise<ImportSummary>;
}

const SENT_AT = '2026-11-30T08:00:00.000Z';

/** The same cases against the SQLite state file and PostgreSQL, each test with an empty store and folder. */
export function describeImportStores(title: string, cases: (harness: () => ImportHarness) => void): void {
  describe(`${title}: SQLite`, () => {
    let dir: string;
    let close: () => void;
    let current: ImportHarness | undefined;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rolecast-bounce-import-'));
      const db = openStateDb(join(dir, 'state.db'));
      close = () => db.close();
      current = harness(sqliteBounceStore(db), join(dir, 'mail'), async (issueId, email, messageId) => {
        openLedger(db, issueId, 'smtp', () => new Date(SENT_AT)).record(
          sentEntry(email, { variantId: 'v1', messageId, response: '250 ok' }),
        );
      });
    });
    afterEach(async () => {
      close();
      await rm(dir, { recursive: true, force: true });
    });
    cases(() => current!);
  });

  describePostgres(`${title}: PostgreSQL`, () => {
    const url = useFreshDatabase('bounce_import');
    let pool: Pool;
    let dir: string;
    let current: ImportHarness | undefined;
    beforeAll(async () => {
      pool = await openPostgres(url(), { max: 2 });
      await migrateBounceStorePg(pool);
    });
    afterAll(() => pool?.end());
    beforeEach(async () => {
      await pool.query('TRUNCATE bounce_events, deliveries, suppressions');
      dir = await mkdtemp(join(tmpdir(), 'rolecast-bounce-import-'));
      current = harness(postgresBounceStore(pool), dir, async (issueId, email, messageId) => {
        await pool.query(
          `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, attempts, updated_at)
           VALUES ($1, 'smtp', $2, 'v1', 'sent', $3, 250, 1, $4)`,
          [issueId, email, messageId, SENT_AT],
        );
      });
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));
    cases(() => current!);
  });
}

function harness(
  store: BounceStore,
  folder: string,
  deliver: (issueId: string, email: string, messageId: string | null) => Promise<void>,
): ImportHarness {
  let written = 0;
  return {
    store,
    deliver: (issueId, email, messageId = null) => deliver(issueId, email, messageId),
    async importMails(mails, options) {
      // Each import reads only its own mails: a folder of its own under the test's.
      const into = join(folder, String(++written));
      await mkdir(into, { recursive: true });
      for (const [name, raw] of Object.entries(mails)) await writeFile(join(into, name), raw, 'latin1');
      return importBounces(into, store, options);
    },
  };
}
