import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type BounceStore, sqliteBounceStore } from '../../src/bounces/index.js';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { createWebhookHandler } from '../../src/serve/webhooks/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `serve` with Postmark's webhook over the example project's state file, for tests of what a
 * bounce or complaint does when that file cannot take it: a fresh project and state file per test.
 */
export interface WebhookServe {
  project: TempProject;
  config: ResolvedConfig;
  stateFile: string;
  /** The state file as `serve` opened it. */
  db: StateDb;
  /** What `serve` and its webhooks logged. */
  logged: string[];
  /** The bounce store the webhooks write through, set by `start`. */
  bounces: BounceStore;
  start(): Promise<void>;
  /** `signal`: a provider giving up on the call, as one does past its HTTP timeout. */
  postmark(
    type: 'SpamComplaint' | 'HardBounce' | 'SoftBounce',
    email: string,
    id: number,
    signal?: AbortSignal,
  ): Promise<Response>;
  /** The example issue sent to an outbox: the files written and the readers skipped as complained. */
  sendToOutbox(): Promise<{ files: string[]; complained: number }>;
}

const POSTMARK_AUTH = 'rolecast:postmark-webhook-password';

/** How long the webhooks wait for a state file another connection holds before they journal, ms. */
export const WEBHOOK_BUSY_WAIT_MS = 2000;

/** Registers the per-test set-up and clean-up; the fields are those of the running test. */
export function webhookServeOverState(secret: string): WebhookServe {
  let server: UnsubscribeServer | undefined;
  const harness = {
    logged: [] as string[],
    async start() {
      const log = (line: string) => harness.logged.push(line);
      harness.bounces = sqliteBounceStore(harness.db, { busyWaitMs: WEBHOOK_BUSY_WAIT_MS });
      server = await startUnsubscribeServer({
        config: harness.config,
        secret,
        suppressions: stateSuppressionList(harness.db, { writeWaitMs: 200 }),
        port: 0,
        replayIntervalMs: 60_000,
        log,
        webhooks: createWebhookHandler({
          store: harness.bounces,
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
    },
    postmark(type, email, id, signal) {
      return fetch(`${new URL(server!.url).origin}/webhooks/postmark`, {
        method: 'POST',
        signal,
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
    },
    async sendToOutbox() {
      const outbox = harness.project.path('outbox');
      const report = await sendIssue({
        issueDir: 'issues/2026-W48',
        subscribersFile: 'subscribers.example.json',
        cwd: harness.project.dir,
        env: { ROLECAST_SECRET: secret },
        outbox,
      });
      return { files: await readdir(outbox), complained: report.total.skipped.complained };
    },
  } as WebhookServe;

  beforeEach(async () => {
    harness.project = await tempProject({ withExample: true });
    harness.config = await loadConfig({ cwd: harness.project.dir });
    harness.stateFile = join(harness.config.stateDirAbs, 'state.db');
    harness.db = openStateDb(harness.stateFile);
    harness.logged = [];
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    harness.db.close();
    await harness.project.cleanup();
  });
  return harness;
}
