import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readEnvironment } from '../../src/config/env.js';
import { planAudience } from '../../src/group/index.js';
import { compileAudience } from '../../src/render/index.js';
import { messageIdFor } from '../../src/send/index.js';
import { buildFor } from '../../src/send/send-issue.js';
import { signRawMessage } from '../../src/send/wire/dkim.js';
import { describePostgres } from '../helpers/postgres.js';
import { captureStreams } from '../helpers/project.js';
import { generateSubscribers, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';
import { useWorkerDatabase } from './workers/_database.js';

/**
 * A server whose SIZE is under the issue's messages: the run is refused before its first message,
 * nothing sent and nobody marked failed, whether the limit is under a variant's parts or only under
 * the message as sent (quoted-printable and headers make it larger), and on PostgreSQL as on the
 * state file. Before, such a limit passed the check and each reader of the variant was refused and
 * marked failed, never sent again without --retry-failed.
 */

let server: RawServer | undefined;
let fixture: SendFixture | undefined;
afterEach(async () => {
  await server?.close();
  await fixture?.cleanup();
  server = fixture = undefined;
});

const withSize = (size: number) =>
  startRawServer({ ehlo: () => `250-raw.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE ${size}\r\n` });

/** A DKIM key written into the project, and the variables that sign with it. */
async function dkimKey(f: SendFixture) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = await f.temp.write('dkim.pem', pem);
  const settings = { domainName: 'rolecast.example', keySelector: 'rc1', privateKey: pem };
  const env = {
    ROLECAST_DKIM_KEY_FILE: keyFile,
    ROLECAST_DKIM_DOMAIN: 'rolecast.example',
    ROLECAST_DKIM_SELECTOR: 'rc1',
  };
  return { settings, env };
}

/** The largest variant's parts before encoding, and the largest and smallest message as built for a reader. */
async function measures(f: SendFixture, dkim?: Parameters<typeof signRawMessage>[1]) {
  const project = await f.load();
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
  const env = readEnvironment(sendEnv('smtp://127.0.0.1:1'));
  const compiled = await compileAudience(project, plan.variants, { clickSecret: env.secret });
  let parts = 0;
  let built = 0;
  // By variant: the largest message as built, and the smallest once signed.
  const byVariant = new Map<string, { built: number; signed: number }>();
  for (const { subscriber, variantId } of plan.recipients) {
    const variant = compiled.get(variantId)!;
    parts = Math.max(parts, variant.htmlBytes + variant.textBytes);
    const id = messageIdFor(project.config, project.issue.id, subscriber.email);
    const mail = buildFor(project, env, compiled, subscriber, variantId, id, new Date());
    built = Math.max(built, (mail.raw as Buffer).length);
    const seen = byVariant.get(variantId) ?? { built: 0, signed: Number.POSITIVE_INFINITY };
    seen.built = Math.max(seen.built, (mail.raw as Buffer).length);
    if (dkim) seen.signed = Math.min(seen.signed, signRawMessage(mail.raw as Buffer, dkim).length);
    byVariant.set(variantId, seen);
  }
  const largest = [...byVariant.values()].reduce((a, b) => (b.built > a.built ? b : a));
  return { parts, built, smallestSigned: largest.signed };
}

/** The bytes of the message as built for each reader the issue mails, by address. */
async function builtSizes(f: SendFixture): Promise<Map<string, { variantId: string; bytes: number }>> {
  const project = await f.load();
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
  const env = readEnvironment(sendEnv('smtp://127.0.0.1:1'));
  const compiled = await compileAudience(project, plan.variants, { clickSecret: env.secret });
  const sizes = new Map<string, { variantId: string; bytes: number }>();
  for (const { subscriber, variantId } of plan.recipients) {
    const id = messageIdFor(project.config, project.issue.id, subscriber.email);
    const mail = buildFor(project, env, compiled, subscriber, variantId, id, new Date());
    sizes.set(subscriber.email, { variantId, bytes: (mail.raw as Buffer).length });
  }
  return sizes;
}

async function send(f: SendFixture, url: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []) {
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', ...extra], {
    cwd: f.dir,
    env: { ...sendEnv(url), ...env },
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, err: streams.err, out: streams.out };
}

const refusal = (size: number) =>
  new RegExp(
    `takes messages of at most ${size} bytes \\(SIZE\\), and variant "[^"]+" is \\d+ bytes .*nothing was sent`,
  );

/**
 * A send signing with DKIM to a server whose SIZE the largest variant's messages are under unsigned
 * and over once signed: refused before its first message, no MAIL FROM given.
 */
async function refusedOnceSigned(env: NodeJS.ProcessEnv) {
  fixture = await sendFixture(12, { concurrency: 1 });
  const dkim = await dkimKey(fixture);
  const { built, smallestSigned } = await measures(fixture, dkim.settings);
  // Room for what a run's own message may differ by (its date, its boundaries), far less than a signature.
  const size = built + 200;
  expect(smallestSigned).toBeGreaterThan(size);
  server = await withSize(size);
  const { code, err } = await send(fixture, server.url(), { ...env, ...dkim.env });
  expect(err).toMatch(refusal(size));
  expect(code).not.toBe(0);
  expect(server.commands.filter((line) => /^MAIL/i.test(line))).toEqual([]);
}

