import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { type ClickClaims, signClickToken, signClickVariant } from '../../src/analytics/token.js';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { openStateDb } from '../../src/send/store.js';
import { clickRouteFor } from '../../src/serve/click-setup.js';
import { listSuppressions, startUnsubscribeServer, stateSuppressionList } from '../../src/serve/index.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { tempProject } from '../helpers/project.js';

/**
 * Which route answers which path: the one-click endpoint is never taken by another route, even a
 * click prefix at the root of its host, and a request target that is not a URL is a 400.
 */

const SECRET = 'routing-test-secret-0123456789abcdef';
const READER = 'ines.costa@example.com';
// One story's article link, as a CTO's message carries it.
const CLAIMS: ClickClaims = {
  issueId: '2026-W48',
  summaryId: 'a-story',
  role: 'CTO',
  variantId: 'cto',
  kind: 'article',
  target: 'https://example.com/article',
};

/** A serve whose click links sit at the root of their own host: the click route's prefix is "/". */
async function serveWithRootClicks() {
  const project = await tempProject({ withExample: true });
  const loaded = await loadConfig({ cwd: project.dir });
  const config: ResolvedConfig = {
    ...loaded,
    tracking: { ...loaded.tracking, clicks: true, baseUrl: 'https://t.example.com' },
  };
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const server = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: stateSuppressionList(db),
    port: 0,
    routes: [clickRouteFor(config, SECRET, sqliteAnalyticsStore(db))],
  });
  return { project, config, db, server, origin: new URL(server.url).origin };
}

let served: Awaited<ReturnType<typeof serveWithRootClicks>>;
beforeAll(async () => {
  served = await serveWithRootClicks();
});
afterAll(async () => {
  await served?.server.close();
  served?.db.close();
  await served?.project.cleanup();
});

/** Sends one raw request line and returns the status code of the answer. */
function rawStatus(target: string): Promise<number> {
  const { port } = new URL(served.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('routes of serve', () => {
  it('keeps the one-click unsubscribe when the click links sit at the root of their host', async () => {
    const link = new URL(personalLinks(served.config, SECRET, '2026-W48', READER).unsubscribeUrl);
    const response = await fetch(`${served.origin}${link.pathname}${link.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect(listSuppressions(served.db).map((s) => s.email)).toContain(READER);
    // The click route still answers every other path.
    const click = await fetch(
      `${served.origin}/${signClickToken(CLAIMS, SECRET)}?v=${signClickVariant(CLAIMS.issueId, CLAIMS.variantId, SECRET)}`,
      { redirect: 'manual' },
    );
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(CLAIMS.target);
  });

  it('answers 400, not 500, to a request target that is not a URL', async () => {
    expect(await rawStatus('http://[')).toBe(400);
    expect(await rawStatus('http://a:b@[::1')).toBe(400);
  });

  it('reads "//host/path" as a path on this server, never as another host', async () => {
    const link = new URL(personalLinks(served.config, SECRET, '2026-W48', 'other@example.com').unsubscribeUrl);
    expect(await rawStatus(`//evil.example${link.pathname}${link.search}`)).not.toBe(200);
    expect(await rawStatus(`${link.pathname}${link.search}`)).toBe(200);
    // Slashes in front of this server's own path still reach it.
    expect(await rawStatus(`/${link.pathname}${link.search}`)).toBe(200);
  });
});
