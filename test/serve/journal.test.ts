import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScheduledSendCommand } from '../../src/schedule/index.js';
import { sendIssue } from '../../src/send/index.js';
import { appendToJournal } from '../../src/send/journal.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import {
  journalPath,
  listSuppressions,
  replayJournal,
  startUnsubscribeServer,
  stateSuppressionList,
  type UnsubscribeServerOptions,
} from '../../src/serve/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { runCli } from '../helpers/cli.js';
import { captureStreams } from '../helpers/project.js';
import { postOneClick, useServeProject } from '../helpers/serve-project.js';
import { form, startSignupServer } from '../helpers/signup.js';

/**
 * An unsubscribe is never lost: when the state database is locked by another program, the
 * endpoint journals the request beside it, answers 200, and the journal is applied by the next
 * `serve`, by `serve` itself once the database is free, by `send` before it plans, and by `suppress`.
 */

const SECRET = 'journal-test-secret-0123456789abcdef';
const READER = 'priya.raman@example.com';

let journal: string;
let db: StateDb;
let locker: Database.Database | undefined;
const serve = useServeProject(() => db.close());

beforeEach(() => {
  journal = journalPath(serve.stateFile);
  db = openStateDb(serve.stateFile);
});

// Before the server closes: its close may wait for the state file.
afterEach(() => unlock());

async function start(options: Partial<UnsubscribeServerOptions> & { writeWaitMs?: number } = {}) {
  const { writeWaitMs = 200, ...rest } = options;
  const server = await startUnsubscribeServer({
    config: serve.config,
    secret: SECRET,
    suppressions: stateSuppressionList(db, { writeWaitMs }),
    port: 0,
    replayIntervalMs: 60_000,
    log: (line) => serve.logged.push(line),
    ...rest,
  });
  serve.server = server;
  return server;
}

/** Another program holding the state database: an exclusive transaction on a second connection. */
function lock(): void {
  locker = new Database(serve.stateFile);
  locker.exec('BEGIN EXCLUSIVE');
}

function unlock(): void {
  if (!locker) return;
  locker.exec('ROLLBACK');
  locker.close();
  locker = undefined;
}

function oneClick(email: string): Promise<Response> {
  return postOneClick(serve.server!, serve.config, SECRET, email);
}

/** The journal and any copy a replay set aside (a failed replay leaves its copy for the next one). */
const journalFiles = () => readdirSync(dirname(journal)).filter((name) => name.startsWith(basename(journal)));
const suppressed = () => listSuppressions(db).map((s) => s.email);
const journalLines = () =>
  readFileSync(journal, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, string>);

