import { createSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { createWebhookHandler } from '../../src/serve/webhooks/index.js';
import { selfSignedCertificate, snsTopicOnly } from '../helpers/self-signed.js';

/**
 * A signed SNS message from the SES topic that is no bounce or complaint (a delivery, mail SES
 * received for one of the sender's addresses, a complaint about a virus) was answered 200 and
 * nothing was logged, so a topic wired to the wrong SES events looked like one that worked. Each is
 * now named in serve's log and in the answer, and a notification whose signature fails is named too.
 */

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:rolecast-bounces';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem';

let dir: string;
let db: StateDb;
let server: Server;
let key: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-ses-skipped-'));
  const made = selfSignedCertificate(dir, 'sns.amazonaws.com');
  key = made.key;
  db = openStateDb(join(dir, 'state.db'));
  const handler = createWebhookHandler({
    store: sqliteBounceStore(db),
    secrets: snsTopicOnly(TOPIC),
    softLimit: 3,
    fetchCertificate: async () => made.cert,
    log: (line) => logged.push(line),
  });
  server = createServer(
    (request, response) => void handler(request, response, new URL(request.url!, 'http://x').pathname),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  logged.length = 0;
});

function signed(note: object, tamper = false): string {
  const message: Record<string, string> = {
    Type: 'Notification',
    MessageId: `mid-${Math.random()}`,
    TopicArn: TOPIC,
    Message: JSON.stringify(note),
    Timestamp: new Date().toISOString(),
    SignatureVersion: '2',
    SigningCertURL: CERT_URL,
  };
  const toSign = ['Message', 'MessageId', 'Timestamp', 'TopicArn', 'Type'].map((k) => `${k}\n${message[k]}\n`).join('');
  message.Signature = createSign('RSA-SHA256').update(toSign).sign(key, 'base64');
  if (tamper) message.Message = message.Message!.replace('gone@', 'victim@');
  return JSON.stringify(message);
}

async function post(body: string): Promise<{ status: number; answer: Record<string, unknown> }> {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/ses`, { method: 'POST', body });
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}

const mail = {
  timestamp: '2026-12-01T09:59:58.000Z',
  source: 'digest@rolecast.example',
  messageId: '0102018c-ses-message-id',
  destination: ['gone@example.com'],
};

const events = () => db.prepare('SELECT COUNT(*) AS n FROM bounce_events').get() as { n: number };

describe('SES webhook: what it does not record, it names', () => {
  it.each([
    [
      'Received',
      {
        notificationType: 'Received',
        mail,
        receipt: { recipients: ['bounces@rolecast.example'], action: { type: 'SNS', topicArn: TOPIC } },
        content: 'From: someone@example.org\r\n\r\nhello',
      },
      'an Amazon SES Received notification (mail SES received for one of your addresses), not a bounce or complaint',
    ],
    [
      'Delivery',
      { notificationType: 'Delivery', mail, delivery: { recipients: ['gone@example.com'] } },
      'an Amazon SES Delivery notification, not a bounce or complaint',
    ],
    [
      'virus complaint',
      {
        notificationType: 'Complaint',
        mail,
        complaint: {
          feedbackId: 'fb-virus',
          complaintFeedbackType: 'virus',
          complainedRecipients: [{ emailAddress: 'gone@example.com' }],
        },
      },
      'an Amazon SES complaint notification of feedback type virus, not a spam complaint',
    ],
  ])('a %s notification is answered and logged as skipped, and counts nothing', async (_, note, why) => {
    const { status, answer } = await post(signed(note));
    expect(status).toBe(200);
    expect(answer).toMatchObject({ events: 0, skipped: why });
    expect(logged).toEqual([`ses webhook: skipped ${why}`]);
    expect(events().n).toBe(0);
  });

  it('a notification whose signature fails is refused and named in the log', async () => {
    const bounce = {
      notificationType: 'Bounce',
      mail,
      bounce: {
        feedbackId: 'fb-1',
        bounceType: 'Permanent',
        bouncedRecipients: [{ emailAddress: 'gone@example.com' }],
      },
    };
    const { status, answer } = await post(signed(bounce, true));
    expect(status).toBe(401);
    expect(answer).toEqual({ error: 'signature not valid' });
    expect(logged).toEqual(['ses webhook refused: bad signature']);
    expect(events().n).toBe(0);
  });
});
