import { expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * A --resend resumes by "sent at or after the resend's start" (ledger.sentSince compares a row's
 * updated_at with the resend's start). A clock stepped back while the resend runs (NTP correcting a
 * fast clock) must not make the readers it reached after the step look unreached, and get a second
 * resent copy when it resumes.
 */
type SendOptions = Partial<Parameters<typeof sendIssue>[0]>;

/** Sends the fixture's issue to its list through the test server. */
function sender(f: SendFixture, server: TestSmtpServer, base: SendOptions = {}) {
  return (extra: SendOptions) =>
    sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: sendEnv(server.url()),
      ...base,
      ...extra,
    });
}

/** How many messages each address got. */
async function copiesPerReader(server: TestSmtpServer): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await server.messages()) counts.set(m.envelope.to[0]!, (counts.get(m.envelope.to[0]!) ?? 0) + 1);
  return counts;
}

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

it('a resumed --resend does not mail a reader twice after the clock stepped back 5 minutes', async () => {
  opened.fixture = await sendFixture(24, { concurrency: 1 });
  const server = await startSmtpServer({ faults: { dataDelayMs: 15 } });
  opened.server = server;
  const f = opened.fixture;
  const send = sender(f, server);
  const first = await send({});
  const everyone = first.total.sent;

  let skewMs = 0;
  const now = () => new Date(Date.now() - skewMs);
  const controller = new AbortController();
  const resending = send({ resend: true, signal: controller.signal, now });
  // The resend has started (resend_started_at written) and reached two readers; then the clock steps back.
  while (server.counts.accepted < everyone + 2) await new Promise((r) => setTimeout(r, 2));
  skewMs = 5 * 60_000;
  while (server.counts.accepted < everyone + 6) await new Promise((r) => setTimeout(r, 2));
  controller.abort();
  const cut = await resending;
  expect(cut.interrupted).toBe(true);

  const resumed = await send({ resend: true, now });
  expect(resumed.interrupted).toBeFalsy();
  const perReader = await copiesPerReader(server);
  const thrice = [...perReader].filter(([, n]) => n > 2);
  expect(thrice).toEqual([]);
  // And the resend still reached everyone: an original and one resent copy each.
  expect([...perReader.values()].filter((n) => n === 2).length).toBe(everyone);
});

it('a plain send after an interrupted --resend leaves it to be finished: no reader gets a third copy', async () => {
  opened.fixture = await sendFixture(16, { concurrency: 1 });
  const server = await startSmtpServer({ faults: { dataDelayMs: 10 } });
  opened.server = server;
  const f = opened.fixture;
  const logs: string[] = [];
  const send = sender(f, server, { log: (line) => logs.push(line) });
  const everyone = (await send({})).total.sent;
  const controller = new AbortController();
  const resending = send({ resend: true, signal: controller.signal });
  while (server.counts.accepted < everyone + 4) await new Promise((r) => setTimeout(r, 2));
  controller.abort();
  expect((await resending).interrupted).toBe(true);

  // A plain send in between: nobody is new, so it sends nothing, and says the resend is open.
  const plain = await send({});
  expect(plain.total.sent).toBe(0);
  expect(logs.some((line) => line.includes('has not completed'))).toBe(true);

  const finished = await send({ resend: true });
  expect(finished.interrupted).toBeFalsy();
  const perReader = await copiesPerReader(server);
  expect([...perReader].filter(([, n]) => n !== 2)).toEqual([]);
  expect(perReader.size).toBe(everyone);
});

it('a --resend of one segment finished between leaves the resend open for the rest: nobody gets a third copy', async () => {
  opened.fixture = await sendFixture(20, { concurrency: 1 });
  const server = await startSmtpServer({ faults: { dataDelayMs: 10 } });
  opened.server = server;
  const send = sender(opened.fixture, server);
  const everyone = (await send({})).total.sent;
  const controller = new AbortController();
  const resending = send({ resend: true, signal: controller.signal });
  while (server.counts.accepted < everyone + 3) await new Promise((r) => setTimeout(r, 2));
  controller.abort();
  expect((await resending).interrupted).toBe(true);

  // The CTO readers get theirs; the resend is not done for the others.
  expect((await send({ resend: true, segments: ['CTO'] })).interrupted).toBeFalsy();
  expect((await send({ resend: true })).interrupted).toBeFalsy();
  const perReader = await copiesPerReader(server);
  expect(perReader.size).toBe(everyone);
  expect([...perReader].filter(([, n]) => n !== 2)).toEqual([]);
});