describe('one-click POST while the state database is locked', () => {
  it('waits without blocking other requests, then journals the address and answers 200', async () => {
    await start({ writeWaitMs: 3_000 });
    lock();
    let answered = false;
    const pending = oneClick(READER).then((response) => {
      answered = true;
      return response;
    });
    // The wait is asynchronous: the health check answers while the POST is still waiting.
    const health = await fetch(`${new URL(serve.server!.url).origin}/healthz`);
    expect(health.status).toBe(200);
    expect(answered).toBe(false);

    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');
    expect(journalLines()).toEqual([
      {
        email: READER,
        reason: 'unsubscribe',
        source: 'one-click',
        at: expect.any(String),
        sum: expect.stringMatching(/^[0-9a-f]{12}$/),
      },
    ]);
    expect(suppressed()).toEqual([]);
    expect(serve.logged.join('\n')).toContain('journal');

    // Released, and serve started again: the journal is applied and removed.
    unlock();
    await serve.server!.close();
    await start();
    expect(suppressed()).toEqual([READER]);
    expect(listSuppressions(db)[0]).toMatchObject({ reason: 'unsubscribe', source: 'one-click' });
    expect(existsSync(journal)).toBe(false);
  });

  it('a running serve applies the journal by itself once the database is free', async () => {
    await start({ replayIntervalMs: 50 });
    lock();
    expect((await oneClick(READER)).status).toBe(200);
    expect(journalFiles()).not.toEqual([]);
    unlock();
    for (let i = 0; i < 400 && !suppressed().includes(READER); i++) await new Promise((r) => setTimeout(r, 25));
    expect(suppressed()).toEqual([READER]);
    expect(journalFiles()).toEqual([]);
  });

  it('send applies the journal before it plans and skips the address', async () => {
    await start();
    lock();
    expect((await oneClick(READER)).status).toBe(200);
    await serve.server!.close();
    serve.server = undefined;
    unlock();
    expect(suppressed()).toEqual([]);

    const outbox = serve.project.path('outbox');
    const report = await sendIssue({
      issueDir: 'issues/2026-W48',
      subscribersFile: 'subscribers.example.json',
      cwd: serve.project.dir,
      env: { ROLECAST_SECRET: SECRET },
      outbox,
    });
    const files = await readdir(outbox);
    expect(report.total.skipped.suppressed).toBe(1);
    expect(files).not.toContain(`${READER}.eml`);
    expect(files).toContain('zoe.hartmann@example.net.eml');
    expect(suppressed()).toEqual([READER]);
    expect(existsSync(journal)).toBe(false);
  });

  it('journals at once, without waiting, when the database is read-only', async () => {
    const readonly = openStateDb(serve.stateFile, { readonly: true });
    try {
      // A wait this long would outlast the test's own timeout: only an immediate fallback passes.
      serve.server = await startUnsubscribeServer({
        config: serve.config,
        secret: SECRET,
        suppressions: stateSuppressionList(readonly, { writeWaitMs: 120_000 }),
        port: 0,
      });
      expect((await oneClick(READER)).status).toBe(200);
      expect(journalLines().map((line) => line.email)).toEqual([READER]);
    } finally {
      await serve.server?.close();
      serve.server = undefined;
      readonly.close();
    }
  });

  it('a scheduled send applies the journal before it plans its waves', async () => {
    appendToJournal(journal, {
      email: READER,
      reason: 'unsubscribe',
      source: 'one-click',
      at: new Date().toISOString(),
    });
    const streams = captureStreams();
    const code = await runScheduledSendCommand({
      send: {
        issueDir: 'issues/2026-W48',
        subscribersFile: 'subscribers.example.json',
        cwd: serve.project.dir,
        env: { ROLECAST_SECRET: SECRET },
        outbox: 'outbox',
      },
      at: '2026-01-05T08:00Z',
      local: false,
      sendMissed: true,
      dryRun: false,
      stdout: streams.stdout,
      printReport: () => {},
    });
    expect(code, streams.out).toBe(0);
    const files = await readdir(serve.project.path('outbox'));
    expect(files).not.toContain(`${READER}.eml`);
    // The whole schedule was planned without the address: everyone planned got the issue.
    const run = db.prepare("SELECT planned FROM runs WHERE channel LIKE 'outbox%'").get() as { planned: number };
    expect(run.planned).toBe(files.filter((name) => name.endsWith('.eml')).length);
    expect(suppressed()).toEqual([READER]);
  });

  it('answers 503 with Retry-After, never a false 200, when the journal cannot be written either', async () => {
    await start();
    mkdirSync(journal); // a directory where the journal file should be: nothing can be appended
    lock();
    const response = await oneClick(READER);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    unlock();
    expect(suppressed()).toEqual([]);
    rmdirSync(journal);
    // The provider's retry, once the database is free, gets through.
    expect((await oneClick(READER)).status).toBe(200);
    expect(suppressed()).toEqual([READER]);
  });
});

