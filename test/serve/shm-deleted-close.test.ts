import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSuppressed, openStateDb } from '../../src/send/store.js';
import { openServeBackend } from '../../src/serve/backend.js';
import { openState } from '../../src/state/open.js';

/**
 * The log index (-shm) deleted under a running serve or send: a command started since writes the
 * same log by a new index. The process opened before must not, as it closes (serve restarted as it
 * asks), lay the log into the file by its old index and delete the log with the other command's
 * records still in it.
 */

const require = createRequire(import.meta.url);
const driver = require.resolve('better-sqlite3');

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-shm-close-'));
  file = join(dir, 'state.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Another command (a send, `suppress`) recording suppressions through the file at the path. */
function otherCommandSuppresses(count: number): void {
  const script = `
    const Database = require(${JSON.stringify(driver)});
    const db = new Database(${JSON.stringify(file)});
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'unsubscribe', 'cli', '2026-12-01T10:00:00.000Z')");
    for (let i = 0; i < ${count}; i++) insert.run('reader' + i + '@example.com');
    db.close();
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
}

function suppressedAfterwards(count: number): number {
  const db = openStateDb(file);
  try {
    let found = 0;
    for (let i = 0; i < count; i++) if (isSuppressed(db, `reader${i}@example.com`)) found++;
    return found;
  } finally {
    db.close();
  }
}

describe('a log index deleted under an open state file, then the file closed', () => {
  it("serve's close keeps what another command wrote since", async () => {
    const backend = await openServeBackend({ kind: 'sqlite', file }, { secret: 'shm-close-secret-0123456789abcdef' });
    rmSync(`${file}-shm`);
    otherCommandSuppresses(200);
    await backend.close();
    expect(suppressedAfterwards(200)).toBe(200);
  });

  it("a send's close keeps what another command wrote since", async () => {
    const store = await openState({ kind: 'sqlite', file });
    rmSync(`${file}-shm`);
    otherCommandSuppresses(200);
    await store.close();
    expect(suppressedAfterwards(200)).toBe(200);
  });

  it('a close with the index in place leaves nothing behind', async () => {
    const backend = await openServeBackend({ kind: 'sqlite', file }, { secret: 'shm-close-secret-0123456789abcdef' });
    otherCommandSuppresses(3);
    await backend.close();
    expect(suppressedAfterwards(3)).toBe(3);
  });
});

describe('the log itself deleted under serve, then serve closed', () => {
  it('what serve recorded before is laid into the file as it closes', async () => {
    const backend = await openServeBackend({ kind: 'sqlite', file }, { secret: 'shm-close-secret-0123456789abcdef' });
    expect(await backend.suppressions.add('reader0@example.com', { reason: 'unsubscribe', source: 'one-click' })).toBe(
      'added',
    );
    rmSync(`${file}-wal`);
    await backend.close();
    expect(suppressedAfterwards(1)).toBe(1);
  });
});
