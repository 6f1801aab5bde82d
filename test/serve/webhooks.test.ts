import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/index.js';
import { loadConfig } from '../../src/config/load.js';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { createWebhookHandler } from '../../src/serve/webhooks/index.js';
import { sendgridProvider } from '../../src/serve/webhooks/sendgrid.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { selfSignedCertificate } from '../helpers/self-signed.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:rolecast-bounces';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';
const POSTMARK_AUTH = 'rolecast:postmark-webhook-password';
const MAILGUN_KEY = 'key-mailgun-signing-0123456789';
const NOW = () => new Date();

let project: TempProject;
let db: StateDb;
let server: UnsubscribeServer;
let origin: string;
let keys: string;
let snsKey: string;
const fetched: string[] = [];
const confirmed: string[] = [];
const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  const config = await loadConfig({ cwd: project.dir });
  db = openStateDb(join(config.stateDirAbs, 'state.db'));
  // A locally made certificate stands in for SNS's: the fetcher is injected, nothing leaves the machine.
  keys = mkdtempSync(join(tmpdir(), 'rolecast-sns-'));
  const made = selfSignedCertificate(keys, 'sns.amazonaws.com');
  snsKey = made.key;
  const cert = made.cert;
  server = await startUnsubscribeServer({
    config,
    secret: 'webhook-test-secret-0123456789abcdef',
    suppressions: stateSuppressionList(db),
    port: 0,
    webhooks: createWebhookHandler({
      store: sqliteBounceStore(db),
      secrets: {
        snsTopicArns: [TOPIC],
        postmarkAuth: POSTMARK_AUTH,
        sendgridPublicKey: sendgrid.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
        mailgunSigningKey: MAILGUN_KEY,
      },
      softLimit: 3,
      now: NOW,
      fetchCertificate: async (url) => {
        fetched.push(url);
        return cert;
      },
      confirmSubscription: async (url) => {
        confirmed.push(url);
        return '<ConfirmSubscriptionResponse/>';
      },
    }),
  });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await server?.close();
  db?.close();
  await project?.cleanup();
  if (keys) rmSync(keys, { recursive: true, force: true });
});

