import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { type ClickLink, signClickToken, signClickVariant } from '../../src/analytics/token.js';
import { encodeSentAt } from '../../src/analytics/track-links.js';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { clickRoute, type ServeRoute } from '../../src/serve/click-route.js';
import { clickRouteFor } from '../../src/serve/click-setup.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A security gateway that checks a message after the scanner window (its delivery held by
 * greylisting, or the message forwarded later) opens every link of it within a second, with a
 * browser's user agent. Every one of those requests counted as a reader's click, and as a unique
 * one, so each story of the issue looked read by a reader who never opened it.
 */
const SECRET = 'click-bursts-secret-0123456789abcdef';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const NOW = new Date('2026-12-01T10:00:00Z');
/** Held by greylisting: delivered, and scanned, four minutes after it was sent. */
const SENT = new Date(NOW.getTime() - 4 * 60_000);
const STORIES = [
  'board-questions-on-ai-spend',
  'eval-harness-before-model-swap',
  'small-models-for-internal-search',
  'secrets-in-prompt-logs',
  'page-budget-for-on-call',
];

let clock = NOW;
let project: TempProject;
let config: ResolvedConfig;
let db: StateDb;
/** serve, with the click route as the config sets it up, and its origin. */
let server: UnsubscribeServer;
let origin: string;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  config = await loadConfig({ cwd: project.dir });
  db = openStateDb(join(config.stateDirAbs, 'state.db'));
  db.pragma('busy_timeout = 0');
  server = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: stateSuppressionList(db),
    port: 0,
    // As serve sets it up from the config: tracking.scannerBurstLinks at its default.
    routes: [clickRouteFor(config, SECRET, sqliteAnalyticsStore(db), undefined, () => clock)],
  });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await server?.close();
  db?.close();
  await project?.cleanup();
});

let minute = 0;
/** This case's own client addresses: the server remembers clients for a day, across cases. */
let net = 0;
const client = (n: number) => `198.51.${net}.${n}`;
beforeEach(() => {
  net += 1;
  db.exec('DELETE FROM clicks');
  // Each case an hour apart: one case's clicks are no burst with the next's.
  minute += 60;
  clock = at(0);
});

/** `ms` into this case. */
const at = (ms: number) => new Date(NOW.getTime() + minute * 60_000 + ms);

function link(summaryId: string, kind: ClickLink['kind'] = 'article', variant = 'cto', sent = SENT): string {
  const claims: ClickLink = {
    issueId: '2026-W48',
    summaryId,
    role: 'CTO',
    kind,
    target: `https://example.com/${summaryId}/${kind}`,
  };
  const v = signClickVariant('2026-W48', variant, SECRET);
  return `${origin}/c/${signClickToken(claims, SECRET)}?v=${v}&d=${encodeSentAt(sent)}`;
}

/** A click from `client` (the address a local proxy appended) at `ms` into the case: where it was sent. */
async function click(url: string, ms: number, from = client(7)): Promise<string | null> {
  clock = at(ms);
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { 'User-Agent': BROWSER, 'X-Forwarded-For': from },
  });
  expect(response.status).toBe(302);
  return response.headers.get('location');
}

/** Each story (by its place in STORIES) clicked at its time into the case, by the one client. */
async function clickStories(...plan: [story: number, ms: number][]): Promise<void> {
  for (const [story, ms] of plan) await click(link(STORIES[story]!), ms);
}

const counted = () =>
  db.prepare('SELECT summary_id AS id, kind, first FROM clicks ORDER BY rowid').all() as {
    id: string;
    kind: string;
    first: number;
  }[];

