import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { journalPath, stateSuppressionList } from '../../src/serve/index.js';
import { openState } from '../../src/state/open.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * The write-ahead log deleted under a running command (a clean-up of "stale" -wal files): SQLite
 * goes on writing into the deleted log through its open handle, where no other command reads it and
 * a crash loses it. `serve` then journals unsubscribes beside the file, as for a replaced file, and a
 * send stops with a copy of what it recorded. Real SQLite files throughout.
 */

const READER = 'priya.raman@example.com';

let project: TempProject;
let config: ResolvedConfig;
let stateFile: string;
let db: StateDb | undefined;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
  config = await loadConfig({ cwd: project.dir });
  stateFile = join(config.stateDirAbs, 'state.db');
});

afterEach(async () => {
  if (db?.open) db.close();
  db = undefined;
  await project.cleanup();
});

describe("serve's write-ahead log deleted while it runs", () => {
  it('an unsubscribe goes to the journal, and the send after serve stopped does not mail the reader', async () => {
    db = openStateDb(stateFile);
    const list = stateSuppressionList(db, { writeWaitMs: 50 });
    rmSync(`${stateFile}-wal`);

    expect(await list.add(READER, { reason: 'unsubscribe', source: 'one-click' })).toBe('journaled');
    expect(readFileSync(journalPath(stateFile), 'utf8')).toContain(READER);
    expect(() => list.replayPending?.()).toThrow(
      /write-ahead log of the state file .* was deleted after it was opened/,
    );
    db.close();

    const outbox = project.path('outbox');
    const report = await sendIssue({
      issueDir: 'issues/2026-W48',
      subscribersFile: 'subscribers.example.json',
      cwd: project.dir,
      env: { ROLECAST_SECRET: 'wal-deleted-secret-0123456789abcdef' },
      outbox,
    });
    const files = await readdir(outbox);
    expect(files).not.toContain(`${READER}.eml`);
    expect(files).toContain('zoe.hartmann@example.net.eml');
    expect(report.total.skipped.suppressed).toBe(1);
  });
});

describe("serve's log index deleted while it runs", () => {
  it('an unsubscribe goes to the journal, never into a log the next command indexes afresh', async () => {
    db = openStateDb(stateFile);
    const list = stateSuppressionList(db, { writeWaitMs: 50 });
    rmSync(`${stateFile}-shm`);
    expect(await list.add(READER, { reason: 'unsubscribe', source: 'one-click' })).toBe('journaled');
    expect(readFileSync(journalPath(stateFile), 'utf8')).toContain(READER);
  });
});

describe("a send's write-ahead log deleted while it runs", () => {
  it('the send stops at its next ledger write, its records copied into the file at the path', async () => {
    const store = await openState({ kind: 'sqlite', file: stateFile });
    const ledger = store.ledger('2026-W48', 'smtp', () => new Date('2026-12-01T10:00:00Z'));
    try {
      await ledger.startRun(2);
      await ledger.recordMany([sentRow(READER)]);
      rmSync(`${stateFile}-wal`);
      await expect(ledger.recordMany([sentRow('zoe.hartmann@example.net')])).rejects.toThrow(
        /write-ahead log of the state file .* was deleted while the send ran: the send stopped, and what it recorded is in .*state\.db$/,
      );
    } finally {
      await store.close();
    }
    const file = new Database(stateFile, { readonly: true });
    try {
      expect(file.prepare('SELECT email FROM deliveries').pluck().all()).toEqual([READER]);
    } finally {
      file.close();
    }
    expect(readdirSync(config.stateDirAbs).some((name) => name.startsWith('state.db.rescued-'))).toBe(false);
  });

  it('with a log another command started since at the path, a copy beside the file holds every record', async () => {
    const store = await openState({ kind: 'sqlite', file: stateFile });
    const ledger = store.ledger('2026-W48', 'smtp', () => new Date('2026-12-01T10:00:00Z'));
    const row = (email: string) => ({
      email,
      variantId: 'cto',
      status: 'sent' as const,
      messageId: `<${email}>`,
      attempts: 1,
      responseCode: 250,
      response: '250 ok',
    });
    try {
      await ledger.startRun(2);
      await ledger.recordMany([row(READER)]);
      rmSync(`${stateFile}-wal`);
      // Copying into the file under that command's log would lay these pages beneath its own.
      writeFileSync(`${stateFile}-wal`, '');
      await expect(ledger.recordMany([row('zoe.hartmann@example.net')])).rejects.toThrow(
        /write-ahead log of the state file .* was deleted while the send ran: the send stopped, and what it recorded is in .*\.rescued-/,
      );
    } finally {
      await store.close();
    }
    const rescued = readdirSync(config.stateDirAbs).find((name) => name.startsWith('state.db.rescued-'));
    expect(rescued).toBeDefined();
    const copy = new Database(join(config.stateDirAbs, rescued!), { readonly: true });
    try {
      expect(copy.prepare('SELECT email FROM deliveries').pluck().all()).toEqual([READER]);
    } finally {
      copy.close();
    }
    expect(existsSync(stateFile)).toBe(true);
  });
});

function sentRow(email: string) {
  return {
    email,
    variantId: 'cto',
    status: 'sent' as const,
    messageId: `<${email}>`,
    attempts: 1,
    responseCode: 250,
    response: '250 ok',
  };
}