beforeEach(() => {
  db.exec('DELETE FROM suppressions; DELETE FROM bounce_events;');
  fetched.length = 0;
  confirmed.length = 0;
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${origin}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

const state = () => ({
  suppressions: db.prepare('SELECT email, reason, source FROM suppressions ORDER BY email').all(),
  events: db.prepare('SELECT event_id, email, kind, status, issue_id FROM bounce_events ORDER BY event_id').all(),
});

// --- each provider's format, signed as the provider signs it ---

function snsMessage(type: string, fields: Record<string, string>, when = new Date()): Record<string, string> {
  const message: Record<string, string> = {
    Type: type,
    MessageId: fields.MessageId ?? `mid-${Math.random()}`,
    TopicArn: TOPIC,
    Timestamp: when.toISOString(),
    SignatureVersion: '2',
    SigningCertURL: CERT_URL,
    ...fields,
  };
  const order =
    type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const toSign = order
    .filter((k) => message[k] !== undefined)
    .map((k) => `${k}\n${message[k]}\n`)
    .join('');
  message.Signature = createSign('RSA-SHA256').update(toSign).sign(snsKey, 'base64');
  return message;
}

function sesBounce(email: string, feedbackId: string, bounceType = 'Permanent'): string {
  return JSON.stringify({
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [
        { emailAddress: email, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
      ],
      timestamp: '2026-12-01T10:00:00.000Z',
      feedbackId,
    },
    mail: {
      timestamp: '2026-12-01T09:59:58.000Z',
      source: 'digest@rolecast.example',
      messageId: '0102018c-ses-message-id',
      destination: [email],
      commonHeaders: { messageId: '<2026-W48.sesfixture@rolecast.example>' },
    },
  });
}

function sendgridPost(events: unknown[], timestamp = Math.floor(Date.now() / 1000)) {
  const body = JSON.stringify(events);
  const signature = createSign('sha256').update(`${timestamp}${body}`).sign(sendgrid.privateKey).toString('base64');
  return {
    body,
    headers: {
      'X-Twilio-Email-Event-Webhook-Signature': signature,
      'X-Twilio-Email-Event-Webhook-Timestamp': String(timestamp),
    },
  };
}

function mailgunBody(eventData: Record<string, unknown>, timestamp = Math.floor(Date.now() / 1000), key = MAILGUN_KEY) {
  const token = `token-${Math.random().toString(36).slice(2)}`;
  const signature = createHmac('sha256', key).update(`${timestamp}${token}`).digest('hex');
  return JSON.stringify({ signature: { timestamp: String(timestamp), token, signature }, 'event-data': eventData });
}

const basic = (credentials: string) => ({ Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });

const postmarkBounce = (id: number, email: string, type = 'HardBounce') =>
  JSON.stringify({
    RecordType: type === 'SpamComplaint' ? 'SpamComplaint' : 'Bounce',
    ID: id,
    Type: type,
    TypeCode: 1,
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
    Email: email,
    BouncedAt: '2026-12-01T10:00:00Z',
  });

const mailgunFailed = (id: string, email: string, severity = 'permanent') => ({
  event: 'failed',
  id,
  severity,
  recipient: email,
  timestamp: Date.now() / 1000,
  reason: 'bounce',
  'delivery-status': { code: 550, 'enhanced-code': '5.1.1', message: '5.1.1 No such user', description: '' },
  message: { headers: { 'message-id': '2026-W48.mailgun@rolecast.example' } },
});

const valid: [string, () => { path: string; body: string; headers?: Record<string, string> }, string][] = [
  [
    'Amazon SES via SNS',
    () => ({
      path: '/webhooks/ses',
      body: JSON.stringify(snsMessage('Notification', { Message: sesBounce('ses.gone@example.com', 'fb-1') })),
    }),
    'ses.gone@example.com',
  ],
  [
    'Postmark',
    () => ({
      path: '/webhooks/postmark',
      body: postmarkBounce(42, 'pm.gone@example.com'),
      headers: basic(POSTMARK_AUTH),
    }),
    'pm.gone@example.com',
  ],
  [
    'SendGrid',
    () => ({
      path: '/webhooks/sendgrid',
      ...sendgridPost([
        {
          email: 'sg.gone@example.com',
          event: 'bounce',
          type: 'bounce',
          status: '5.1.1',
          reason: '550 5.1.1 unknown',
          sg_event_id: 'sg-1',
          timestamp: 1764583200,
          'smtp-id': '<x@rolecast.example>',
        },
      ]),
    }),
    'sg.gone@example.com',
  ],
  [
    'Mailgun',
    () => ({ path: '/webhooks/mailgun', body: mailgunBody(mailgunFailed('mg-1', 'mg.gone@example.com')) }),
    'mg.gone@example.com',
  ],
];

describe('provider webhooks on serve', () => {
  it.each(valid)(
    '%s: a signed hard bounce suppresses the reader, with status and diagnostic',
    async (_, make, email) => {
      const { path, body, headers } = make();
      const response = await post(path, body, headers);
      expect(response.status, await response.clone().text()).toBe(200);
      expect(await response.json()).toMatchObject({ hard: 1, suppressed: 1 });
      const now = state();
      expect(now.suppressions).toEqual([{ email, reason: 'bounce', source: path.slice('/webhooks/'.length) }]);
      expect(now.events).toEqual([expect.objectContaining({ email, kind: 'hard', status: '5.1.1' })]);
    },
  );

  it('Mailgun: a "permanent" failure after a temporary one, or for the sender (5.7.x), is soft', async () => {
    const gaveUp = {
      ...mailgunFailed('mg-old', 'full.box@example.com'),
      reason: 'old',
      'delivery-status': { code: 452, 'enhanced-code': '4.2.2', message: '4.2.2 over quota', description: '' },
    };
    const dmarc = {
      ...mailgunFailed('mg-dmarc', 'dmarc.reader@example.com'),
      'delivery-status': {
        code: 550,
        'enhanced-code': '5.7.26',
        message: "5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
        description: '',
      },
    };
    for (const data of [gaveUp, dmarc]) {
      const response = await post('/webhooks/mailgun', mailgunBody(data));
      expect(await response.json()).toMatchObject({ soft: 1, hard: 0, suppressed: 0 });
    }
    expect(state().suppressions).toEqual([]);
  });

  it('SendGrid: a bounce that refuses the sender (block list, DMARC) rather than the address is soft', async () => {
    const bounce = (id: string, email: string, status: string, reason: string, classification: string) => ({
      email,
      event: 'bounce',
      type: 'bounce',
      status,
      reason,
      bounce_classification: classification,
      sg_event_id: id,
      timestamp: Math.floor(Date.now() / 1000),
    });
    const sg = sendgridPost([
      bounce(
        'sg-rep',
        'listed@example.com',
        '5.7.1',
        '550 5.7.1 Service unavailable; client host blocked using Spamhaus',
        'Reputation',
      ),
      bounce(
        'sg-dmarc',
        'dmarc@example.com',
        '5.7.26',
        "550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
        'Content',
      ),
      bounce('sg-gone', 'gone@example.com', '5.0.0', '550 No such user here', 'Invalid Address'),
    ]);
    const response = await post('/webhooks/sendgrid', sg.body, sg.headers);
    expect(await response.json()).toMatchObject({ soft: 2, hard: 1, suppressed: 1 });
    expect(state().suppressions).toEqual([{ email: 'gone@example.com', reason: 'bounce', source: 'sendgrid' }]);
  });

  it('Mailgun: a temporary failure, which Mailgun retries, is a deferral: it neither counts nor suppresses', async () => {
    // Yahoo defers bulk mail ("421 4.7.0 [TSS04]") on the first attempt of every issue, and the
    // retry is delivered: three issues in a row must not make the reader a soft-bounced one.
    for (const issue of ['2026-W46', '2026-W47', '2026-W48']) {
      const deferred = {
        ...mailgunFailed(`mg-tss04-${issue}`, 'yahoo.reader@example.com', 'temporary'),
        reason: 'generic',
        'delivery-status': {
          code: 421,
          'enhanced-code': '4.7.0',
          message: '4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume',
          description: '',
        },
        message: { headers: { 'message-id': `${issue}.yahoo@rolecast.example` } },
      };
      const response = await post('/webhooks/mailgun', mailgunBody(deferred));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ soft: 0, suppressed: 0 });
    }
    expect(state()).toEqual({ suppressions: [], events: [] });
  });

  it('Mailgun: an address it will not try because it bounced for good before (suppress-bounce, code 605) is hard', async () => {
    const data = {
      ...mailgunFailed('mg-605', 'gone.reader@example.com'),
      reason: 'suppress-bounce',
      'delivery-status': { code: 605, message: '', description: 'Not delivering to previously bounced address' },
    };
    const response = await post('/webhooks/mailgun', mailgunBody(data));
    expect(await response.json()).toMatchObject({ hard: 1, suppressed: 1 });
    expect(state().suppressions).toEqual([{ email: 'gone.reader@example.com', reason: 'bounce', source: 'mailgun' }]);
  });

  it.each(valid)('%s: the same call replayed changes nothing the second time', async (_, make) => {
    const call = make();
    expect((await post(call.path, call.body, call.headers)).status).toBe(200);
    const before = state();
    const again = await post(call.path, call.body, call.headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: 1, suppressed: 0 });
    expect(state()).toEqual(before);
  });

  it.each(valid)('%s: an unsigned call gets 401 and changes nothing', async (_, make) => {
    const { path, body } = make();
    const unsigned =
      path === '/webhooks/ses'
        ? JSON.stringify({ ...JSON.parse(body), Signature: undefined })
        : path === '/webhooks/mailgun'
          ? JSON.stringify({ ...JSON.parse(body), signature: undefined })
          : body;
    const response = await post(path, unsigned);
    expect(response.status).toBe(401);
    expect(state()).toEqual({ suppressions: [], events: [] });
  });

  it.each(valid)(
    '%s: a forged call (body changed after signing, or wrong secret) gets 401 and changes nothing',
    async (_, make) => {
      const { path, body, headers } = make();
      // Mailgun signs only timestamp + token: forged there means signed with another key.
      const forged =
        path === '/webhooks/mailgun'
          ? mailgunBody(mailgunFailed('mg-forged', 'victim@example.com'), undefined, 'key-guessed')
          : body.replace(/gone@example\.com/g, 'victim@example.com');
      expect(forged).not.toBe(body);
      const response = await post(path, forged, path === '/webhooks/postmark' ? basic('rolecast:guessed') : headers);
      expect(response.status).toBe(401);
      expect(state()).toEqual({ suppressions: [], events: [] });
    },
  );

  it.each([
    ['/webhooks/postmark', 'Authorization: Basic cm9sZWNhc3Q6Z3Vlc3NlZA==\r\n'],
    ['/webhooks/sendgrid', ''],
  ])('%s: a call its headers already refuse is answered before its body is read', async (path, auth) => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(origin).port) });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', () => {});
    // A megabyte announced, a few bytes sent: waiting for the rest would hold the memory and the
    // connection until the request timeout.
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${auth}Content-Length: 1000000\r\n\r\n{"a":`,
    );
    try {
      for (let i = 0; i < 200 && !received.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 25));
      expect(received).toMatch(/^HTTP\/1\.1 401 /);
      expect(state()).toEqual({ suppressions: [], events: [] });
    } finally {
      socket.destroy();
    }
  });

  it('Mailgun: a captured signature reused with another body gets 401 and changes nothing', async () => {
    const body = mailgunBody(mailgunFailed('mg-real', 'real.bounce@example.com'));
    expect((await post('/webhooks/mailgun', body)).status).toBe(200);
    const before = state();
    const tampered = body.replace('real.bounce@example.com', 'victim@example.com').replace('mg-real', 'mg-evil');
    expect((await post('/webhooks/mailgun', tampered)).status).toBe(401);
    expect(state()).toEqual(before);
  });

  it('refuses signed timestamps that are too old (SendGrid, Mailgun, SNS)', async () => {
    const old = Math.floor(Date.now() / 1000) - 3 * 60 * 60;
    const sg = sendgridPost([{ email: 'a@example.com', event: 'bounce', type: 'bounce', sg_event_id: 'old-1' }], old);
    expect((await post('/webhooks/sendgrid', sg.body, sg.headers)).status).toBe(401);
    expect((await post('/webhooks/mailgun', mailgunBody(mailgunFailed('old-2', 'b@example.com'), old))).status).toBe(
      401,
    );
    const stale = snsMessage(
      'Notification',
      { Message: sesBounce('c@example.com', 'old-3') },
      new Date(Date.now() - 48 * 3600_000),
    );
    expect((await post('/webhooks/ses', JSON.stringify(stale))).status).toBe(401);
    expect(state()).toEqual({ suppressions: [], events: [] });
  });

  it('SNS: fetches the certificate only from an SNS host, only for allowed topics, and confirms subscriptions', async () => {
    const evil = snsMessage('Notification', {
      Message: sesBounce('d@example.com', 'e-1'),
      SigningCertURL: 'https://attacker.example/cert.pem',
    });
    expect((await post('/webhooks/ses', JSON.stringify(evil))).status).toBe(401);
    const lookalike = snsMessage('Notification', {
      Message: sesBounce('d@example.com', 'e-2'),
      SigningCertURL: 'https://sns.eu-west-1.amazonaws.com.attacker.example/x.pem',
    });
    expect((await post('/webhooks/ses', JSON.stringify(lookalike))).status).toBe(401);
    // S3 buckets named "sns": anyone may own one and serve a certificate from it.
    for (const [n, host] of [
      'sns.s3.amazonaws.com',
      'sns.s3-us-west-2.amazonaws.com',
      'sns.s3-website-us-east-1.amazonaws.com',
    ].entries()) {
      const bucket = snsMessage('Notification', {
        Message: sesBounce('d@example.com', `e-bucket-${n}`),
        SigningCertURL: `https://${host}/SimpleNotificationService-x.pem`,
      });
      expect((await post('/webhooks/ses', JSON.stringify(bucket))).status, host).toBe(401);
    }
    expect(fetched).toEqual([]);
    const otherTopic = snsMessage('Notification', {
      Message: sesBounce('d@example.com', 'e-3'),
      TopicArn: 'arn:aws:sns:eu-west-1:999999999999:theirs',
    });
    expect((await post('/webhooks/ses', JSON.stringify(otherTopic))).status).toBe(401);
    expect(fetched).toEqual([]);
    expect(state()).toEqual({ suppressions: [], events: [] });

    const subscribe = 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=abc';
    const confirmation = snsMessage('SubscriptionConfirmation', {
      Message: 'You have chosen to subscribe',
      SubscribeURL: subscribe,
      Token: 'abc',
    });
    expect((await post('/webhooks/ses', JSON.stringify(confirmation))).status).toBe(200);
    expect(confirmed).toEqual([subscribe]);
  });

  it('SES: a transient bounce is counted, not suppressed; a complaint suppresses; the ledger names the issue', async () => {
    openLedger(db, '2026-W48', 'smtp').record({
      email: 'soft.reader@example.com',
      variantId: 'v',
      status: 'sent',
      messageId: '<2026-W48.sesfixture@rolecast.example>',
      responseCode: 250,
      response: '250 ok',
      attempts: 1,
    });
    const soft = snsMessage('Notification', { Message: sesBounce('soft.reader@example.com', 'fb-soft', 'Transient') });
    expect(await (await post('/webhooks/ses', JSON.stringify(soft))).json()).toMatchObject({ soft: 1, suppressed: 0 });
    const complaint = JSON.stringify({
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'annoyed@example.com' }],
        timestamp: '2026-12-01T11:00:00Z',
        feedbackId: 'fb-c',
        complaintFeedbackType: 'abuse',
      },
      mail: { messageId: 'm', source: 'digest@rolecast.example', commonHeaders: {} },
    });
    expect(
      await (await post('/webhooks/ses', JSON.stringify(snsMessage('Notification', { Message: complaint })))).json(),
    ).toMatchObject({ complaint: 1, suppressed: 1 });
    expect(state().events).toEqual([
      expect.objectContaining({ email: 'annoyed@example.com', kind: 'complaint' }),
      expect.objectContaining({ email: 'soft.reader@example.com', kind: 'soft', issue_id: '2026-W48' }),
    ]);
    expect(state().suppressions).toEqual([{ email: 'annoyed@example.com', reason: 'complaint', source: 'ses' }]);
  });

  it('Postmark bounce IDs past 2^53 stay apart: two bounces are not taken as one replayed', async () => {
    for (const [id, email] of [
      ['4323372036854775807', 'first.big@example.com'],
      ['4323372036854775806', 'second.big@example.com'],
    ] as const) {
      const body = postmarkBounce(1, email).replace('"ID":1,', `"ID":${id},`);
      expect(body).toContain(id);
      expect(await (await post('/webhooks/postmark', body, basic(POSTMARK_AUTH))).json()).toMatchObject({
        hard: 1,
        duplicate: 0,
      });
    }
    expect(state().suppressions).toEqual([
      { email: 'first.big@example.com', reason: 'bounce', source: 'postmark' },
      { email: 'second.big@example.com', reason: 'bounce', source: 'postmark' },
    ]);
  });

  it('Postmark spam complaints and SendGrid spam reports suppress as complaints; GET is not allowed', async () => {
    expect(
      (
        await post(
          '/webhooks/postmark',
          postmarkBounce(77, 'pm.spam@example.com', 'SpamComplaint'),
          basic(POSTMARK_AUTH),
        )
      ).status,
    ).toBe(200);
    const sg = sendgridPost([
      { email: 'sg.spam@example.com', event: 'spamreport', sg_event_id: 'sg-spam', timestamp: 1764583200 },
    ]);
    expect((await post('/webhooks/sendgrid', sg.body, sg.headers)).status).toBe(200);
    expect(state().suppressions).toEqual([
      { email: 'pm.spam@example.com', reason: 'complaint', source: 'postmark' },
      { email: 'sg.spam@example.com', reason: 'complaint', source: 'sendgrid' },
    ]);
    expect((await fetch(`${origin}/webhooks/postmark`)).status).toBe(405);
    expect((await post('/webhooks/unknown', '{}')).status).toBe(404);
  });
});

