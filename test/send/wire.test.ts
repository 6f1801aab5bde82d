import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { verifyClickVariant } from '../../src/analytics/token.js';
import { readEnvironment } from '../../src/config/env.js';
import { planAudience } from '../../src/group/index.js';
import { compileAudience } from '../../src/render/index.js';
import { messageIdFor, sendIssue } from '../../src/send/index.js';
import { wirePayloadOf } from '../../src/send/message.js';
import { quotedPrintable } from '../../src/send/mime.js';
import { buildFor } from '../../src/send/send-issue.js';
import { payloadBytes } from '../../src/send/wire/prepare.js';
import { encodePiece, encodePieces } from '../../src/send/wire/qp.js';
import { verifyDkim } from '../helpers/dkim-verify.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type GeneratedSubscriber, generateSubscribers, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);
const NOW = new Date('2026-11-26T08:00:00.000Z');

/** Readers with names and locales that exercise encoded words, the German edition and odd characters. */
function readers(): (GeneratedSubscriber & { locale?: string; firstName?: string })[] {
  const base = generateSubscribers(24);
  const names = [
    'Zoë Ångström-Łukasiewicz',
    'José "Pepe" Núñez',
    '李小龙',
    'Ärger =?utf-8?B?eA==?= Ölfass',
    '.Dot Start',
  ];
  return base.map((s, i) => ({
    ...s,
    name: names[i % names.length]!,
    ...(i % 4 === 1 ? { locale: 'de-DE' } : {}),
    ...(i % 6 === 2 ? { firstName: 'Émile' } : {}),
  }));
}

/** Lines that start with "." in the text part and soft breaks that land before one in the HTML. */
async function dotsInContent(fixture: SendFixture): Promise<void> {
  const dir = join(fixture.issueDir, 'summaries');
  const file = join(dir, 'board-questions-on-ai-spend.json');
  const summary = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  summary.summary = Array.from({ length: 30 }, (_, i) => `.NET${i} ..and .dots — ünïcode`).join(' ');
  await writeFile(file, JSON.stringify(summary));
}

/** The fixture's project and plan, its variants compiled as a send compiles them under `env`. */
async function compiledFor(fixture: SendFixture, env: NodeJS.ProcessEnv = sendEnv('smtp://127.0.0.1:1')) {
  const project = await fixture.load();
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
  const environment = readEnvironment(env);
  const compiled = await compileAudience(project, plan.variants, { clickSecret: environment.secret });
  return { project, plan, environment, compiled };
}

