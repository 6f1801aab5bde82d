import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/index.js';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { journalPath, startUnsubscribeServer, stateSuppressionList } from '../../src/serve/index.js';
import { createWebhookHandler } from '../../src/serve/webhooks/index.js';
import { postOneClick, useServeProject } from '../helpers/serve-project.js';

/**
 * `serve` holds the state file open for days. When the file at its path is no longer the one it
 * opened (restored from a backup, deleted by a clean-up), an unsubscribe written into the open one
 * lands where no send looks: the reader was told "unsubscribed" and mailed by the next send.
 */

const SECRET = 'swapped-state-secret-0123456789abcdef';
const READER = 'priya.raman@example.com';

let db: StateDb;
const serve = useServeProject(() => db.close());

beforeEach(() => {
  db = openStateDb(serve.stateFile);
});

const POSTMARK_AUTH = 'rolecast:postmark-webhook-password';

async function start(replayIntervalMs = 60_000): Promise<void> {
  const log = (line: string) => serve.logged.push(line);
  serve.server = await startUnsubscribeServer({
    config: serve.config,
    secret: SECRET,
    suppressions: stateSuppressionList(db, { writeWaitMs: 200 }),
    port: 0,
    replayIntervalMs,
    log,
    webhooks: createWebhookHandler({
      store: sqliteBounceStore(db),
      secrets: {
        snsTopicArns: [],
        postmarkAuth: POSTMARK_AUTH,
        sendgridPublicKey: undefined,
        mailgunSigningKey: undefined,
      },
      softLimit: 3,
      log,
    }),
  });
}

function oneClick(email: string): Promise<Response> {
  return postOneClick(serve.server!, serve.config, SECRET, email);
}

/** A restore as the README describes it: the copy moved into place, the old log and index deleted. */
function restoreFrom(backup: string): void {
  copyFileSync(backup, `${serve.stateFile}.restoring`);
  renameSync(`${serve.stateFile}.restoring`, serve.stateFile);
  rmSync(`${serve.stateFile}-wal`, { force: true });
  rmSync(`${serve.stateFile}-shm`, { force: true });
}

async function sendToOutbox(): Promise<{ files: string[]; suppressed: number }> {
  const outbox = serve.project.path('outbox');
  const report = await sendIssue({
    issueDir: 'issues/2026-W48',
    subscribersFile: 'subscribers.example.json',
    cwd: serve.project.dir,
    env: { ROLECAST_SECRET: SECRET },
    outbox,
  });
  return { files: await readdir(outbox), suppressed: report.total.skipped.suppressed };
}

describe('an unsubscribe while the state file serve opened is no longer at its path', () => {
  it('a file restored from a backup: the unsubscribe reaches the file the next send reads', async () => {
    const backup = serve.project.path('state-backup.db');
    db.prepare('VACUUM INTO ?').run(backup);
    await start();
    restoreFrom(backup);

    const response = await oneClick(READER);
    expect(response.status).toBe(200);

    const { files, suppressed } = await sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
    expect(files).toContain('zoe.hartmann@example.net.eml');
    expect(suppressed).toBe(1);
  });

  it('a running serve never applies its journal to the file that was replaced', async () => {
    const backup = serve.project.path('state-backup.db');
    db.prepare('VACUUM INTO ?').run(backup);
    await start(50);
    restoreFrom(backup);
    expect((await oneClick(READER)).status).toBe(200);
    // Several replay rounds: each must leave the journal for the file at the path.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(journalPath(serve.stateFile))).toBe(true);
    expect(serve.logged.join('\n')).toContain(
      `the state file ${serve.stateFile} was replaced by another file after it was opened`,
    );

    const { files } = await sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
  });

  it('a state folder deleted by a clean-up: the reader is told it did not take, never "unsubscribed"', async () => {
    await start();
    rmSync(serve.config.stateDirAbs, { recursive: true, force: true });

    const response = await oneClick(READER);
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain('You are unsubscribed');
    expect(existsSync(serve.config.stateDirAbs) ? readdirSync(serve.config.stateDirAbs) : []).toEqual([]);
  });
});
