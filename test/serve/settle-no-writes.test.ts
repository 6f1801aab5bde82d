import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import {
  journalPath,
  startUnsubscribeServer,
  stateSuppressionList,
  type UnsubscribeServer,
} from '../../src/serve/index.js';
import { marksPending } from '../../src/state/sqlite/generation.js';
import { settlingAfterEach } from '../../src/state/sqlite/settle.js';
import { postOneClick, useServeProject } from '../helpers/serve-project.js';
import { withoutMarks } from '../helpers/state-db.js';

/**
 * A one-click unsubscribe while the state file takes no writes (read-only, a full disk) goes to the
 * journal beside it and is answered 200. What `serve` does around each write (settle.ts: the log
 * copied into the file, how far the file got recorded, the marks a locked file kept out at start)
 * only strengthens later checks: a write of its own refused there must not turn that answer into
 * 503 "could not be recorded", nor keep the unsubscribe out of the journal. Read-only is simulated
 * with SQLite's query_only, which refuses writes with SQLITE_READONLY as a read-only file does.
 */

const SECRET = 'settle-no-writes-secret-0123456789abcdef';
const READER = 'priya.raman@example.com';

let db: StateDb | undefined;
const serve = useServeProject(() => {
  db?.close();
  db = undefined;
});

beforeEach(() => openStateDb(serve.stateFile).close());

/** `serve`'s unsubscribe endpoint over `opened`, its list wrapped as serve/backend.ts wraps it. */
async function serveOver(opened: StateDb): Promise<UnsubscribeServer> {
  const server = await startUnsubscribeServer({
    config: serve.config,
    secret: SECRET,
    suppressions: settlingAfterEach(opened, stateSuppressionList(opened, { writeWaitMs: 200 })),
    port: 0,
    replayIntervalMs: 60_000,
    log: (line) => serve.logged.push(line),
  });
  serve.server = server;
  return server;
}

function oneClick(running: UnsubscribeServer): Promise<Response> {
  return postOneClick(running, serve.config, SECRET, READER);
}

/** A send's ledger row, written by a connection of its own after serve opened the file. */
function sendWrites(): void {
  const send = openStateDb(serve.stateFile);
  try {
    openLedger(send, '2026-W48', 'smtp').record({
      email: 'ellen.park@example.com',
      variantId: 'v1',
      status: 'sent',
      messageId: null,
      responseCode: 250,
      response: '250 ok',
      attempts: 1,
    });
  } finally {
    send.close();
  }
}

function expectJournaled(response: Response): void {
  expect(response.status, serve.logged.join('\n')).toBe(200);
  expect(existsSync(journalPath(serve.stateFile))).toBe(true);
  expect(readFileSync(journalPath(serve.stateFile), 'utf8')).toContain(READER);
  expect(serve.logged.join('\n')).toContain('in the journal, applied later');
}

describe('a one-click unsubscribe while the state file takes no writes', () => {
  it('after a send wrote the file since serve last did: journaled and answered 200', async () => {
    db = openStateDb(serve.stateFile);
    const running = await serveOver(db);
    sendWrites();
    db.pragma('query_only = ON');
    expectJournaled(await oneClick(running));
  });

  it('with the marks a locked file kept out at serve start still to add: journaled and answered 200', async () => {
    withoutMarks(serve.stateFile);
    // Another command writing holds the file as serve opens it, past the open's wait.
    const holder = new Database(serve.stateFile);
    try {
      holder.exec('BEGIN IMMEDIATE');
      db = openStateDb(serve.stateFile);
      holder.exec('COMMIT');
    } finally {
      holder.close();
    }
    expect(marksPending(db)).toBe(true);
    db.pragma('query_only = ON');
    const running = await serveOver(db);
    expectJournaled(await oneClick(running));
  });
});
