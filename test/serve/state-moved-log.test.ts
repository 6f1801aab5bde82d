import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { type ClickClaims, signClickToken } from '../../src/analytics/token.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { clickRoute } from '../../src/serve/click-route.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { serveConfig } from '../helpers/serve-project.js';

/**
 * A state file deleted (or its log) under a running serve: what serve logs must say to restart it,
 * since nothing it records reaches the file at the path until then.
 */

const SECRET = 'state-moved-log-secret-0123456789abcdef';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0';
const config = serveConfig('l', 'R');

let dir: string;
let file: string;
let db: StateDb;
let server: UnsubscribeServer | undefined;
let logged: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-moved-log-'));
  file = join(dir, 'state.db');
  db = openStateDb(file);
  logged = [];
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<string> {
  server = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: stateSuppressionList(db, { writeWaitMs: 50 }),
    port: 0,
    replayIntervalMs: 50,
    log: (line) => logged.push(line),
    routes: [
      clickRoute({
        secret: SECRET,
        store: sqliteAnalyticsStore(db),
        prefix: '/c/',
        scannerWindowSeconds: 0,
        log: (line) => logged.push(line),
      }),
    ],
  });
  return new URL(server.url).origin;
}

async function until(found: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !found(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

it('the periodic log of a deleted state file says to restart serve', async () => {
  await start();
  rmSync(file);
  await until(() => logged.some((line) => line.includes('deleted after it was opened')));
  expect(logged.find((line) => line.includes('deleted after it was opened'))).toMatch(
    /restart serve so that it uses the file now at/,
  );
});

it('a click held in memory for a deleted log says to restart serve, not that the file is busy', async () => {
  const origin = await start();
  rmSync(`${file}-wal`);
  const claims: ClickClaims = {
    issueId: '2026-W48',
    summaryId: 'latency-budgets',
    role: 'CTO',
    variantId: 'cto',
    kind: 'article',
    target: 'https://example.com/',
  };
  const response = await fetch(`${origin}/c/${signClickToken(claims, SECRET)}`, {
    redirect: 'manual',
    headers: { 'User-Agent': BROWSER },
  });
  expect(response.status).toBe(302);
  await until(() => logged.some((line) => line.startsWith('clicks wait in memory')));
  const line = logged.find((l) => l.startsWith('clicks wait in memory'));
  expect(line).toMatch(/write-ahead log .* was deleted after it was opened/);
  expect(line).toMatch(/restart serve/);
  expect(line).not.toMatch(/busy/);
});
