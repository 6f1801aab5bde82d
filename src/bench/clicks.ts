import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildReport } from '../analytics/report.js';
import { sqliteAnalyticsStore } from '../analytics/store.js';
import { signClickToken, signClickVariant } from '../analytics/token.js';
import { encodeSentAt } from '../analytics/track-links.js';
import { ConfigSchema } from '../config/schema.js';
import { openExistingStateDb, openStateDb } from '../send/store.js';
import { clickRoute } from '../serve/click-route.js';
import { startUnsubscribeServer, stateSuppressionList } from '../serve/index.js';

const SECRET = 'bench-click-secret-0123456789abcdefgh';
const CLICKS = 3_000;
const WARMUP = 200;
const REPORT_ROWS = 100_000;
const VARIANTS = 40;
const SUMMARIES = 12;
const ROLES = ['CTO', 'Engineering Manager', 'Data Scientist', 'Product Manager', 'Security Lead', 'Designer'];

/**
 * What one click costs `serve` (verify, count in SQLite, 302) over loopback keep-alive HTTP, and
 * how long a report of an issue with 100,000 delivery rows and 100,000 click rows takes to build
 * from the state file. Prints figures only.
 */
export async function benchClicks(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bench-clicks-'));
  try {
    await clickLatency(join(dir, 'clicks.db'));
    reportBuild(join(dir, 'report.db'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function clickLatency(file: string): Promise<void> {
  const db = openStateDb(file);
  const server = await startUnsubscribeServer({
    config: { listId: 'weekly.bench.example', urls: {}, brand: ConfigSchema.shape.brand.parse({ name: 'Bench' }) },
    secret: SECRET,
    suppressions: stateSuppressionList(db),
    port: 0,
    routes: [clickRoute({ secret: SECRET, store: sqliteAnalyticsStore(db), prefix: '/c/', scannerWindowSeconds: 30 })],
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const paths = Array.from({ length: SUMMARIES }, (_, i) => {
    const token = signClickToken(
      {
        issueId: '2026-W48',
        summaryId: `summary-${i}`,
        role: ROLES[i % ROLES.length]!,
        kind: 'article',
        target: `https://example.com/articles/${i}?utm_source=rolecast`,
      },
      SECRET,
    );
    const variant = signClickVariant('2026-W48', `variant-${i % VARIANTS}`, SECRET);
    return `/c/${token}?v=${variant}&d=${encodeSentAt(new Date(Date.now() - 3_600_000))}`;
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < WARMUP + CLICKS; i++) {
      const started = performance.now();
      const status = await get(server.port, paths[i % paths.length]!, agent);
      if (status !== 302) throw new Error(`click answered ${status}`);
      if (i >= WARMUP) times.push(performance.now() - started);
    }
  } finally {
    agent.destroy();
    await server.close();
  }
  const counted = db.prepare('SELECT COUNT(*) FROM clicks').pluck().get() as number;
  db.close();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  print(`click redirect over loopback (${CLICKS} GETs, keep-alive, each counted: ${counted - WARMUP} rows)`);
  print(`  median ${at(0.5)} ms · p95 ${at(0.95)} ms · p99 ${at(0.99)} ms   (target: median < 5 ms)`);
}

function reportBuild(file: string): void {
  const db = openStateDb(file);
  const insertDelivery = db.prepare(
    `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, attempts, updated_at)
     VALUES ('2026-W48', 'smtp', ?, ?, 'sent', 1, ?)`,
  );
  const store = sqliteAnalyticsStore(db);
  const sentAt = new Date('2026-11-24T08:00:00Z');
  db.transaction(() => {
    for (let i = 0; i < REPORT_ROWS; i++)
      insertDelivery.run(`reader${i}@example.com`, `variant-${i % VARIANTS}`, sentAt.toISOString());
    for (let i = 0; i < REPORT_ROWS; i++)
      store.recordClick({
        issueId: '2026-W48',
        summaryId: `summary-${i % SUMMARIES}`,
        role: ROLES[i % ROLES.length]!,
        variantId: `variant-${i % VARIANTS}`,
        kind: 'article',
        target: `https://example.com/articles/${i % SUMMARIES}`,
        at: sentAt,
        first: i % 3 !== 0,
      });
    for (let i = 0; i < 500; i++)
      db.prepare('INSERT INTO suppressions (email, reason, created_at) VALUES (?, ?, ?)').run(
        `reader${i * 7}@example.com`,
        i % 5 === 0 ? 'bounce' : 'unsubscribe',
        '2026-11-25T00:00:00.000Z',
      );
  })();
  store.recordLayout(
    '2026-W48',
    {
      variants: Array.from({ length: VARIANTS }, (_, v) => ({
        id: `variant-${v}`,
        roles: [ROLES[v % ROLES.length]!, ROLES[(v + 1) % ROLES.length]!],
        sections: ROLES.map((role, r) => ({ role, summaryIds: [`summary-${r}`, `summary-${r + ROLES.length}`] })),
      })),
      summaries: Array.from({ length: SUMMARIES }, (_, i) => ({
        id: `summary-${i}`,
        roles: [ROLES[i % ROLES.length]!],
        topics: [],
      })),
    },
    sentAt,
  );
  db.close();

  const started = performance.now();
  const reader = openExistingStateDb(file, 'light')!;
  const opened = performance.now();
  const facts = sqliteAnalyticsStore(reader).facts('2026-W48');
  const read = performance.now();
  const report = buildReport([facts]);
  const elapsed = performance.now() - started;
  reader.close();
  print(
    `report of one issue: ${REPORT_ROWS.toLocaleString('en')} deliveries + ${REPORT_ROWS.toLocaleString('en')} clicks → ${report.links.length} summary × section rows`,
  );
  print(
    `  built in ${elapsed.toFixed(0)} ms: open ${(opened - started).toFixed(0)} · aggregate ${(read - opened).toFixed(0)} · report ${(performance.now() - read).toFixed(0)}   (target: < 1000 ms)`,
  );
}

function get(port: number, path: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent,
        headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function print(line: string): void {
  console.log(line);
}
