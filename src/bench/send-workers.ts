import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { readEnvironment } from '../config/env.js';
import { benchPostgres } from './_postgres.js';
import { startSink } from './_shared.js';
import { makeProject, writeSubscribers } from './send.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../cli/index.js');
const READERS = 10_000;
const CONCURRENCY = 5;

/**
 * Cooperating `rolecast send` workers on PostgreSQL: the same 10,000 readers sent by one worker
 * and by three, each a process of its own as on separate hosts, to one loopback sink. Prints
 * messages per second and the database round trips each message cost (claims, batch writes,
 * heartbeats, as the workers count them).
 */
export async function benchSendWorkers(): Promise<void> {
  const server = await benchPostgres(readEnvironment(process.env).databaseUrl);
  if (typeof server === 'string') {
    print(`  skipped: ${server}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bench-workers-'));
  const sink = await startSink();
  try {
    await makeProject(dir);
    await writeSubscribers(join(dir, 'subscribers.json'), READERS);
    print(
      `send workers — ${READERS} subscribers, ${CONCURRENCY} connections per worker, each worker its own process, loopback sink and PostgreSQL on this machine`,
    );
    for (const workers of [1, 3]) {
      const url = await server.createDatabase(`rolecast_bench_${workers}_${process.pid}`);
      const env = {
        ...process.env,
        SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        ROLECAST_SECRET: 'bench-signing-secret-0123456789abcdef',
        DATABASE_URL: url,
      };
      const started = performance.now();
      const runs = await Promise.all(Array.from({ length: workers }, () => runWorker(dir, env)));
      const wall = (performance.now() - started) / 1000;
      const sent = runs.reduce((sum, r) => sum + r.sent, 0);
      const trips = runs.reduce((sum, r) => sum + r.trips, 0);
      const delivery = await deliveryRate(url);
      print(
        `  ${workers} worker${workers > 1 ? 's' : ' '}: ${sent} sent (${runs.map((r) => r.sent).join(' + ')}) in ${wall.toFixed(2)} s → ${(sent / wall).toFixed(0)} msgs/s whole command; delivery phase ${delivery.toFixed(0)} msgs/s; ${trips} database round trips = ${(trips / Math.max(1, sent)).toFixed(3)} per message`,
      );
    }
  } finally {
    sink.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One worker process; its last line says what it sent and how many round trips it made. */
function runWorker(dir: string, env: NodeJS.ProcessEnv): Promise<{ sent: number; trips: number }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'send',
        'issues/2026-W48',
        '--subscribers',
        'subscribers.json',
        '--concurrency',
        String(CONCURRENCY),
        '--rate',
        '0',
      ],
      { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const summary = /: (\d+) sent, \d+ failed, \d+ deferred of the plan's \d+;.*?(\d+) database round trips/.exec(
        stderr,
      );
      if (code !== 0 || !summary) return reject(new Error(`a worker exited with code ${code}:\n${stderr}`));
      resolveRun({ sent: Number(summary[1]), trips: Number(summary[2]) });
    });
  });
}

/** Accepted messages per second between the first and the last ledger row: sending alone. */
async function deliveryRate(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ first: string; last: string; n: number }>(
      "SELECT min(updated_at) AS first, max(updated_at) AS last, count(*)::int AS n FROM deliveries WHERE status = 'sent'",
    );
    const row = rows[0]!;
    const seconds = (Date.parse(row.last) - Date.parse(row.first)) / 1000;
    return seconds > 0 ? (row.n - 1) / seconds : 0;
  } finally {
    await client.end();
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
