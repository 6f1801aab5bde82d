import { createSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/index.js';
import { loadConfig } from '../../src/config/load.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { createWebhookHandler } from '../../src/serve/webhooks/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { selfSignedCertificate, snsTopicOnly } from '../helpers/self-signed.js';

/**
 * An SNS subscription confirmation whose SubscribeURL cannot be visited (no way out to AWS, a
 * time-out) was answered 500, as a bug would be, and serve's log gave no hint. It is now 503 with
 * Retry-After, so SNS sends the confirmation again within its bounded retries, and the log names
 * the topic and what to do, without the URL's confirmation token.
 */

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:rolecast-bounces';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';
const SUBSCRIBE =
  'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=secret-confirmation-token';

let dir: string;
let db: StateDb;
let server: UnsubscribeServer;
let project: TempProject;
let origin: string;
let key: string;
const logged: string[] = [];
let confirmFails = true;
const visited: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-sns-confirm-'));
  const made = selfSignedCertificate(dir, 'sns.amazonaws.com');
  key = made.key;
  const cert = made.cert;
  project = await tempProject({ withExample: true });
  const config = await loadConfig({ cwd: project.dir });
  db = openStateDb(join(dir, 'state.db'));
  const webhooks = createWebhookHandler({
    store: sqliteBounceStore(db),
    secrets: snsTopicOnly(TOPIC),
    softLimit: 3,
    log: (line) => logged.push(line),
    fetchCertificate: async () => cert,
    confirmSubscription: async (url) => {
      visited.push(url);
      if (confirmFails) throw new Error(`${url} answered 503`, { cause: new Error(`connect ETIMEDOUT ${url}`) });
      return '<ConfirmSubscriptionResponse/>';
    },
  });
  server = await startUnsubscribeServer({
    config,
    secret: 'webhook-test-secret-0123456789abcdef',
    suppressions: stateSuppressionList(db),
    port: 0,
    webhooks,
    log: (line) => logged.push(line),
  });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await server?.close();
  db?.close();
  await project?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function confirmation(): string {
  const message: Record<string, string> = {
    Type: 'SubscriptionConfirmation',
    MessageId: 'confirm-1',
    Token: 'secret-confirmation-token',
    TopicArn: TOPIC,
    Message: 'You have chosen to subscribe to the topic',
    SubscribeURL: SUBSCRIBE,
    Timestamp: new Date().toISOString(),
    SignatureVersion: '2',
    SigningCertURL: CERT_URL,
  };
  const toSign = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
    .map((field) => `${field}\n${message[field]}\n`)
    .join('');
  message.Signature = createSign('RSA-SHA256').update(toSign).sign(key, 'base64');
  return JSON.stringify(message);
}

const post = (body: string) =>
  fetch(`${origin}/webhooks/ses`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });

describe('an SNS subscription confirmation whose SubscribeURL cannot be visited', () => {
  it('is answered 503 with Retry-After, and the log says what to do without the token', async () => {
    const response = await post(confirmation());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(visited).toEqual([SUBSCRIBE]);
    const line = logged.find((l) => l.includes('could not confirm the subscription'));
    expect(line).toContain(TOPIC);
    expect(line).toContain('ETIMEDOUT');
    expect(line).toContain('Request confirmation');
    expect(logged.join('\n')).not.toContain('secret-confirmation-token');
  });

  it('is confirmed when SNS sends it again and the URL answers', async () => {
    confirmFails = false;
    const response = await post(confirmation());
    expect(response.status).toBe(200);
    expect(visited).toHaveLength(2);
    expect(logged.at(-1)).toContain(`confirmed the subscription to ${TOPIC}`);
  });
});