describe('replaying the journal', () => {
  const entry = (email: string) => ({
    email,
    reason: 'unsubscribe',
    source: 'one-click',
    at: '2026-11-30T10:00:00.000Z',
  });

  it('tolerates a torn last line, and a later entry starts on a line of its own', () => {
    writeFileSync(journal, `${JSON.stringify(entry(READER))}\n{"email":"jonas.be`);
    appendToJournal(journal, entry('zoe.hartmann@example.net'));
    appendFileSync(journal, '{"email":"cut.short@exa');
    const result = replayJournal(db);
    expect(result).toMatchObject({ read: 2, added: 2, unreadable: 2 });
    expect(result.cutShort).toEqual([
      { file: journal, line: 2 },
      { file: journal, line: 4 },
    ]);
    expect(suppressed().sort()).toEqual([READER, 'zoe.hartmann@example.net']);
    expect(existsSync(journal)).toBe(false);
  });

  it('is idempotent: a journal applied twice keeps the first record', () => {
    db.prepare(
      "INSERT INTO suppressions VALUES (?, 'hard bounce', 'import:bounces.csv', '2026-11-01T00:00:00.000Z')",
    ).run(READER);
    appendToJournal(journal, entry('Priya.Raman@Example.com'));
    const text = readFileSync(journal, 'utf8');
    expect(replayJournal(db)).toEqual({ read: 1, added: 0, unreadable: 0 });
    writeFileSync(journal, text);
    expect(replayJournal(db)).toEqual({ read: 1, added: 0, unreadable: 0 });
    expect(listSuppressions(db)).toEqual([
      { email: READER, reason: 'hard bounce', source: 'import:bounces.csv', createdAt: '2026-11-01T00:00:00.000Z' },
    ]);
  });

  it('keeps the journal when the commit fails, and applies a copy left by an interrupted replay', () => {
    appendToJournal(journal, entry(READER));
    lock();
    const busy = new Database(serve.stateFile);
    try {
      busy.pragma('busy_timeout = 0');
      expect(() => replayJournal(busy)).toThrow(/locked|busy/i);
    } finally {
      busy.close();
    }
    unlock();
    // The replay had set the journal aside before it failed: nothing is lost.
    expect(journalFiles()).toHaveLength(1);
    expect(existsSync(journal)).toBe(false);
    appendToJournal(journal, entry('zoe.hartmann@example.net'));
    expect(replayJournal(db)).toMatchObject({ read: 2, added: 2 });
    expect(suppressed().sort()).toEqual([READER, 'zoe.hartmann@example.net']);
    expect(journalFiles()).toEqual([]);
  });

  it('suppress list shows journaled addresses', async () => {
    appendToJournal(journal, entry(READER));
    db.close();
    const listed = await runCli(['suppress', 'list'], { cwd: serve.project.dir });
    db = openStateDb(serve.stateFile);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${READER}\tunsubscribe\tone-click`);
    expect(existsSync(journal)).toBe(false);
  });
});

describe('the preferences page', () => {
  it('shows a reader whose unsubscribe waits in the journal as unsubscribed, and refuses to move them to a new address', async () => {
    const clock = Date.parse('2026-11-30T09:00:00Z');
    const h = await startSignupServer({ secret: SECRET, now: () => new Date(clock) });
    try {
      const url = `${h.origin}/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
      const page = () => fetch(url).then((response) => response.text());
      const before = await page();
      expect(before).toContain('name="csrf"');
      expect(before).not.toContain('You are unsubscribed');
      // What a one-click unsubscribe leaves while the state file is locked: a journal line.
      appendToJournal(journalPath(h.db.name), {
        email: READER,
        reason: 'unsubscribe',
        source: 'one-click',
        at: new Date(clock).toISOString(),
      });
      const after = await page();
      expect(after).toContain('You are unsubscribed');
      // The form left open before cannot move them to a new address (which no suppression covers).
      const csrf = /name="csrf" value="([^"]+)"/.exec(before)![1]!;
      const saved = await h.post(
        new URL(url).pathname + new URL(url).search,
        form({ csrf, do: 'save', roles: 'CTO', email: 'new.priya@example.com' }),
      );
      expect(saved.status).toBeLessThan(400);
      expect(saved.headers.get('location') ?? '').not.toContain('address');
      expect(await h.mailCount(1)).toBe(0);
      expect(await page()).toContain('You are unsubscribed');
    } finally {
      await h.close();
    }
  });
});