async function expectSameAsWholeMessage(fixture: SendFixture, server: TestSmtpServer, env: NodeJS.ProcessEnv) {
  const { project, plan, environment, compiled } = await compiledFor(fixture, env);
  const messages = await server.messages();
  expect(messages).toHaveLength(plan.recipients.length);
  const everyone = project.subscribers!.map((s) => s.email);
  for (const { subscriber, variantId } of plan.recipients) {
    const received = messages.filter((m) => m.envelope.to.includes(subscriber.email));
    expect(received, subscriber.email).toHaveLength(1);
    const message = received[0]!;
    // One recipient, and no other reader's address anywhere in it.
    expect(message.envelope.to).toEqual([subscriber.email]);
    for (const other of everyone) if (other !== subscriber.email) expect(message.raw).not.toContain(other);
    // Wire form: CRLF only, no line over 998 octets, 7-bit body.
    expect(message.raw).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    for (const line of message.raw.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
    const body = message.raw.slice(message.raw.indexOf('\r\n\r\n'));
    expect(body).toMatch(/^[\x00-\x7f]*$/);

    const messageId = messageIdFor(project.config, project.issue.id, subscriber.email);
    const whole = buildFor(project, environment, compiled, subscriber, variantId, messageId, NOW, {
      wholeMessage: true,
    });
    const expected = await simpleParser(whole.raw as Buffer);
    expectSameMessage(message.parsed, expected, subscriber.email);
  }
  return messages;
}

function expectSameMessage(actual: ParsedMail, expected: ParsedMail, who: string): void {
  expect(actual.subject, who).toBe(expected.subject);
  expect(actual.from?.value, who).toEqual(expected.from?.value);
  expect(JSON.stringify((actual.to as { value: unknown }).value), who).toBe(
    JSON.stringify((expected.to as { value: unknown }).value),
  );
  expect(actual.replyTo?.value, who).toEqual(expected.replyTo?.value);
  expect(actual.messageId, who).toBe(expected.messageId);
  expect(actual.date?.getTime(), who).toBe(expected.date?.getTime());
  for (const name of ['list-id', 'list-unsubscribe', 'list-unsubscribe-post', 'mime-version'])
    expect(JSON.stringify(actual.headers.get(name)), `${who} ${name}`).toBe(JSON.stringify(expected.headers.get(name)));
  expect(actual.text, who).toBe(expected.text);
  expect(actual.html, who).toBe(expected.html);
  expect(actual.attachments).toHaveLength(0);
}

describe('messages spliced from pieces encoded once per variant', () => {
  it('decode to the same headers and parts as the whole-message writer, for every reader of a loopback send', async () => {
    opened.fixture = await sendFixture(24, {}, readers());
    await dotsInContent(opened.fixture);
    opened.server = await startSmtpServer();
    const env = sendEnv(opened.server.url());
    const report = await sendAt(opened.fixture, env);
    expect(report.total.failed).toBe(0);
    const messages = await expectSameAsWholeMessage(opened.fixture, opened.server, env);
    // The spliced form was what went out (its boundary), and dots at line starts were in the content.
    expect(messages.every((m) => m.raw.includes('boundary="=_rc_'))).toBe(true);
    expect(messages.some((m) => /\r\n=2E/.test(m.raw))).toBe(true);
    expect(messages.some((m) => /\n\.NET\d/.test(m.parsed.text ?? ''))).toBe(true);
  });

  it('go out unchanged to a server without 8BITMIME or PIPELINING', async () => {
    opened.fixture = await sendFixture(12, {}, readers().slice(0, 12));
    await dotsInContent(opened.fixture);
    opened.server = await startSmtpServer({ eightBitMime: false });
    const env = sendEnv(opened.server.url());
    await sendAt(opened.fixture, env);
    await expectSameAsWholeMessage(opened.fixture, opened.server, env);
  });

  it('carry a DKIM signature identical to the one nodemailer computes over the same bytes', async () => {
    opened.fixture = await sendFixture(10, {}, readers().slice(0, 10));
    opened.server = await startSmtpServer();
    const { env, pem } = await dkimSetup(opened.fixture, opened.server);
    await sendAt(opened.fixture, env);
    const messages = await expectSameAsWholeMessage(opened.fixture, opened.server, env);
    await expectNodemailerSignature(messages, pem);
  });

  it('stay the same message once a much-sent role set is joined into fewer pieces, DKIM included', async () => {
    // Two role sets, 30 readers each, one language: every message after a role set's 16th is
    // built from its joined pieces.
    const names = readers();
    const many = Array.from({ length: 60 }, (_, i) => ({
      ...names[i % names.length]!,
      locale: 'en-GB',
      email: `reader${String(i).padStart(3, '0')}@example.test`,
      roles: i % 2 ? ['CTO'] : ['Data Scientist', 'Product Manager'],
      status: 'active' as const,
    }));
    opened.fixture = await sendFixture(60, {}, many);
    await dotsInContent(opened.fixture);
    opened.server = await startSmtpServer();
    const { env, pem } = await dkimSetup(opened.fixture, opened.server);
    const report = await sendAt(opened.fixture, env);
    expect(report.total.sent).toBe(60);
    const messages = await expectSameAsWholeMessage(opened.fixture, opened.server, env);
    // Joined it was: a role set's later messages are made of fewer pieces than its first.
    const { project, plan, environment, compiled } = await compiledFor(opened.fixture, env);
    const ofOne = plan.recipients.filter((r) => r.variantId === plan.recipients[0]!.variantId);
    const pieces = ofOne.map(({ subscriber, variantId }) => {
      const mail = buildFor(project, environment, compiled, subscriber, variantId, '<id@test.example>', NOW);
      return wirePayloadOf(mail)!.body.length;
    });
    expect(pieces.length).toBe(30);
    expect(pieces.at(-1)!).toBeLessThan(pieces[0]! / 2);
    await expectNodemailerSignature(messages, pem);
  });

  it('with click tracking on, carry each reader their role set in every tracked link, joined or not, DKIM included', async () => {
    // Two role sets sent often enough to be joined, and a spread of others.
    const names = readers();
    const many = Array.from({ length: 48 }, (_, i) => ({
      ...names[i % names.length]!,
      email: `reader${String(i).padStart(3, '0')}@example.test`,
      roles: i < 40 ? (i % 2 ? ['CTO'] : ['Data Scientist', 'Product Manager']) : names[i % names.length]!.roles,
      status: 'active' as const,
    }));
    opened.fixture = await sendFixture(48, {}, many);
    const file = opened.fixture.temp.path('rolecast.config.json');
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...config, tracking: { clicks: true } }));
    opened.server = await startSmtpServer();
    const { env, pem } = await dkimSetup(opened.fixture, opened.server);
    const report = await sendAt(opened.fixture, env);
    expect(report.total.failed).toBe(0);
    expect(report.total.sent).toBeGreaterThan(40);
    const messages = await expectSameAsWholeMessage(opened.fixture, opened.server, env);
    await expectNodemailerSignature(messages, pem);
    const project = await opened.fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const secret = readEnvironment(env).secret!;
    const readersOf = new Map<string, number>();
    for (const { variantId } of plan.recipients) readersOf.set(variantId, (readersOf.get(variantId) ?? 0) + 1);
    let unnamed = 0;
    for (const { subscriber, variantId } of plan.recipients) {
      const message = messages.find((m) => m.envelope.to.includes(subscriber.email))!;
      const links = [...String(message.parsed.text).matchAll(/\/c\/[\w-]+\.[\w-]+\?v=([\w.-]*)&d=/g)];
      expect(links.length, subscriber.email).toBeGreaterThan(0);
      // A role set of one reader names nobody: its links carry no role set (tracking.minVariantReaders 2).
      const shared = readersOf.get(variantId)! >= 2;
      if (!shared) unnamed++;
      for (const [, v] of links) {
        if (shared) expect(verifyClickVariant(v!, project.issue.id, secret)).toBe(variantId);
        else expect(v, subscriber.email).toBe('');
      }
    }
    expect(unnamed).toBeGreaterThan(0);
  });

  it('log in on every connection of the pool and send over it', async () => {
    opened.fixture = await sendFixture(8, { concurrency: 2 });
    const auth = { user: 'sender', pass: 'p@ss w0rd' };
    opened.server = await startSmtpServer({ auth });
    const report = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url(auth)),
    });
    expect(report.total.sent).toBeGreaterThan(0);
    expect(report.total.failed + report.total.deferred).toBe(0);
    expect(await opened.server.messages()).toHaveLength(report.total.sent);
    expect(opened.server.counts.authFailures).toBe(0);
  });

  it('refuse a line break in a reader name or address on the spliced path, before anything is sent', async () => {
    opened.fixture = await sendFixture(3);
    const { project, plan, environment, compiled } = await compiledFor(opened.fixture, sendEnv());
    const { subscriber, variantId } = plan.recipients[0]!;
    const build = (who: typeof subscriber) => () =>
      buildFor(project, environment, compiled, who, variantId, '<x@y>', NOW);
    expect(build(subscriber)).not.toThrow();
    expect(build({ ...subscriber, name: 'Eve\r\nBcc: victim@example.test' })).toThrow(/line break/);
    expect(build({ ...subscriber, email: 'eve@example.test\nBcc: victim@example.test' })).toThrow(/line break/);
  });
});