describe('a client opening many links of one issue at once', () => {
  it('is a link scanner: none of its clicks count, also those counted before it was found out', async () => {
    const kinds = ['article', 'source'] as const;
    const links = STORIES.flatMap((id) =>
      kinds.map((kind) => ({ url: link(id, kind), target: `https://example.com/${id}/${kind}` })),
    );
    for (const [i, { url, target }] of links.entries()) expect(await click(url, i * 80)).toBe(target);
    expect(counted()).toEqual([]);
  });

  it('stays one while it goes on, each link within two seconds of the one before', async () => {
    await clickStories([0, 0], [1, 300], [2, 600], [3, 900], [4, 2_500]);
    await click(link(STORIES[0]!, 'source'), 4_000);
    expect(counted()).toEqual([]);
  });

  it('counts a reader opening three stories at once and a fourth later, each unique', async () => {
    await clickStories([0, 0], [1, 600], [2, 1_200], [3, 9_000], [0, 30_000]);
    expect(counted()).toEqual([
      { id: STORIES[0], kind: 'article', first: 1 },
      { id: STORIES[1], kind: 'article', first: 1 },
      { id: STORIES[2], kind: 'article', first: 1 },
      { id: STORIES[3], kind: 'article', first: 1 },
      { id: STORIES[0], kind: 'article', first: 0 },
    ]);
  });

  it("counts a reader opening four stories in new tabs, each a hand's aim after the one before", async () => {
    // A middle-click on each headline in turn: under half a second apiece, four in 1.4 s.
    await clickStories([0, 0], [1, 450], [2, 900], [3, 1_350]);
    expect(counted().map((c) => [c.id, c.first])).toEqual([0, 1, 2, 3].map((i) => [STORIES[i], 1]));
  });

  it('counts two readers of different role sets behind one address with one browser, clicking at once', async () => {
    // One office, one egress address, one managed browser: a CTO and a product manager open two
    // stories each of their own copies in the same second, as a scanner opens the links of one copy.
    await click(link(STORIES[0]!, 'article', 'cto'), 0);
    await click(link(STORIES[2]!, 'article', 'pm'), 200);
    await click(link(STORIES[1]!, 'article', 'cto'), 400);
    await click(link(STORIES[3]!, 'article', 'pm'), 600);
    expect(counted().map((c) => c.id)).toEqual([STORIES[0], STORIES[2], STORIES[1], STORIES[3]]);
  });

  it('counts readers of one role set behind one address with one browser, each opening a story of their own message at once', async () => {
    // One office, one egress address, one managed browser, four product managers: each opens one
    // story of the message they were sent (a second apart in the send) within the same second.
    // A scanner opens the links of the one message it checks, all with that message's send time.
    for (const reader of [0, 1, 2, 3]) {
      const sent = new Date(SENT.getTime() + reader * 1_000);
      await click(link(STORIES[reader]!, 'article', 'pm', sent), reader * 200);
    }
    expect(counted().map((c) => [c.id, c.first])).toEqual([0, 1, 2, 3].map((i) => [STORIES[i], 1]));
    // The links of one message opened at once are still a scanner's, beside those readers' clicks.
    const checked = new Date(SENT.getTime() + 7_000);
    for (const story of [0, 1, 2, 3]) await click(link(STORIES[story]!, 'article', 'pm', checked), 900 + story * 10);
    expect(counted()).toHaveLength(4);
  });

  it("loses only the first burst of an office's rush behind one address, not every click after it", async () => {
    // Readers of one role set behind one egress address with one managed browser: four of them open
    // four stories in the first second (a scanner's pattern, so those are taken back), then the
    // rush goes on, a click every half second for a minute, never two seconds apart.
    await clickStories([0, 0], [1, 200], [2, 400], [3, 600]);
    const rush = Array.from({ length: 120 }, (_, i) => 1_000 + i * 500);
    for (const [i, ms] of rush.entries()) await click(link(STORIES[i % 2]!), ms);
    // A scanner checks one message in a few seconds: past five seconds from the burst's start, readers.
    expect(counted()).toHaveLength(rush.filter((ms) => ms >= 5_000).length);
  });

  it("counts a reader's next click on a link whose click in a burst was taken back as unique", async () => {
    // An office's readers behind one address with one browser open four stories in one second: a
    // scanner's pattern, taken back. A reader opening the first story again later is its first click
    // that counts, so its story's unique clicks must not stay at none.
    await clickStories([0, 0], [1, 200], [2, 400], [3, 600]);
    expect(counted()).toEqual([]);
    await clickStories([0, 10_000], [0, 12_500], [3, 15_000]);
    expect(counted().map((c) => [c.id, c.first])).toEqual([
      [STORIES[0], 1],
      [STORIES[0], 0],
      [STORIES[3], 1],
    ]);
  });

  it('judges no burst where a proxy names no client: readers with one browser share its address', async () => {
    for (const [i, id] of STORIES.entries()) {
      clock = at(i * 100);
      const response = await fetch(link(id), { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
      expect(response.status).toBe(302);
    }
    expect(counted()).toHaveLength(STORIES.length);
  });

  it('counts the same link opened again and again by one reader, and other readers meanwhile', async () => {
    for (const ms of [0, 100, 200, 300]) await click(link(STORIES[0]!), ms);
    await click(link(STORIES[0]!), 350, client(8));
    await click(link(STORIES[1]!), 400, client(9));
    await click(link(STORIES[2]!), 450, client(10));
    expect(counted().map((c) => [c.id, c.first])).toEqual([
      [STORIES[0], 1],
      [STORIES[0], 0],
      [STORIES[0], 0],
      [STORIES[0], 0],
      [STORIES[0], 1],
      [STORIES[1], 1],
      [STORIES[2], 1],
    ]);
  });

  it('takes back the clicks that wait in memory while the state file is locked, and writes the others', async () => {
    const other = new Database(db.name);
    other.exec('BEGIN IMMEDIATE');
    try {
      await click(link(STORIES[0]!), 0, client(20));
      await click(link(STORIES[0]!), 10);
      await click(link(STORIES[1]!), 20);
      await click(link(STORIES[2]!), 30);
      await click(link(STORIES[3]!), 40);
      expect(counted()).toEqual([]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The next click writes what waits: the reader's, not the scanner's.
    await click(link(STORIES[4]!), 60_000, client(21));
    expect(counted().map((c) => c.id)).toEqual([STORIES[0], STORIES[4]]);
  });
});

describe('a scanner whose clicks found the waiting queue full', () => {
  it("takes back none of the clicks it never queued, so a reader's click like one of them stays counted", async () => {
    // A queue of one click while the state file is locked: the reader's waits, the scanner's are dropped.
    const small = await startUnsubscribeServer({
      config,
      secret: SECRET,
      suppressions: stateSuppressionList(db),
      port: 0,
      routes: [
        clickRoute({
          secret: SECRET,
          store: sqliteAnalyticsStore(db),
          prefix: '/c/',
          scannerWindowSeconds: config.tracking.scannerWindowSeconds,
          scannerBurstLinks: 4,
          maxPending: 1,
          now: () => clock,
        }),
      ],
    });
    const other = new Database(db.name);
    other.exec('BEGIN IMMEDIATE');
    try {
      const base = new URL(small.url).origin;
      const on = (story: number) => link(STORIES[story]!).replace(origin, base);
      // The same link at the same moment: the reader's click and the scanner's first are alike.
      await click(on(0), 0, client(30));
      for (const [story, ms] of [0, 1, 2, 3].map((s) => [s, 0] as const)) await click(on(story), ms, client(31));
    } finally {
      other.exec('ROLLBACK');
      other.close();
      // Stopping serve writes what waits.
      await small.close();
    }
    expect(counted().map((c) => [c.id, c.first])).toEqual([[STORIES[0], 1]]);
  });
});

describe('tracking.scannerBurstLinks', () => {
  const tracking = async (value: number) =>
    ConfigSchema.safeParse({
      ...JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8')),
      tracking: { scannerBurstLinks: value },
    });

  it('is 4 by default; 0 turns the rule off; 1 is refused', async () => {
    expect(config.tracking.scannerBurstLinks).toBe(4);
    expect((await tracking(0)).success).toBe(true);
    expect((await tracking(1)).success).toBe(false);
    await clickEachStoryThrough(
      clickRouteFor(
        { ...config, tracking: { ...config.tracking, scannerBurstLinks: 0 } },
        SECRET,
        sqliteAnalyticsStore(db),
        undefined,
        () => clock,
      ),
    );
    expect(counted()).toHaveLength(STORIES.length);
  });

  it('is 4 too for a click route set up in code without it', async () => {
    await clickEachStoryThrough(
      clickRoute({
        secret: SECRET,
        store: sqliteAnalyticsStore(db),
        prefix: '/c/',
        scannerWindowSeconds: config.tracking.scannerWindowSeconds,
        now: () => clock,
      }),
    );
    expect(counted()).toEqual([]);
  });
});

/** Every story clicked 50 ms apart by one client through a server holding `route` alone. */
async function clickEachStoryThrough(route: ServeRoute): Promise<void> {
  const alone = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: stateSuppressionList(db),
    port: 0,
    routes: [route],
  });
  try {
    const base = new URL(alone.url).origin;
    for (const [i, id] of STORIES.entries()) {
      clock = at(i * 50);
      const url = link(id).replace(origin, base);
      const headers = { 'User-Agent': BROWSER, 'X-Forwarded-For': client(7) };
      expect((await fetch(url, { redirect: 'manual', headers })).status).toBe(302);
    }
  } finally {
    await alone.close();
  }
}
