import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchReader, startSink } from './_shared.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Scaling rows: a dry run, an outbox send and an SMTP send of growing lists, each in its own
 * process so its peak RSS is its own. `ROLECAST_BENCH_READERS` (comma-separated) picks the dry-run
 * sizes, `ROLECAST_BENCH_OUTBOX` the outbox sizes and `ROLECAST_BENCH_SMTP` the SMTP sizes. An
 * outbox of a million readers would write ~25 GB of files and take most of an hour, so outbox rows
 * above `ROLECAST_BENCH_OUTBOX_FULL` readers (10,000) are interrupted `ROLECAST_BENCH_OUTBOX_SECONDS`
 * (60) after sending begins (their first progress line): the whole list is still loaded, planned
 * and held, and the send loop runs long enough to show its steady memory. SMTP rows send every
 * message to a loopback sink (5 connections, no rate limit), a million included: the whole send,
 * ledger and all, in bounded memory.
 */
export async function benchScale(): Promise<void> {
  const dryRuns = sizes(process.env.ROLECAST_BENCH_READERS, [1_000, 10_000, 100_000, 1_000_000]);
  const outboxes = sizes(process.env.ROLECAST_BENCH_OUTBOX, [1_000, 10_000, 100_000, 1_000_000]);
  const smtpSends = sizes(process.env.ROLECAST_BENCH_SMTP, [100_000, 1_000_000]);
  const full = Number(process.env.ROLECAST_BENCH_OUTBOX_FULL ?? 10_000);
  const budgetMs = Number(process.env.ROLECAST_BENCH_OUTBOX_SECONDS ?? 60) * 1000;
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bench-scale-'));
  const sink = smtpSends.length ? await startSink() : undefined;
  const smtpUrl = sink ? `smtp://127.0.0.1:${sink.port}` : '';
  try {
    await makeProject(dir);
    const issueDir = join(dir, 'issues/2026-W48');
    print(
      'scaling — 9 role sets, each run in its own process (targets: 1M dry run < 10 s and < 300 MB; 1M send < 400 MB)',
    );
    print('  mode      readers      planned       sent     sending s    wall s   peak RSS MB   before MB   list MB');
    for (const [mode, counts] of [
      ['dry-run', dryRuns],
      ['outbox', outboxes],
      ['smtp', smtpSends],
    ] as const) {
      for (const count of counts) {
        const file = join(dir, `list-${count}.json`);
        const bytes = await writeSubscribers(file, count);
        // Each row's own state file: a path a removed file was noted at refuses a new one there
        // (see "State file recovery"), so the SMTP row of a size must not reuse the outbox row's.
        const outbox = join(dir, `${mode}-${count}`);
        const budget = mode === 'outbox' && count > full ? budgetMs : 0;
        const run = await child(mode, issueDir, file, dir, outbox, budget, smtpUrl);
        const first = run.firstMessageMs === undefined ? '—' : (run.firstMessageMs / 1000).toFixed(2);
        // The whole run, load and plan included: the first progress line can come up to two
        // seconds after the first message, so "sending s" is too coarse to time the send loop by.
        const note = run.stopped
          ? `  (stopped ${budget / 1000} s after sending began)`
          : mode === 'smtp'
            ? `  (${Math.round((run.sent / run.ms) * 1000).toLocaleString('en')} msgs/s, start to end)`
            : '';
        const before = run.maxRssBeforeSendingKb === undefined ? '—' : (run.maxRssBeforeSendingKb / 1024).toFixed(0);
        print(
          `  ${mode.padEnd(8)} ${String(count).padStart(9)} ${String(run.planned).padStart(12)} ${String(mode === 'dry-run' ? '—' : run.sent).padStart(10)} ${first.padStart(13)} ${(run.ms / 1000).toFixed(2).padStart(9)} ${(run.maxRssKb / 1024).toFixed(0).padStart(13)} ${before.padStart(11)} ${(bytes / 1024 / 1024).toFixed(0).padStart(9)}${note}`,
        );
        await rm(outbox, { recursive: true, force: true });
        await rm(`${outbox}.state.db`, { force: true });
        await rm(file, { force: true });
      }
    }
  } finally {
    sink?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function sizes(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  return value
    .split(',')
    .map((part) => Number(part.trim().replace(/_/g, '')))
    .filter((count) => Number.isInteger(count) && count > 0);
}

async function makeProject(dir: string): Promise<void> {
  await cp(join(ROOT, 'issues/2026-W48'), join(dir, 'issues/2026-W48'), { recursive: true });
  await cp(join(ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  await cp(join(ROOT, 'roles.yaml'), join(dir, 'roles.yaml'));
  const config = JSON.parse(await readFile(join(ROOT, 'rolecast.config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(dir, 'rolecast.config.json'), JSON.stringify(config));
}

/** Written as a stream: the benchmark itself must not hold a million readers either. */
async function writeSubscribers(file: string, count: number): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((drained) => out.once('drain', () => drained()));
  };
  await write('[');
  for (let i = 0; i < count; i++) {
    const entry = JSON.stringify(benchReader(i));
    await write(i ? `,\n${entry}` : entry);
  }
  await write(']\n');
  await new Promise<void>((closed) => out.end(() => closed()));
  return bytes;
}

interface ChildRun {
  ms: number;
  planned: number;
  sent: number;
  firstMessageMs?: number;
  stopped: boolean;
  maxRssKb: number;
  maxRssBeforeSendingKb?: number;
}

function child(
  mode: 'dry-run' | 'outbox' | 'smtp',
  issueDir: string,
  file: string,
  cwd: string,
  outbox: string,
  budgetMs: number,
  smtpUrl: string,
): Promise<ChildRun> {
  return new Promise<ChildRun>((resolveRun, reject) => {
    const args = [join(HERE, '_scale-child.js'), mode, issueDir, file, cwd, outbox, String(budgetMs), smtpUrl];
    const run = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    run.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    run.once('error', reject);
    run.once('close', (code) => {
      if (code !== 0) return reject(new Error(`the ${mode} process exited with code ${code}`));
      resolveRun(JSON.parse(out) as ChildRun);
    });
  });
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