describe('pieces shared by role sets', () => {
  it('are encoded once for every role set that shows them, not once per role set', async () => {
    opened.fixture = await sendFixture(40);
    const { project, plan, environment, compiled } = await compiledFor(opened.fixture);
    // One reader of each role set: the body pieces of their messages, by variant.
    const firstOf = new Map<string, (typeof plan.recipients)[number]>();
    for (const recipient of plan.recipients)
      if (!firstOf.has(recipient.variantId)) firstOf.set(recipient.variantId, recipient);
    expect(firstOf.size).toBeGreaterThanOrEqual(4);
    const owners = new Map<Buffer, Set<string>>();
    let perVariantBytes = 0;
    for (const [variantId, { subscriber }] of firstOf) {
      const mail = buildFor(project, environment, compiled, subscriber, variantId, '<id@test.example>', NOW);
      const payload = wirePayloadOf(mail)!;
      for (const piece of payload.body) {
        if (payload.own.has(piece)) continue;
        perVariantBytes += piece.length;
        const seen = owners.get(piece) ?? new Set();
        seen.add(variantId);
        owners.set(piece, seen);
      }
    }
    // The same buffer, not an equal copy, serves several role sets: cards, sections and text runs.
    const shared = [...owners].filter(([, variants]) => variants.size > 1);
    expect(shared.length).toBeGreaterThan(5);
    const encodedOnce = [...owners.keys()].reduce((sum, piece) => sum + piece.length, 0);
    expect(encodedOnce).toBeLessThan(perVariantBytes * 0.7);
  });
});

