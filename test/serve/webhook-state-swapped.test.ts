import { copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/index.js';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import {
  journalPath,
  startUnsubscribeServer,
  stateSuppressionList,
  type UnsubscribeServer,
} from '../../src/serve/index.js';
import { createWebhookHandler } from '../../src/serve/webhooks/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A bounce or complaint webhook while the state file `serve` opened is no longer at its path
 * (restored from a backup, deleted): its suppression goes to the journal beside the file now at the
 * path, which the next send applies, as a one-click unsubscribe does. A provider that retries only
 * for a short while would otherwise lose the complaint, and the reader be mailed again.
 */

const READER = 'priya.raman@example.com';
const POSTMARK_AUTH = 'rolecast:postmark-webhook-password';

let project: TempProject;
let config: ResolvedConfig;
let stateFile: string;
let db: StateDb;
let server: UnsubscribeServer | undefined;
let logged: string[];

beforeEach(async () => {
  project = await tempProject({ withExample: true });
  config = await loadConfig({ cwd: project.dir });
  stateFile = join(config.stateDirAbs, 'state.db');
  db = openStateDb(stateFile);
  logged = [];
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  db.close();
  await project.cleanup();
});

async function start(): Promise<void> {
  const log = (line: string) => logged.push(line);
  server = await startUnsubscribeServer({
    config,
    secret: 'webhook-swapped-secret-0123456789abcdef',
    suppressions: stateSuppressionList(db, { writeWaitMs: 200 }),
    port: 0,
    replayIntervalMs: 60_000,
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

function postmark(type: 'SpamComplaint' | 'HardBounce' | 'SoftBounce', email: string, id: number): Promise<Response> {
  return fetch(`${new URL(server!.url).origin}/webhooks/postmark`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(POSTMARK_AUTH).toString('base64')}`,
    },
    body: JSON.stringify({
      RecordType: type === 'SpamComplaint' ? 'SpamComplaint' : 'Bounce',
      ID: id,
      Type: type,
      MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
      Email: email,
      BouncedAt: '2026-12-01T10:00:00Z',
    }),
  });
}

/** A restore as the README describes it: the copy moved into place, the old log and index deleted. */
function restoreFromBackup(): void {
  const backup = project.path('state-backup.db');
  db.prepare('VACUUM INTO ?').run(backup);
  copyFileSync(backup, `${stateFile}.restoring`);
  renameSync(`${stateFile}.restoring`, stateFile);
  rmSync(`${stateFile}-wal`, { force: true });
  rmSync(`${stateFile}-shm`, { force: true });
}

async function sendToOutbox(): Promise<{ files: string[]; complained: number }> {
  const outbox = project.path('outbox');
  const report = await sendIssue({
    issueDir: 'issues/2026-W48',
    subscribersFile: 'subscribers.example.json',
    cwd: project.dir,
    env: { ROLECAST_SECRET: 'webhook-swapped-secret-0123456789abcdef' },
    outbox,
  });
  return { files: await readdir(outbox), complained: report.total.skipped.complained };
}

describe('a webhook while the state file serve opened is no longer at its path', () => {
  it('a complaint after a restore from a backup is journaled, and the next send does not mail the reader', async () => {
    await start();
    restoreFromBackup();

    const response = await postmark('SpamComplaint', READER, 7);
    expect(response.status).toBe(200);
    const journal = readFileSync(journalPath(stateFile), 'utf8');
    expect(journal).toContain(READER);
    expect(journal).toContain('"reason":"complaint"');
    // Nothing went into the file no send reads any more.
    expect(db.prepare('SELECT COUNT(*) FROM suppressions').pluck().get()).toBe(0);

    const { files, complained } = await sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
    expect(files).toContain('zoe.hartmann@example.net.eml');
    expect(complained).toBe(1);
  });

  it('a hard bounce after the state file was deleted is journaled where the next send looks', async () => {
    await start();
    rmSync(stateFile);
    rmSync(`${stateFile}-wal`, { force: true });

    expect((await postmark('HardBounce', READER, 8)).status).toBe(200);
    const { files } = await sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
  });

  it('a provider retrying the same complaint changes nothing more', async () => {
    await start();
    restoreFromBackup();
    expect((await postmark('SpamComplaint', READER, 9)).status).toBe(200);
    expect((await postmark('SpamComplaint', READER, 9)).status).toBe(200);
    const { files, complained } = await sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
    expect(complained).toBe(1);
  });

  it('a soft bounce, which only counts, is answered 503 so the provider retries', async () => {
    await start();
    restoreFromBackup();
    const response = await postmark('SoftBounce', READER, 10);
    expect(response.status).toBe(503);
    expect(logged.join('\n')).toContain(`the state file ${stateFile} was replaced by another file after it was opened`);
    expect(existsSync(journalPath(stateFile))).toBe(false);
  });

  it('with the state folder gone too, a complaint is answered 503 and nothing is written', async () => {
    await start();
    rmSync(config.stateDirAbs, { recursive: true, force: true });
    const response = await postmark('SpamComplaint', READER, 11);
    expect(response.status).toBe(503);
    expect(existsSync(config.stateDirAbs)).toBe(false);
  });
});
