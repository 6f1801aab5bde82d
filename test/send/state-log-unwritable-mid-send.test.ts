import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { captureStreams } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * The state file's write-ahead log (state.db-wal) or its index (state.db-shm) stops taking writes
 * in the middle of a send (a disk error, a permission changed under an open file): the state layer
 * throws SQLite's I/O error after some messages went. Every message the server accepted is then
 * recorded or listed as not recorded, the run stops with exit 3 naming the state file, and once the
 * file takes writes again the same command mails each reader once.
 */

// Batches of ledger rows let through before the write fails; undefined: every write goes through.
const failing: { after: number | undefined; code: string; written: number } = {
  after: undefined,
  code: '',
  written: 0,
};

vi.mock('../../src/send/ledger.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/send/ledger.js')>();
  const openLedger: typeof actual.openLedger = (...args) => {
    const ledger = actual.openLedger(...args);
    return {
      ...ledger,
      recordMany(entries) {
        if (failing.after !== undefined && failing.written >= failing.after)
          throw new Database.SqliteError('disk I/O error', failing.code);
        failing.written++;
        ledger.recordMany(entries);
      },
    };
  };
  return { ...actual, openLedger };
});

vi.resetModules();
const { main } = await import('../../src/cli/main.js');

afterAll(() => {
  vi.doUnmock('../../src/send/ledger.js');
  vi.resetModules();
});

let server: TestSmtpServer | undefined;
let fixture: SendFixture | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
  failing.after = undefined;
  failing.written = 0;
});

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'];

async function send(f: SendFixture, url: string) {
  const streams = captureStreams();
  const code = await main(SEND, {
    cwd: f.dir,
    env: sendEnv(url),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, streams };
}

function sentRows(f: SendFixture): string[] {
  const db = new Database(`${f.dir}/.rolecast/state.db`, { readonly: true });
  try {
    return db.prepare("SELECT email FROM deliveries WHERE status = 'sent'").pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe.each([
  ['state.db-wal', 'SQLITE_IOERR_WRITE'],
  ['state.db-shm', 'SQLITE_IOERR_SHMMAP'],
])('%s refusing writes in the middle of a send (%s)', (_side, code) => {
  it('records or lists every message that went, exits 3 naming the file, and a second run mails each reader once', async () => {
    fixture = await sendFixture(30, { concurrency: 2 });
    server = await startSmtpServer({ faults: { dataDelayMs: 5 } });
    failing.after = 2;
    failing.code = code;
    const first = await send(fixture, server.url());
    expect(first.code, first.streams.err).toBe(3);
    expect(first.streams.err).toMatch(/the state file \S+state\.db could not be written: disk I\/O error/);
    expect(first.streams.err).not.toMatch(/this is a bug|\n\s+at /);
    const report = JSON.parse(first.streams.out) as {
      halted: { unrecorded: { email: string }[]; unrecordedFile?: string };
      total: { planned: number };
    };
    const accepted = (await server.messages()).map((m) => m.envelope.to[0]!);
    const recorded = sentRows(fixture);
    const listed = report.halted.unrecorded.map((u) => u.email);
    expect(recorded.length).toBeGreaterThan(0);
    expect(listed.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThan(report.total.planned);
    expect([...recorded, ...listed].sort()).toEqual([...accepted].sort());
    expect(existsSync(report.halted.unrecordedFile!)).toBe(true);

    // The file takes writes again: the listed messages are recorded first, and nobody gets two.
    failing.after = undefined;
    const second = await send(fixture, server.url());
    expect(second.code, second.streams.err).toBe(0);
    const all = (await server.messages()).map((m) => m.envelope.to[0]!);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(report.total.planned);
    expect(existsSync(report.halted.unrecordedFile!)).toBe(false);
    expect(sentRows(fixture).sort()).toEqual([...all].sort());
  });
});