describe('webhook keys', () => {
  it('a SendGrid key that is not a public key is refused with its variable named, not a crash', () => {
    for (const key of ['not-a-key', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'])
      expect(() => sendgridProvider(key, 300)).toThrow(
        expect.objectContaining({ code: 'E_USAGE', message: 'ROLECAST_SENDGRID_WEBHOOK_KEY is not a public key' }),
      );
  });
});

describe('SendGrid bounces', () => {
  it.each([
    ['a disabled account', '550 5.2.1 The email account that you tried to reach is disabled.', 'Mailbox Unavailable'],
    ['an unknown user', '550 5.1.1 Not our Customer', 'Unclassified'],
    ['a rejected recipient', '550 5.1.1 <x@contoso.example>: Recipient address rejected', 'Technical'],
  ])(
    'with only the class as status (5.0.0) are read by the server reply that names %s: hard',
    (_what, reason, classification) => {
      const key = sendgrid.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      const event = {
        email: 'r@example.com',
        event: 'bounce',
        type: 'bounce',
        status: '5.0.0',
        reason,
        bounce_classification: classification,
        sg_event_id: 'e1',
        timestamp: 1_700_000_000,
      };
      const [read] = sendgridProvider(key, 600).read(Buffer.from(JSON.stringify([event])), new Date());
      expect(read).toMatchObject({ kind: 'hard' });
    },
  );
});