describe('a server whose SIZE is over every variant before encoding but under a message as sent', () => {
  it('refuses the run before its first message: nothing sent, nobody recorded', async () => {
    fixture = await sendFixture(12, { concurrency: 1 });
    const { parts, built } = await measures(fixture);
    const size = parts + 1;
    expect(built).toBeGreaterThan(size);
    server = await withSize(size);
    const { code, err } = await send(fixture, server.url());
    expect(err).toMatch(refusal(size));
    expect(err).toMatch(/as sent \(encoded, with its headers\)/);
    expect(code).not.toBe(0);
    expect(server.commands.filter((line) => /^MAIL/i.test(line))).toEqual([]);
    expect(server.messages).toEqual([]);
  }, 60_000);

  it('counts the DKIM signature: a limit every message is under unsigned but over once signed refuses the run', async () => {
    await refusedOnceSigned({});
    expect(server!.messages).toEqual([]);
  }, 60_000);
});

describePostgres('a send on PostgreSQL to a server whose SIZE is under every message', () => {
  const db = useWorkerDatabase('size_limit_encoded');
  it('is refused before anything is claimed: nothing sent, no reader marked failed', async () => {
    fixture = await sendFixture(12, { concurrency: 1 });
    server = await withSize(20_000);
    const { code, err } = await send(fixture, server.url(), { DATABASE_URL: db.url() });
    expect(err).toMatch(refusal(20_000));
    expect(code).not.toBe(0);
    expect(server.commands.filter((line) => /^MAIL/i.test(line))).toEqual([]);
    const { rows } = await db.pool.query('SELECT email, status FROM deliveries');
    expect(rows).toEqual([]);
  }, 60_000);

  it('counts the DKIM signature there too: nothing claimed, no reader marked failed', async () => {
    await refusedOnceSigned({ DATABASE_URL: db.url() });
    const { rows } = await db.pool.query('SELECT email, status FROM deliveries');
    expect(rows).toEqual([]);
  }, 60_000);

  it('sends the readers whose messages fit and fails the one with the long name alone', async () => {
    const email = await longNameAlone({ DATABASE_URL: db.url() });
    const { rows } = await db.pool.query("SELECT email FROM deliveries WHERE status = 'failed'");
    expect(rows).toEqual([{ email }]);
  }, 60_000);
});

/**
 * The first reader of the largest variant given a long name, the SIZE just above every other reader's
 * message: the others are sent and that reader fails alone, the limit named. Returns their address.
 */
async function longNameAlone(env: NodeJS.ProcessEnv): Promise<string> {
  const readers = generateSubscribers(30);
  fixture = await sendFixture(30, { concurrency: 1, retries: 0 }, readers);
  const plain = [...(await builtSizes(fixture))];
  const largest = plain.reduce((a, b) => (b[1].bytes > a[1].bytes ? b : a))[1].variantId;
  const [email] = plain.find(([, built]) => built.variantId === largest)!;
  readers.find((reader) => reader.email === email)!.name = '龍'.repeat(200);
  await writeFile(fixture.subscribersFile, JSON.stringify({ subscribers: readers }));
  const sizes = await builtSizes(fixture);
  const others = [...sizes].filter(([address]) => address !== email);
  expect(others.some(([, built]) => built.variantId === largest)).toBe(true);
  // Room for what a run's own message may differ by (its date, its boundaries), far less than the name.
  const size = Math.max(...others.map(([, built]) => built.bytes)) + 200;
  expect(sizes.get(email)!.bytes).toBeGreaterThan(size);
  server = await withSize(size);
  const { err, out } = await send(fixture, server.url(), env);
  expect(err).not.toMatch(refusal(size));
  expect(out + err).toContain(`the message is larger than the SMTP server's SIZE limit of ${size} bytes`);
  const mailed = (await server.parsed()).flatMap((message) => message.to);
  expect(mailed.sort()).toEqual(others.map(([address]) => address).sort());
  return email;
}

describe('a reader whose long name alone takes their message past the SIZE the others fit', () => {
  it('sends every other reader of the variant and fails that reader alone, the SIZE named', async () => {
    await longNameAlone({});
  }, 60_000);
});

/** `send --test` to `url`, signing with DKIM. */
const testSend = (f: SendFixture, url: string, env: NodeJS.ProcessEnv) =>
  send(f, url, env, ['--test', 'editor@example.test']);

/** The SIZE= a MAIL FROM gave, or undefined. */
const declaredSize = (commands: readonly string[]) =>
  commands.map((line) => /^MAIL FROM:.*\bSIZE=(\d+)/i.exec(line)?.[1]).find((n) => n !== undefined);

describe('send --test signing with DKIM', () => {
  it('gives the server the size of the message as signed, and sends none over its SIZE once signed', async () => {
    fixture = await sendFixture(4);
    const dkim = await dkimKey(fixture);
    server = await withSize(10_485_760);
    const first = await testSend(fixture, server.url(), dkim.env);
    expect(first.code, first.err).toBe(0);
    const received = Buffer.byteLength(server.messages[0]!.raw);
    expect(server.messages[0]!.raw).toContain('DKIM-Signature:');
    // A few bytes either way for the line ends the server keeps; a signature is hundreds.
    expect(Number(declaredSize(server.commands))).toBeGreaterThanOrEqual(received - 10);
    await server.close();

    // Over the limit once signed, under it unsigned: refused before MAIL FROM, nothing sent.
    server = await withSize(received - 100);
    const refused = await testSend(fixture, server.url(), dkim.env);
    expect(refused.code).not.toBe(0);
    expect(`${refused.out}${refused.err}`).toMatch(/size/i);
    expect(server.messages).toEqual([]);
  }, 60_000);
});