describe('a role set after its last message', () => {
  it('lets its encoded body go; a message built after that prepares it again, as the same message', async () => {
    opened.fixture = await sendFixture(6);
    const { project, plan, environment, compiled } = await compiledFor(opened.fixture);
    const { subscriber, variantId } = plan.recipients[0]!;
    const build = (lastOfVariant: boolean) =>
      wirePayloadOf(
        buildFor(project, environment, compiled, subscriber, variantId, '<id@test.example>', NOW, { lastOfVariant }),
      )!;
    const boundary = (payload: ReturnType<typeof build>) => payload.headers.find((h) => h.startsWith('Content-Type'));
    const first = build(false);
    // The last message is still built from the same prepared body; then the body is let go.
    const kept = build(true);
    expect(boundary(kept)).toBe(boundary(first));
    // Let go after that one: built again, it is prepared anew (a new boundary), and reads the same.
    const again = build(false);
    expect(boundary(again)).not.toBe(boundary(first));
    const parse = async (payload: ReturnType<typeof build>) => simpleParser(payloadBytes(payload));
    const [a, b] = await Promise.all([parse(first), parse(again)]);
    expect(b.text).toBe(a.text);
    expect(b.html).toBe(a.html);
    expect(b.subject).toBe(a.subject);
  });
});

describe('a role set assembled from pieces', () => {
  it('is sent from its shared chunks: its joined HTML is never made on the SMTP path, and reads the same when asked for', async () => {
    opened.fixture = await sendFixture(6);
    const { project, plan, environment, compiled } = await compiledFor(opened.fixture);
    const { subscriber, variantId } = plan.recipients[0]!;
    const variant = compiled.get(variantId)!;
    const template = variant.template!({ email: subscriber.email } as never);
    expect(template.htmlChunks).toBeDefined();
    // Counts reads of the joined HTML from here on.
    const joined = Object.getOwnPropertyDescriptor(template, 'html')!.get!;
    let reads = 0;
    Object.defineProperty(template, 'html', {
      get() {
        reads++;
        return joined.call(template);
      },
    });
    const mail = buildFor(project, environment, compiled, subscriber, variantId, '<id@test.example>', NOW, {});
    const sent = await simpleParser(payloadBytes(wirePayloadOf(mail)!));
    expect(reads).toBe(0);
    const whole = buildFor(project, environment, compiled, subscriber, variantId, '<id@test.example>', NOW, {
      wholeMessage: true,
    });
    const expected = await simpleParser(whole.raw as Buffer);
    expect(sent.html).toBe(expected.html);
    // Joined on demand, the literals are the chunks in order and the fields sit between them.
    const html = template.html;
    expect(html).toHaveLength(template.htmlChunks!.length);
    expect(html).toEqual(template.htmlChunks!.map((chunks) => chunks.join('')));
  });
});

