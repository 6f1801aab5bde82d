import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { effectiveRoleOrder } from '../group/index.js';
import { loadProject } from '../load/project.js';
import { sendIssue } from '../send/index.js';
import { startSink } from './_shared.js';
import { makeProject } from './send.js';

/**
 * One row of the role-set send bench, in its own process so its peak memory is its own: 10,000
 * readers sent over 5 connections to a loopback sink, their role sets drawn from the example
 * issue's roles either from 10 distinct sets or one per reader (as far as the roles allow). Both
 * draw each role with the same odds, so messages are alike in size. Prints JSON.
 * Run as `node dist/bench/_role-set-send.js SETS [clicks]` (SETS = 10, or 0 for one per reader;
 * `clicks` turns click tracking on).
 */

const READERS = 10_000;

export interface RoleSetSendRow {
  wanted: number;
  clicks: boolean;
  roleSets: number;
  seconds: number;
  msgsPerSecond: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const wanted = Number(process.argv[2] ?? 10);
  const clicks = process.argv[3] === 'clicks';
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bench-sets-'));
  const sink = await startSink();
  try {
    await makeProject(dir);
    if (clicks) {
      const file = join(dir, 'rolecast.config.json');
      const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(file, JSON.stringify({ ...config, tracking: { clicks: true } }));
    }
    const issueDir = join(dir, 'issues/2026-W48');
    const project = await loadProject({ issueDir, cwd: dir });
    const roles = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
    const readers = Array.from({ length: READERS }, (_, i) => ({
      email: `reader${i}@bench.example`,
      name: `Reader ${i}`,
      roles: rolesOf(wanted > 0 ? i % wanted : i, roles),
    }));
    await writeFile(join(dir, 'subscribers.json'), JSON.stringify(readers));
    const roleSets = new Set(readers.map((r) => r.roles.join('\u0000'))).size;
    const env = { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, ROLECAST_SECRET: 'bench-signing-secret-0123456789abcdef' };
    const started = performance.now();
    const report = await sendIssue({
      issueDir,
      subscribersFile: join(dir, 'subscribers.json'),
      cwd: dir,
      env,
      concurrency: 5,
      ratePerSecond: 0,
      stateFile: join(dir, 'state.db'),
    });
    const seconds = (performance.now() - started) / 1000;
    if (report.total.sent !== READERS) throw new Error(`sent ${report.total.sent} of ${READERS}`);
    const row: RoleSetSendRow = {
      wanted,
      clicks,
      roleSets,
      seconds,
      msgsPerSecond: READERS / seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } finally {
    sink.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reader `key`'s roles: each role with odds one half, from a hash of the key; never none. */
function rolesOf(key: number, roles: readonly string[]): string[] {
  let hash = Math.imul(key + 1, 0x9e3779b1);
  const chosen = roles.filter(() => {
    hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
    hash ^= hash >>> 13;
    return ((hash >>> 7) & 1) === 1;
  });
  return chosen.length ? chosen : [roles[key % roles.length]!];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
