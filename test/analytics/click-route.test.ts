import { createHmac } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isScannerAgent } from '../../src/analytics/scanners.js';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { type ClickClaims, signClickToken, signClickVariant } from '../../src/analytics/token.js';
import { encodeSentAt } from '../../src/analytics/track-links.js';
import { loadConfig } from '../../src/config/load.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { clickRoute } from '../../src/serve/click-route.js';
import { clickRouteFor } from '../../src/serve/click-setup.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SECRET = 'click-route-secret-0123456789abcdef';
const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
const CLAIMS: ClickClaims = {
  issueId: '2026-W48',
  summaryId: 'pricing-experiments-without-regret',
  role: 'Product Manager',
  variantId: 'product-manager',
  kind: 'article',
  target: 'https://example.com/meridian/pricing-experiments-without-regret?ref=a&b=%20c',
};
const NOW = new Date('2026-12-01T10:00:00Z');

let project: TempProject;
let db: StateDb;
let server: UnsubscribeServer;
let origin: string;
let clock = NOW;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  const config = await loadConfig({ cwd: project.dir });
  db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const now = () => clock;
  server = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: stateSuppressionList(db),
    port: 0,
    routes: [
      clickRoute({ secret: SECRET, store: sqliteAnalyticsStore(db), prefix: '/c/', scannerWindowSeconds: 30, now }),
    ],
  });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await server?.close();
  db?.close();
  await project?.cleanup();
});

beforeEach(() => {
  db.exec('DELETE FROM clicks');
  clock = NOW;
});

const link = (claims = CLAIMS, sentAt = new Date(NOW.getTime() - 3600_000)) =>
  `${origin}/c/${signClickToken(claims, SECRET)}?v=${signClickVariant(claims.issueId, claims.variantId, SECRET)}&d=${encodeSentAt(sentAt)}`;

const get = (url: string, init: RequestInit = {}) =>
  fetch(url, { redirect: 'manual', ...init, headers: { 'User-Agent': BROWSER, ...(init.headers ?? {}) } });

const clicks = () =>
  db.prepare('SELECT summary_id, role, variant_id, kind, target, first FROM clicks ORDER BY rowid').all();

