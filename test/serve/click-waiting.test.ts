import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { signClickToken } from '../../src/analytics/token.js';
import { encodeSentAt } from '../../src/analytics/track-links.js';
import { loadConfig } from '../../src/config/load.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { clickRoute } from '../../src/serve/click-route.js';
import { startUnsubscribeServer, stateSuppressionList } from '../../src/serve/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A click that came while the state file was locked (a send writing) waited in memory for the next
 * click: with none coming, it was never written, and stopping serve dropped it. It is now tried
 * again on its own, and written when serve stops.
 */
const SECRET = 'click-waiting-secret-0123456789abcdef';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const NOW = new Date('2026-12-01T10:00:00Z');

let project: TempProject;
let db: StateDb;
beforeAll(async () => {
  project = await tempProject({ withExample: true });
  const config = await loadConfig({ cwd: project.dir });
  db = openStateDb(join(config.stateDirAbs, 'state.db'));
  // A locked file answers at once: the click's wait is not what is tested.
  db.pragma('busy_timeout = 0');
});
afterAll(async () => {
  db?.close();
  await project?.cleanup();
});
beforeEach(() => {
  db.exec('DELETE FROM clicks');
});

async function serveClicks(retryMs: number) {
  const config = await loadConfig({ cwd: project.dir });
  const lines: string[] = [];
  const server = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: stateSuppressionList(db),
    port: 0,
    log: (line) => lines.push(line),
    routes: [
      clickRoute({
        secret: SECRET,
        store: sqliteAnalyticsStore(db),
        prefix: '/c/',
        scannerWindowSeconds: 30,
        retryMs,
        now: () => NOW,
        log: (line) => lines.push(line),
      }),
    ],
  });
  const token = signClickToken(
    { issueId: '2026-W48', summaryId: 'eval-harness', role: 'CTO', kind: 'article', target: 'https://example.com/a' },
    SECRET,
  );
  const click = () =>
    fetch(`${new URL(server.url).origin}/c/${token}?d=${encodeSentAt(new Date(NOW.getTime() - 3600_000))}`, {
      redirect: 'manual',
      headers: { 'User-Agent': BROWSER },
    });
  return { server, click, lines };
}

/** A click made while another program holds the state file's write lock; the lock is let go after. */
async function clickWhileLocked(click: () => Promise<Response>): Promise<void> {
  const other = new Database(db.name);
  other.exec('BEGIN IMMEDIATE');
  try {
    expect((await click()).status).toBe(302);
    expect(clickRows()).toBe(0);
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
}

const clickRows = () => db.prepare('SELECT COUNT(*) FROM clicks').pluck().get() as number;

describe('a click that waited for a locked state file', () => {
  it('is written when serve stops, with no click after it', async () => {
    // A retry that never comes round within the test.
    const { server, click } = await serveClicks(3_600_000);
    await clickWhileLocked(click);
    expect(clickRows()).toBe(0);
    await server.close();
    expect(clickRows()).toBe(1);
  });

  it('is written once the file takes writes again, with no click after it', async () => {
    const { server, click } = await serveClicks(10);
    try {
      await clickWhileLocked(click);
      await vi.waitFor(() => expect(clickRows()).toBe(1), { timeout: 30_000, interval: 20 });
    } finally {
      await server.close();
    }
    expect(clickRows()).toBe(1);
  });

  it('is named when it still cannot be written as serve stops', async () => {
    const { server, click, lines } = await serveClicks(3_600_000);
    const other = new Database(db.name);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect((await click()).status).toBe(302);
      await server.close();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(clickRows()).toBe(0);
    expect(lines).toContain('1 click(s) could not be written before serve stopped and are not counted');
  });
});
