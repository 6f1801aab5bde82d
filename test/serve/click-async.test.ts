import { afterEach, expect, it } from 'vitest';
import type { AnalyticsStore, ClickEvent } from '../../src/analytics/store.js';
import { type ClickClaims, signClickToken } from '../../src/analytics/token.js';
import { clickRoute } from '../../src/serve/click-route.js';
import { type SuppressionList, startUnsubscribeServer, type UnsubscribeServer } from '../../src/serve/index.js';
import { serveConfig } from '../helpers/serve-project.js';

const SECRET = 'click-async-secret-0123456789abcdef';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0';
const config = serveConfig('l', 'R');
const none: SuppressionList = { isSuppressed: () => false, isErased: () => false, add: () => 'added' };

let server: UnsubscribeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('a networked click store: a failed write keeps the click in memory and writes it, in order, with the next', async () => {
  const written: string[] = [];
  let failNext = true;
  const store: AnalyticsStore = {
    recordClick: async (event: ClickEvent) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failNext) {
        failNext = false;
        throw new Error('connection refused');
      }
      written.push(event.summaryId);
    },
    withdrawClick: async () => {},
    recordLayout: async () => {},
    issues: async () => [],
    facts: async () => {
      throw new Error('not used');
    },
  };
  const log: string[] = [];
  server = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: none,
    port: 0,
    routes: [clickRoute({ secret: SECRET, store, prefix: '/c/', scannerWindowSeconds: 0, log: (l) => log.push(l) })],
  });
  const origin = new URL(server.url).origin;
  const claims = (summaryId: string): ClickClaims => ({
    issueId: 'i',
    summaryId,
    role: 'CTO',
    variantId: 'cto',
    kind: 'article',
    target: 'https://example.com/',
  });
  const click = (id: string) =>
    fetch(`${origin}/c/${signClickToken(claims(id), SECRET)}`, {
      redirect: 'manual',
      headers: { 'User-Agent': BROWSER },
    });
  expect((await click('first')).status).toBe(302);
  for (let i = 0; i < 200 && log.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(log).toEqual([expect.stringMatching(/clicks wait in memory.*connection refused/)]);
  expect(written).toEqual([]);
  expect((await click('second')).status).toBe(302);
  for (let i = 0; i < 200 && written.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(written).toEqual(['first', 'second']);
});
