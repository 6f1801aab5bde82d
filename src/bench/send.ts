import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { readEnvironment } from '../config/env.js';
import { loadProject } from '../load/project.js';
import { compileAudience } from '../render/index.js';
import { messageIdFor } from '../send/index.js';
import { planDelivery } from '../send/plan.js';
import { buildFor } from '../send/send-issue.js';
import { createSmtpTransport } from '../send/transport.js';
import { personalLinks } from '../unsubscribe/links.js';
import { benchReader, FIRST_RUN_TO_ALL, startSink } from './_shared.js';
import { bracketed, median, spread } from './_stats.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = dirname(fileURLToPath(import.meta.url));
const SEND_COUNT = 10_000;
const DRY_RUN_COUNT = 100_000;
const CONCURRENCY = 5;
/** Interleaved rounds; medians are reported. BENCH_ROUNDS overrides (a quick look: 1). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 5);
/** BENCH_SIDES=e2e,floor runs only those sides (a quick look while tuning); BENCH_DRY_RUN=0 skips the dry run. */
const SIDES = new Set((process.env.BENCH_SIDES ?? 'e2e,cli,cliCold,pool,floor,rawPool').split(','));
const DRY_RUN = process.env.BENCH_DRY_RUN !== '0';

/**
 * End-to-end sending (plan, personalise, encode, SMTP, ledger) against, on the same loopback sink
 * and in the same rounds: a bare nodemailer pool composing identical messages (what a plain sender
 * does), the raw-bytes floor (one reader's message encoded once, sent over rolecast's transport:
 * transmission only) and, for reference, those raw bytes through nodemailer's pool. Rounds are
 * interleaved, their order rotated, and each ratio is taken within a round, so a busy machine
 * skews both sides alike; medians are printed. Then a 100k-subscriber dry run in its own process.
 */
