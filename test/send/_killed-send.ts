import { type ChildProcess, spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, expect } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { CLI } from '../helpers/cli.js';
import { perTest } from '../helpers/per-test.js';
import { createDatabase } from '../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { eligible, type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { stopChildren } from './_waiting.js';

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];

/**
 * A send and a command that only reads the state (`suppress list`) each refuse it, exit 2, with
 * `message` and no stack, nothing mailed: the refusal of a state file that must not be used.
 */
export async function expectSendAndReadRefused(
  cli: (args: string[]) => Promise<{ code: number | null; stderr: string }>,
  message: string,
): Promise<void> {
  for (const args of [SEND, ['suppress', 'list']]) {
    const refused = await cli(args);
    expect(refused.code, `${args[0]}: ${refused.stderr}`).toBe(2);
    expect(refused.stderr).toContain(message);
    expect(refused.stderr).toContain('nothing was sent');
    expect(refused.stderr).not.toMatch(/this is a bug|\n\s+at /);
  }
}

/** A `rolecast …` process started in a fixture: its output so far, and how it ended once it did. */
export interface RunningCli {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the compiled CLI in the fixture's folder; the caller (or `stopChildren`) ends it. */
export function startCli(f: SendFixture, env: NodeJS.ProcessEnv, args: string[], children: ChildProcess[]): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: f.dir,
    env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const running = { child, stdout: '', stderr: '' } as RunningCli;
  child.stdout!.on('data', (chunk) => {
    running.stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    running.stderr += chunk;
  });
  running.done = new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout: running.stdout, stderr: running.stderr })),
  );
  return running;
}

/**
 * A sink that can SIGKILL the sender at a chosen moment: `armed` is asked at the end of each
 * message's data (the server holds it whole, its reply not yet written: the client cannot know it
 * was taken) and right after each 250 is written (accepted, the ledger row not yet written).
 */
export interface KillSink {
  server: TestSmtpServer;
  /** Set by a test: return true to kill `target` at that moment. Cleared once it fired. */
  armed: ((moment: 'data-end' | 'accepted', accepted: number) => boolean) | undefined;
  target: ChildProcess | undefined;
  /** Addresses accepted, in order, with repeats. */
  accepted(): Promise<string[]>;
}

export async function startKillSink(): Promise<KillSink> {
  const sink = { armed: undefined, target: undefined } as unknown as KillSink;
  const fire = (moment: 'data-end' | 'accepted', accepted: number) => {
    if (sink.armed?.(moment, accepted)) {
      sink.armed = undefined;
      sink.target?.kill('SIGKILL');
    }
  };
  sink.server = await startSmtpServer({
    onDataEnd: () => fire('data-end', sink.server.counts.accepted),
    onAccepted: (_to, accepted) => fire('accepted', accepted),
  });
  sink.accepted = async () =>
    (await sink.server.messages()).flatMap((m) => m.envelope.to.map((to) => canonicalAddress(to)));
  return sink;
}

/** Starts the command and kills it with SIGKILL when `armed` says so; resolves once it died. */
export async function killedAt(
  sink: KillSink,
  start: () => RunningCli,
  armed: NonNullable<KillSink['armed']>,
): Promise<RunningCli> {
  const running = start();
  sink.target = running.child;
  sink.armed = armed;
  const ended = await running.done;
  if (ended.signal !== 'SIGKILL')
    throw new Error(`the command was meant to be killed but ended with ${ended.code}:\n${ended.stderr}`);
  return running;
}

/** Addresses the SQLite ledger records as sent for the issue (read-only: the file is left as found). */
export function sentInSqlite(stateFile: string, issueId = '2026-W48', since = ''): Set<string> {
  const db = new Database(stateFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        "SELECT email FROM deliveries WHERE issue_id = ? AND channel = 'smtp' AND status = 'sent' AND updated_at >= ?",
      )
      .all(issueId, since) as { email: string }[];
    return new Set(rows.map((r) => r.email));
  } finally {
    db.close();
  }
}

/** Kills the send, then reads which accepted messages the ledger missed: at most one a connection. */
export async function killAndCount(
  sink: KillSink,
  start: () => RunningCli,
  stateFile: string,
  connections: number,
  armed: NonNullable<KillSink['armed']>,
): Promise<Set<string>> {
  await killedAt(sink, start, armed);
  const missed = unrecorded(await sink.accepted(), sentInSqlite(stateFile));
  expect(missed.size).toBeLessThanOrEqual(connections);
  return missed;
}

/** How many times each address appears. */
export function tally(addresses: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of addresses) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}

/** Accepted by the server but not in the ledger: the only readers a re-run may mail again. */
export function unrecorded(accepted: string[], recorded: Set<string>): Set<string> {
  return new Set(accepted.filter((a) => !recorded.has(a)));
}

/**
 * Call in a test file (or describe) body: each test gets a fixture of ~40 readers mailed, a kill
 * sink, and `start(...extra)`, the send command run in it; what a test starts is stopped after it.
 */
export function killHarness() {
  const children: ChildProcess[] = [];
  const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);
  afterEach(() => stopChildren(children));
  return {
    children,
    async setUp(options: { concurrency?: number; subscribers?: GeneratedSubscriber[]; env?: NodeJS.ProcessEnv } = {}) {
      const concurrency = options.concurrency ?? 3;
      const fixture = await sendFixture(52, { concurrency }, options.subscribers);
      opened.fixture = fixture;
      const sink = await startKillSink();
      opened.server = sink.server;
      const env = { ...sendEnv(sink.server.url()), ...options.env };
      const startWith = (more: NodeJS.ProcessEnv, ...extra: string[]): RunningCli =>
        startCli(fixture, { ...env, ...more }, [...SEND, ...extra], children);
      const start = (...extra: string[]) => startWith({}, ...extra);
      const stateFile = fixture.temp.path('.rolecast/state.db');
      return { fixture, sink, start, startWith, stateFile, readers: await eligible(fixture) };
    },
  };
}

/** Call in a `describePostgres` body: a new database for each test, and a client of it. */
export function useKillDatabase(label: string): { url(): string; client(): pg.Client } {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let client: pg.Client | undefined;
  beforeEach(async () => {
    database = await createDatabase(label);
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterEach(async () => {
    await client?.end();
    await database?.drop();
  });
  return { url: () => database!.url, client: () => client! };
}

/** Every reader mailed, each once but for those in a set a kill left accepted and unrecorded (once more each). */
export async function expectEachOnce(sink: KillSink, readers: string[], mayRepeat: Set<string>[]): Promise<void> {
  const counts = tally(await sink.accepted());
  expect([...counts.keys()].sort()).toEqual(readers);
  for (const [email, n] of counts) {
    const allowed = 1 + mayRepeat.filter((set) => set.has(email)).length;
    expect(n, `${email} was mailed ${n} times`).toBeLessThanOrEqual(allowed);
  }
}
