import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openState } from '../../src/state/open.js';

/**
 * A clean-up deletes the state file's `-wal` but leaves its index `-shm` while a send runs. The send
 * copies what the log held into the file at the path and stops, saying "run the same command again".
 * It then still released its send lock through the same connection: that write went to the deleted
 * log and was listed in the index at the path, so the next send refused the file as damaged ("its
 * write-ahead log is missing, but its index lists committed records there"). Nothing more is written
 * through that connection now, and the next send opens the file, its records whole.
 */

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-log-index-kept-'));
  file = join(dir, 'state.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const READER = 'priya.raman@example.com';

describe("a send's log deleted, its index left in place", () => {
  it('leaves a file the next send opens, with every record it made', async () => {
    await (await openState({ kind: 'sqlite', file })).close();
    const store = await openState({ kind: 'sqlite', file });
    const now = () => new Date('2026-12-01T10:00:00Z');
    const lock = await store.lock('2026-W48', { now });
    const ledger = store.ledger('2026-W48', 'smtp', now);
    await ledger.startRun(1);
    await ledger.recordMany([
      {
        email: READER,
        variantId: 'cto',
        status: 'sent',
        messageId: `<${READER}>`,
        attempts: 1,
        responseCode: 250,
        response: '250 ok',
      },
    ]);
    rmSync(`${file}-wal`);
    // The check each second, then what a stopped send does on its way out.
    await expect(store.suppressions.applyJournal()).rejects.toThrow(/what it recorded is in .*state\.db$/);
    await lock.release().catch(() => {});
    await store.close();

    const next = await openState({ kind: 'sqlite', file });
    try {
      expect([...(await next.ledger('2026-W48', 'smtp', now).recorded()).keys()]).toEqual([READER]);
    } finally {
      await next.close();
    }
  });
});