describe('encodePiece', () => {
  it('is quoted-printable that decodes to its input, with no line starting with "." and none over 76', () => {
    const text = fc.string({ unit: fc.constantFrom('.', ' ', '\t', '\n', '=', 'a', 'ü', '😀', 'x'.repeat(30)) });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), (pieces) => {
        const encoded = Buffer.concat(pieces.map((p, i) => encodePiece(p, i === pieces.length - 1))).toString('latin1');
        for (const line of encoded.split('\r\n')) {
          expect(line.startsWith('.')).toBe(false);
          expect(line.length).toBeLessThanOrEqual(76);
        }
        expect(encoded).toMatch(/^[\t\x20-\x7e\r\n]*$/);
        expect(decodeQp(encoded)).toBe(pieces.join('').replace(/\r\n|\r|\n/g, '\r\n'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('one quoted-printable encoder', () => {
  const text = fc.string({ unit: fc.constantFrom('.', ' ', '\t', '\n', '\r\n', '=', 'a', 'ü', '😀', 'x'.repeat(30)) });

  it('writes a whole part as the spliced pieces do, but for their two options', () => {
    fc.assert(
      fc.property(text, (content) => {
        // Without a "." the options cannot differ but for the line break a piece that is not last ends on.
        const plain = content.replace(/\./g, ',');
        expect(quotedPrintable(plain)).toBe(encodePiece(plain, true).toString('latin1'));
        expect(decodeQp(quotedPrintable(content))).toBe(content.replace(/\r\n|\r|\n/g, '\r\n'));
      }),
      { numRuns: 300 },
    );
  });

  it("encodes a reader's pieces into one buffer exactly as one at a time", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), (pieces) => {
        const contents = pieces.map((p, i) => ({ text: p, last: i === pieces.length - 1 }));
        const together = encodePieces(contents).map((b) => b.toString('latin1'));
        expect(together).toEqual(contents.map((c) => encodePiece(c.text, c.last).toString('latin1')));
      }),
      { numRuns: 300 },
    );
  });
});

/** A DKIM key for the fixture and the environment that signs with it. */
async function dkimSetup(fixture: SendFixture, server: TestSmtpServer) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const keyFile = await fixture.temp.write('dkim.pem', pem);
  const env = {
    ...sendEnv(server.url()),
    ROLECAST_DKIM_KEY_FILE: keyFile,
    ROLECAST_DKIM_DOMAIN: 'rolecast.example',
    ROLECAST_DKIM_SELECTOR: 'rc1',
  };
  return { env, pem };
}

/**
 * Every message verifies (by a verifier written from RFC 6376, not the signer under test), with
 * the fields a message has once oversigned: the same message with a Subject added above its own
 * no longer verifies.
 */
async function expectNodemailerSignature(messages: readonly { raw: string }[], pem: string): Promise<void> {
  const publicKey = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
  for (const { raw } of messages) {
    expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=rolecast\.example;/);
    const result = verifyDkim(raw, publicKey);
    expect(result.reason).toBe('pass');
    for (const name of ['from', 'to', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'])
      expect(result.signed.filter((n) => n === name).length, name).toBeGreaterThanOrEqual(2);
    const replayed = raw.replace(/\r\nSubject: /, '\r\nSubject: Verify your account now\r\nSubject: ');
    expect(verifyDkim(replayed, publicKey).ok).toBe(false);
  }
}

function decodeQp(encoded: string): string {
  const bytes = Buffer.from(
    encoded
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  );
  return bytes.toString('utf8');
}

/** Sends the fixture's issue with the test clock. */
function sendAt(fixture: SendFixture, env: NodeJS.ProcessEnv) {
  return sendIssue({
    issueDir: fixture.issueDir,
    subscribersFile: fixture.subscribersFile,
    cwd: fixture.dir,
    env,
    now: () => NOW,
  });
}
