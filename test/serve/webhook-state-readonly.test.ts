import { existsSync, readFileSync } from 'node:fs';
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
 * A bounce or complaint webhook while the state file takes no writes (read-only, a full disk): the
 * provider's retries would fail as long as that lasts, so its suppression goes to the journal beside
 * the file, which the next send applies, as a one-click unsubscribe does. Read-only is simulated with
 * SQLite's query_only, which refuses writes with SQLITE_READONLY as a read-only file does.
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
    secret: 'webhook-readonly-secret-0123456789abcdef',
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

async function sendToOutbox(): Promise<{ files: string[]; complained: number }> {
  const outbox = project.path('outbox');
  const report = await sendIssue({
    issueDir: 'issues/2026-W48',
    subscribersFile: 'subscribers.example.json',
    cwd: project.dir,
    env: { ROLECAST_SECRET: 'webhook-readonly-secret-0123456789abcdef' },
    outbox,
  });
  return { files: await readdir(outbox), complained: report.total.skipped.complained };
}

describe('a webhook while the state file takes no writes', () => {
  it('a complaint is journaled and answered 200, and the next send does not mail the reader', async () => {
    await start();
    db.pragma('query_only = ON');

    const response = await postmark('SpamComplaint', READER, 21);
    expect(response.status).toBe(200);
    expect(readFileSync(journalPath(stateFile), 'utf8')).toContain('"reason":"complaint"');
    db.pragma('query_only = OFF');
    expect(db.prepare('SELECT COUNT(*) FROM bounce_events').pluck().get()).toBe(0);

    const { files, complained } = await sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
    expect(complained).toBe(1);
  });

  it('a soft bounce, which only counts, is answered 503 so the provider retries', async () => {
    await start();
    db.pragma('query_only = ON');
    expect((await postmark('SoftBounce', READER, 22)).status).toBe(503);
    expect(existsSync(journalPath(stateFile))).toBe(false);
  });
});