describe('the click redirect', () => {
  it('answers 302 to the exact signed target and records the click without reader identity', async () => {
    const response = await get(link());
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(CLAIMS.target);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(clicks()).toEqual([
      {
        summary_id: CLAIMS.summaryId,
        role: CLAIMS.role,
        variant_id: CLAIMS.variantId,
        kind: 'article',
        target: CLAIMS.target,
        first: 1,
      },
    ]);
    const columns = (db.pragma('table_info(clicks)') as { name: string }[]).map((c) => c.name);
    expect(columns.some((c) => /email|ip|agent|address|reader/.test(c))).toBe(false);
  });

  it('counts a click whose role set is missing, altered or of another issue without one, and still redirects', async () => {
    const token = signClickToken(CLAIMS, SECRET);
    const d = encodeSentAt(new Date(NOW.getTime() - 3600_000));
    const mine = signClickVariant(CLAIMS.issueId, CLAIMS.variantId, SECRET);
    const forged = `${Buffer.from('cto').toString('base64url')}.${mine.split('.')[1]}`;
    const otherIssue = signClickVariant('2026-W47', CLAIMS.variantId, SECRET);
    const otherKey = signClickVariant(CLAIMS.issueId, CLAIMS.variantId, `${SECRET}x`);
    for (const query of [
      `?d=${d}`,
      `?v=${forged}&d=${d}`,
      `?v=${otherIssue}&d=${d}`,
      `?v=${otherKey}&d=${d}`,
      `?v=&d=${d}`,
    ]) {
      const response = await get(`${origin}/c/${token}${query}`);
      expect(response.status, query).toBe(302);
      expect(response.headers.get('location')).toBe(CLAIMS.target);
    }
    expect(clicks().map((c) => (c as { variant_id: string }).variant_id)).toEqual(['', '', '', '', '']);
  });

  it('honours a link of an earlier release, whose token holds the role set', async () => {
    // Signed by rolecast 0.1 (version c1) for this issue with this key.
    const earlier = signedByEarlierRelease();
    const response = await get(`${origin}/c/${earlier}?d=${encodeSentAt(new Date(NOW.getTime() - 3600_000))}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.com/post?a=1');
    expect(clicks()).toEqual([
      {
        summary_id: 'eval-harness',
        role: 'CTO',
        variant_id: 'cto+executive',
        kind: 'article',
        target: 'https://example.com/post?a=1',
        first: 1,
      },
    ]);
  });

  it('a tampered target gets 400 with no Location, and counts nothing', async () => {
    const good = new URL(link());
    const [, mac] = good.pathname.slice(3).split('.');
    const payload = signClickToken(
      { ...CLAIMS, target: 'https://evil.example/' },
      'another-secret-0123456789abcdefgh',
    ).split('.')[0];
    for (const path of [`/c/${payload}.${mac}`, `/c/${good.pathname.slice(3, -2)}xx`, '/c/not-a-token']) {
      const response = await get(`${origin}${path}`);
      expect(response.status, path).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
    expect((await get(`${origin}/c/`)).status).toBe(404);
    expect(clicks()).toEqual([]);
  });

  it('never counts HEAD, scanner user agents or a missing user agent — but still redirects', async () => {
    const head = await get(link(), { method: 'HEAD' });
    expect(head.status).toBe(302);
    for (const agent of ['Mozilla/5.0 (compatible; Barracuda Sentinel)', 'python-requests/2.31', '']) {
      const response = await get(link(), { headers: { 'User-Agent': agent } });
      expect(response.status, agent).toBe(302);
    }
    expect(clicks()).toEqual([]);
    expect((await get(link(), { method: 'POST' })).status).toBe(405);
  });

  it('ignores a click within the scanner window of its message being sent', async () => {
    const sentAt = new Date(NOW.getTime() - 10_000);
    expect((await get(link(CLAIMS, sentAt))).status).toBe(302);
    expect(clicks()).toEqual([]);
    clock = new Date(NOW.getTime() + 25_000);
    expect((await get(link(CLAIMS, sentAt))).status).toBe(302);
    expect(clicks()).toHaveLength(1);
  });

  it('counts a repeat by the same client, but only its first as unique', async () => {
    // A link no earlier test clicked: the server remembers clients across requests.
    const fresh = { ...CLAIMS, summaryId: 'escaping-is-a-product-decision' };
    await get(link(fresh));
    await get(link(fresh));
    await get(link({ ...fresh, kind: 'source' }));
    expect(clicks().map((c) => (c as { first: number }).first)).toEqual([1, 0, 1]);
  });

  it('counts two readers of one role set behind one address with one browser once each, by their own messages', async () => {
    // One office address, one managed browser: each reader opens the story from the message they
    // were sent (a second apart in the send), then the first opens it again from theirs.
    const fresh = { ...CLAIMS, summaryId: 'one-office-two-readers' };
    const office = { headers: { 'X-Forwarded-For': '198.51.100.40' } };
    const sent = (s: number) => new Date(NOW.getTime() - 3600_000 + s * 1000);
    await get(link(fresh, sent(0)), office);
    await get(link(fresh, sent(1)), office);
    await get(link(fresh, sent(0)), office);
    expect(clicks().map((c) => (c as { first: number }).first)).toEqual([1, 1, 0]);
  });

  it('behind a local reverse proxy, tells clients apart by the address the proxy appended', async () => {
    const fresh = { ...CLAIMS, summaryId: 'small-models-for-internal-search' };
    const via = (address: string) => ({ headers: { 'X-Forwarded-For': `203.0.113.9, ${address}` } });
    await get(link(fresh), via('198.51.100.1'));
    await get(link(fresh), via('198.51.100.2'));
    await get(link(fresh), via('198.51.100.1'));
    expect(clicks().map((c) => (c as { first: number }).first)).toEqual([1, 1, 0]);
  });

  it('still redirects while the database is locked, and writes the waiting click with the next one', async () => {
    const other = new Database(db.name);
    other.exec('BEGIN IMMEDIATE');
    const fresh = { ...CLAIMS, summaryId: 'eval-harness-before-model-swap' };
    try {
      expect((await get(link(fresh))).status).toBe(302);
      expect(clicks()).toEqual([]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await get(link({ ...fresh, kind: 'archive' }))).status).toBe(302);
    expect(clicks().map((c) => (c as { kind: string }).kind)).toEqual(['article', 'archive']);
  });
});

describe('behind a proxy on another address (readers.trustProxy)', () => {
  it('tells clients apart by the address the proxy appended, as the reader pages do', async () => {
    const config = await loadConfig({ cwd: project.dir });
    const route = clickRouteFor(
      { ...config, readers: { ...config.readers, trustProxy: true } },
      SECRET,
      sqliteAnalyticsStore(db),
      undefined,
      () => NOW,
    );
    const fresh = { ...CLAIMS, summaryId: 'behind-a-load-balancer' };
    const path = new URL(link(fresh)).pathname + new URL(link(fresh)).search;
    // A load balancer at 10.0.0.5: every connection comes from it, each with its client appended.
    const click = async (client: string) => {
      const socket = new Socket();
      Object.defineProperty(socket, 'remoteAddress', { value: '10.0.0.5' });
      const request = new IncomingMessage(socket);
      Object.assign(request, {
        method: 'GET',
        url: path,
        headers: { 'user-agent': BROWSER, 'x-forwarded-for': client },
      });
      const response = new ServerResponse(request);
      // The reply goes nowhere: only its status matters here.
      response.assignSocket(new Duplex({ write: (_chunk, _encoding, done) => done(), read() {} }) as Socket);
      await route.handle(request, response, new URL(path, 'http://news.example.com'));
      expect(response.statusCode).toBe(302);
      socket.destroy();
    };
    await click('198.51.100.1');
    await click('198.51.100.2');
    await click('198.51.100.1');
    expect(clicks().map((c) => (c as { first: number }).first)).toEqual([1, 1, 0]);
  });
});

/** A link token in the format earlier releases signed (version c1, the role set inside), with this test's key. */
function signedByEarlierRelease(): string {
  const payload = Buffer.from(
    JSON.stringify(['c1', '2026-W48', 'eval-harness', 'CTO', 'cto+executive', 'a', 'https://example.com/post?a=1']),
  ).toString('base64url');
  const mac = createHmac('sha256', SECRET).update(`rolecast-click\n${payload}`).digest().subarray(0, 16);
  return `${payload}.${mac.toString('base64url')}`;
}

describe('scanner user agents', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36', false],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148', false],
    ['Microsoft Office Protection', true],
    ['Mozilla/5.0 (compatible; Mimecast URL Protect)', true],
    ['Mozilla/5.0 (Windows NT 10.0) HeadlessChrome/120.0', true],
    ['Mozilla/5.0 (compatible; Googlebot/2.1)', true],
    ['curl/8.5.0', true],
    // HTTP libraries and link checkers, as they name themselves.
    ['node', true],
    ['Java-http-client/21.0.2', true],
    ['python-httpx/0.27.0', true],
    ['Ruby', true],
    ['LinkChecker/10.5.0', true],
    ['W3C-checklink/5.0.0 libwww-perl/6.77', true],
    ['Deno/1.40.2', true],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15', false],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', false],
    ['   ', true],
    [undefined, true],
  ])('%s → scanner %s', (agent, scanner) => {
    expect(isScannerAgent(agent)).toBe(scanner);
  });
});