export async function benchSend(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bench-send-'));
  const sink = await startSink();
  try {
    await makeProject(dir);
    await writeSubscribers(join(dir, 'warmup.json'), 500);
    await writeSubscribers(join(dir, 'subscribers.json'), SEND_COUNT);
    const url = `smtp://127.0.0.1:${sink.port}`;
    const env = { SMTP_URL: url, ROLECAST_SECRET: 'bench-signing-secret-0123456789abcdef' };
    const issueDir = join(dir, 'issues/2026-W48');
    print(
      `send bench — ${SEND_COUNT} subscribers, ${CONCURRENCY} connections, loopback sink in a child process, medians of ${ROUNDS} interleaved rounds`,
    );

    const sample = await sampleMessages(issueDir, join(dir, 'subscribers.json'), dir, env);
    const rawOnly: SendMailOptions = { envelope: sample.wire.envelope, raw: sample.wire.raw };
    await barePool(url, sample.composed, 500);
    await barePool(url, rawOnly, 500);
    await wireFloor(url, sample.wire, 500);

    type Row = { rate: number; cpu: number };
    type Side = 'cli' | 'cliCold' | 'pool' | 'rawPool';
    const rows = {
      e2e: [] as (Row & { delivery: number; failed: number })[],
      pool: [] as Row[],
      floor: [] as Row[],
      rawPool: [] as Row[],
      cli: [] as Row[],
      cliCold: [] as Row[],
    };
    const ratios = { floor: [] as number[], pool: [] as number[], cli: [] as number[], cliCold: [] as number[] };
    const loads: number[] = [];
    const withFloor = SIDES.has('floor');
    for (let round = 1; round <= ROUNDS; round++) {
      const measured: Partial<Record<Side, Row>> = {};
      let e2eRow: (typeof rows.e2e)[number] | undefined;
      let floorRate: number | undefined;
      const floorOnce = async () => {
        global.gc?.();
        const row = await wireFloor(url, sample.wire, SEND_COUNT);
        rows.floor.push(row);
        return row;
      };
      // The floor right before and right after a measured side: their mean stands for the floor at
      // that side's own moment, so a load that changed during the round tilts its ratio less.
      const bracket = async <R extends Row>(run: () => Promise<R>) => {
        const before = withFloor ? await floorOnce() : undefined;
        global.gc?.();
        const row = await run();
        const after = withFloor ? await floorOnce() : undefined;
        return { row, floor: before && after ? bracketed(before.rate, after.rate) : undefined };
      };
      let e2eFloors: Row[] = [];
      const pair = async () => {
        const { row, floor } = await bracket(() => sendChild(issueDir, dir, round, url, env.ROLECAST_SECRET));
        e2eRow = row;
        rows.e2e.push(row);
        floorRate = floor;
        if (floor) e2eFloors = rows.floor.slice(-2);
      };
      const againstFloor = (side: 'cli' | 'cliCold', run: () => Promise<Row>) => async () => {
        const { row, floor } = await bracket(run);
        if (floor) ratios[side].push(row.rate / floor);
        return row;
      };
      const others: [Side, () => Promise<Row>][] = [
        ['cli', againstFloor('cli', () => coldCommand(dir, `${round}`, env))],
        [
          'cliCold',
          againstFloor('cliCold', async () => {
            // As on a machine that never rendered the issue: MJML loaded and run.
            await rm(join(dir, '.rolecast', 'cache'), { recursive: true, force: true });
            return coldCommand(dir, `${round}-empty`, env);
          }),
        ],
        ['pool', () => barePool(url, sample.composed, SEND_COUNT)],
        ['rawPool', () => barePool(url, rawOnly, SEND_COUNT)],
      ];
      const steps: (() => Promise<void>)[] = [
        pair,
        ...others
          .filter(([name]) => SIDES.has(name))
          .map(([name, run]) => async () => {
            global.gc?.();
            const row = await run();
            measured[name] = row;
            rows[name].push(row);
          }),
      ];
      const loadBefore = loadavg()[0]!;
      // Rotated each round, so no side always runs first (or right after the heaviest).
      for (let k = 0; k < steps.length; k++) await steps[(k + round - 1) % steps.length]!();
      const load = (loadBefore + loadavg()[0]!) / 2;
      loads.push(load);
      const e2eRound = e2eRow!;
      if (floorRate) ratios.floor.push(e2eRound.rate / floorRate);
      if (measured.pool) ratios.pool.push(e2eRound.rate / measured.pool.rate);
      const rate = (row: Row | undefined) => row?.rate.toFixed(0) ?? '-';
      const floorRows = e2eFloors;
      print(
        `  round ${round} (load average ${load.toFixed(1)}): end-to-end ${e2eRound.rate.toFixed(0)} (${e2eRound.cpu.toFixed(0)} µs/msg), raw-bytes floor ${floorRate ? `${floorRows.map((r) => r.rate.toFixed(0)).join(' then ')} (${floorRows.map((r) => r.cpu.toFixed(0)).join(', ')} µs/msg), ${((100 * e2eRound.rate) / floorRate).toFixed(0)} %` : '-'}, the command cold ${rate(measured.cli)} (empty MJML cache ${rate(measured.cliCold)}), bare pool ${rate(measured.pool)}, raw via nodemailer ${rate(measured.rawPool)} msgs/s`,
      );
    }
    const e2e = { rate: median(rows.e2e.map((r) => r.rate)), cpu: median(rows.e2e.map((r) => r.cpu)) };
    const delivery = median(rows.e2e.map((r) => r.delivery));
    const failed = Math.max(...rows.e2e.map((r) => r.failed));
    const at = (list: Row[]) => ({ rate: median(list.map((r) => r.rate)), cpu: median(list.map((r) => r.cpu)) });
    const pool = at(rows.pool);
    const floor = at(rows.floor);
    const rawPool = at(rows.rawPool);
    const rss = process.resourceUsage().maxRSS / 1024;
    const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

    print(
      `  end-to-end:       ${e2e.rate.toFixed(0)} msgs/s (whole send: load, plan, render, send, ledger, in a warmed-up process of its own; ${failed} failed); delivery phase alone ${delivery.toFixed(0)} msgs/s`,
    );
    if (rows.cli.length)
      print(
        `  the command cold: ${at(rows.cli).rate.toFixed(0)} msgs/s — \`rolecast send\` in a new process, spawn to exit (module loading and cold code included), ${pct(median(ratios.cli))} of the floor; the issue's MJML output cached, as after a preview, build or earlier send`,
      );
    if (rows.cliCold.length)
      print(
        `  ... empty cache: ${at(rows.cliCold).rate.toFixed(0)} msgs/s — the same with no MJML output cached (MJML loaded and run), ${pct(median(ratios.cliCold))} of the floor`,
      );
    const spreadOf = (values: number[]) => {
      const { median: mid, min, max } = spread(values);
      return `${pct(mid)} (rounds ${pct(min)}–${pct(max)})`;
    };
    const cpu = (row: { cpu: number }) => (Number.isNaN(row.cpu) ? '-' : row.cpu.toFixed(0));
    if (rows.floor.length)
      print(
        `  raw-bytes floor:  ${floor.rate.toFixed(0)} msgs/s — one message encoded once, sent ${SEND_COUNT}× over the same transport, right before and right after each end-to-end send and each run of the command`,
      );
    if (rows.pool.length)
      print(
        `  bare nodemailer:  ${pool.rate.toFixed(0)} msgs/s — a pool composing each identical message from HTML and text`,
      );
    if (rows.rawPool.length)
      print(
        `  raw via pool:     ${rawPool.rate.toFixed(0)} msgs/s — the floor's bytes through nodemailer's pool (its per-byte data stream)`,
      );
    const load = spread(loads);
    print(
      `  ratios (median of per-round ratios): end-to-end / raw-bytes floor ${ratios.floor.length ? spreadOf(ratios.floor) : '-'} (target ≥ 90 %)${ratios.pool.length ? `; end-to-end / bare nodemailer pool ${spreadOf(ratios.pool)}` : ''}; load average ${load.min.toFixed(1)}–${load.max.toFixed(1)} over the rounds (${cpus().length} cores)`,
    );
    print(
      `  sender CPU:       ${cpu(e2e)} µs/msg end-to-end (incl. load and render), ${cpu(floor)} floor, ${cpu(pool)} bare pool, ${cpu(rawPool)} raw via pool`,
    );
    print(
      `  message:          ${(sample.htmlBytes / 1024).toFixed(1)} KB HTML + ${(sample.textBytes / 1024).toFixed(1)} KB text, quoted-printable`,
    );
    print(`  peak RSS of this process: ${rss.toFixed(0)} MB`);

    if (!DRY_RUN) return;
    await writeSubscribers(join(dir, 'big.json'), DRY_RUN_COUNT);
    const dry = await dryRunChild(issueDir, join(dir, 'big.json'), dir);
    print(
      `  dry run of ${DRY_RUN_COUNT} subscribers (own process): ${dry.planned} planned over ${dry.variants} variants in ${(dry.ms / 1000).toFixed(2)} s, peak RSS ${(dry.maxRssKb / 1024).toFixed(0)} MB (target ≤ 200 MB)`,
    );
  } finally {
    sink.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same pre-encoded message `count` times through rolecast's own SMTP transport: the floor. */
async function wireFloor(url: string, mail: SendMailOptions, count: number) {
  const transport = createSmtpTransport({ url, concurrency: CONCURRENCY });
  // Connections open before the clock starts, as a send opens them while its issue renders.
  await transport.verify({ keepOpen: true });
  const run = await sendRepeatedly(count, () => transport.send(mail));
  await transport.close();
  return run;
}

export async function makeProject(dir: string): Promise<void> {
  await cp(join(ROOT, 'issues/2026-W48'), join(dir, 'issues/2026-W48'), { recursive: true });
  await cp(join(ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  await cp(join(ROOT, 'roles.yaml'), join(dir, 'roles.yaml'));
  const config = JSON.parse(await readFile(join(ROOT, 'rolecast.config.json'), 'utf8')) as Record<string, unknown>;
  config.send = { concurrency: CONCURRENCY, ratePerSecond: 1000, retries: 2, retryBaseMs: 50 };
  await writeFile(join(dir, 'rolecast.config.json'), JSON.stringify(config));
}

export async function writeSubscribers(file: string, count: number): Promise<void> {
  const subscribers = Array.from({ length: count }, (_, i) => benchReader(i));
  await writeFile(file, JSON.stringify(subscribers));
}

/**
 * One real message of the issue, in two forms for the baselines: the nodemailer options a plain
 * sender would pass (nodemailer composes the MIME), and the exact bytes rolecast sends.
 */
async function sampleMessages(issueDir: string, subscribersFile: string, cwd: string, env: NodeJS.ProcessEnv) {
  const project = await loadProject({ issueDir, subscribersFile, cwd });
  const plan = planDelivery(project, project.subscribers!.slice(0, 20), FIRST_RUN_TO_ALL);
  const compiled = await compileAudience(project, plan.audience.variants);
  const { subscriber, variantId } = plan.toSend[0]!;
  const messageId = messageIdFor(project.config, project.issue.id, subscriber.email);
  const secret = readEnvironment(env).secret;
  const links = personalLinks(project.config, secret, project.issue.id, subscriber.email);
  const content = compiled.get(variantId)!.personalise({
    email: subscriber.email,
    name: subscriber.name,
    unsubscribeUrl: links.unsubscribeUrl,
    preferencesUrl: links.preferencesUrl,
    viewOnlineUrl: links.viewOnlineUrl,
  });
  const composed: SendMailOptions = {
    from: { name: project.config.sender.name, address: project.config.sender.email },
    to: { name: subscriber.name ?? '', address: subscriber.email },
    replyTo: project.config.replyTo,
    subject: content.subject,
    text: content.text,
    html: content.html,
    messageId,
    date: new Date(),
    headers: { 'List-Id': `<${project.config.listId}>`, 'List-Unsubscribe': links.listUnsubscribe },
    textEncoding: 'base64',
  };
  const wire = buildFor(
    project,
    readEnvironment(env),
    compiled,
    subscriber,
    variantId,
    messageId,
    new Date(),
  ) as SendMailOptions & {
    envelope: { from: string; to: string[] };
    raw: Buffer;
  };
  return {
    composed,
    wire,
    htmlBytes: Buffer.byteLength(content.html),
    textBytes: Buffer.byteLength(content.text),
  };
}

async function barePool(url: string, mail: SendMailOptions, count: number) {
  const transporter = nodemailer.createTransport({
    pool: true,
    url,
    maxConnections: CONCURRENCY,
    maxMessages: Number.POSITIVE_INFINITY,
    logger: false,
  });
  const run = await sendRepeatedly(count, () => transporter.sendMail(mail));
  transporter.close();
  return run;
}

/** `send` run `count` times, two in flight per connection so every connection stays busy; rate and CPU per message. */
async function sendRepeatedly(count: number, send: () => Promise<unknown>) {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let next = 0;
  const lanes = Array.from({ length: CONCURRENCY * 2 }, async () => {
    while (next < count) {
      next++;
      await send();
    }
  });
  await Promise.all(lanes);
  const seconds = (performance.now() - started) / 1000;
  return { count, seconds, rate: count / seconds, cpu: cpuMicros(cpuStart) / count };
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/** One end-to-end send in a fresh process (see _send-child.ts). */
function sendChild(issueDir: string, dir: string, round: number, url: string, secret: string) {
  const stateDir = join(dir, `e2e-${round}`);
  return mkdir(stateDir, { recursive: true }).then(() =>
    jsonChild<{ rate: number; cpu: number; delivery: number; failed: number }>(join(HERE, '_send-child.js'), [
      issueDir,
      join(dir, 'warmup.json'),
      join(dir, 'subscribers.json'),
      dir,
      stateDir,
      url,
      secret,
      String(CONCURRENCY),
    ]),
  );
}

/**
 * `rolecast send` as an editor runs it: a new process, modules loaded and code compiled cold.
 * Timed from spawn to exit; its CPU is not measured.
 */
async function coldCommand(dir: string, round: string, env: Record<string, string>) {
  const started = performance.now();
  const cli = join(HERE, '../cli/index.js');
  const args = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'];
  args.push('--state', join(dir, `cli-${round}.db`), '--concurrency', String(CONCURRENCY), '--rate', '0');
  // Only what a command needs from the shell: a DATABASE_URL or DKIM key there would change the send.
  const shell = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir };
  const report = await jsonChild<{ total: { sent: number } }>(cli, args, { cwd: dir, env: { ...shell, ...env } });
  const seconds = (performance.now() - started) / 1000;
  return { rate: report.total.sent / seconds, cpu: Number.NaN };
}

/** Runs `node script args…` and parses what it printed as JSON; its stderr is shown only if it fails. */
function jsonChild<T>(script: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<T>((resolveRun, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with code ${code}: ${err.slice(-2000)}`));
      resolveRun(JSON.parse(out) as T);
    });
  });
}

function dryRunChild(issueDir: string, subscribersFile: string, cwd: string) {
  return jsonChild<{ ms: number; planned: number; variants: number; maxRssKb: number }>(join(HERE, '_dry-run.js'), [
    issueDir,
    subscribersFile,
    cwd,
  ]);
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
