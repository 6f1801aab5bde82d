import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { planAudience } from '../../src/group/index.js';
import { compileAudience } from '../../src/render/index.js';
import { openStateDb, readStatus, sendIssue } from '../../src/send/index.js';
import type { SmtpTimeouts } from '../../src/send/transport.js';
import { captureStreams } from '../helpers/project.js';
import { type SmtpFaults, startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A real SMTP server misbehaving the ways real ones do. Whatever it does, each reader ends up with
 * exactly one message, and the ledger says "sent" only for what the server accepted.
 */

const servers: TestSmtpServer[] = [];
let fixture: SendFixture | undefined;

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await fixture?.cleanup();
  fixture = undefined;
});

async function serve(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(options);
  servers.push(server);
  return server;
}

interface Row {
  email: string;
  status: string;
  attempts: number;
  response_code: number | null;
}

function ledgerRows(f: SendFixture): Row[] {
  const db = openStateDb(`${f.dir}/.rolecast/state.db`);
  try {
    return db.prepare('SELECT email, status, attempts, response_code FROM deliveries ORDER BY email').all() as Row[];
  } finally {
    db.close();
  }
}

async function receivedBy(...list: TestSmtpServer[]): Promise<string[]> {
  const all = await Promise.all(list.map((s) => s.messages()));
  return all.flat().map((m) => m.envelope.to[0]!);
}

/** `rolecast send --json` in-process, so the exit code is tested too. */
async function sendCommand(f: SendFixture, url: string) {
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
    cwd: f.dir,
    env: sendEnv(url),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return {
    code,
    get report() {
      return JSON.parse(streams.out);
    },
    err: streams.err,
  };
}

describe('SMTP replies that ask to try again', () => {
  it.each<[string, SmtpFaults]>([
    ['421 to DATA, closing the connection', { dataReplies: { 3: 421, 7: 421 } }],
    ['451 to DATA', { dataReplies: { 3: 451, 7: 451 } }],
    ['452 too many recipients / rate limited, to RCPT', { rcptReplies: { 3: 452, 7: 452 } }],
  ])('%s: retried, none lost, none doubled', async (_name, faults) => {
    fixture = await sendFixture(16, { concurrency: 2 });
    const server = await serve({ faults });
    const report = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(server.url()),
    });
    expect(report.total).toMatchObject({ failed: 0, deferred: 0, pending: 0 });
    const expected = await eligible(fixture);
    expect((await receivedBy(server)).sort()).toEqual(expected);
    const rows = ledgerRows(fixture);
    expect(rows.map((r) => r.email)).toEqual(expected);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // Each refused attempt was made again (a retry may itself be the next one refused).
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(expected.length + 2);
    expect(server.counts.accepted).toBe(expected.length);
    // A 421 closes the connection: the retries went out on new ones (verify, at least one pooled, two more).
    if (faults.dataReplies?.[3] === 421) expect(server.counts.connections).toBeGreaterThanOrEqual(4);
  });
});

describe('SMTP replies that refuse for good', () => {
  it('554 to DATA is recorded as a permanent failure, never retried', async () => {
    fixture = await sendFixture(12, { concurrency: 1 });
    const server = await serve({ faults: { dataReplies: { 3: 554 } } });
    const { code, report } = await sendCommand(fixture, server.url());
    expect(code).toBe(3);
    expect(report.total).toMatchObject({ failed: 1, deferred: 0, pending: 0 });
    const [failure] = report.failures;
    expect(failure).toMatchObject({ status: 'failed', responseCode: 554, attempts: 1 });
    expect(server.counts.data).toBe(server.counts.accepted + 1);
    const received = await receivedBy(server);
    expect(received).not.toContain(failure.email);
    expect([...received, failure.email].sort()).toEqual(await eligible(fixture));
    expect(ledgerRows(fixture).find((r) => r.email === failure.email)).toMatchObject({
      status: 'failed',
      response_code: 554,
    });
  });
});

describe('an SMTP server that goes away in the middle of a run', () => {
  it('stops, records only accepted messages as sent, exits 3, and a re-run delivers the rest once', async () => {
    fixture = await sendFixture(40, { concurrency: 1 });
    const first = await serve({ faults: { vanishOnData: 5 } });
    const port = first.port;
    const expected = await eligible(fixture);

    const broken = await sendCommand(fixture, first.url());
    expect(broken.code).toBe(3);
    expect(broken.err).toContain('could not be reached');
    const accepted = await receivedBy(first);
    expect(accepted).toHaveLength(4);
    const { total } = broken.report;
    expect(broken.report.stopped).toMatch(/ECONNREFUSED|closed/i);
    expect(total.sent).toBe(4);
    expect(total.failed).toBe(0);
    // The message whose end went out as the server vanished is deferred (it may have been taken),
    // then the few tried before the run judged the server gone; the rest were not tried.
    expect(total.deferred).toBeGreaterThanOrEqual(1);
    expect(total.deferred).toBeLessThanOrEqual(3);
    expect(total.pending).toBe(expected.length - 4 - total.deferred);

    const rows = ledgerRows(fixture);
    expect(
      rows
        .filter((r) => r.status === 'sent')
        .map((r) => r.email)
        .sort(),
    ).toEqual([...accepted].sort());
    expect(rows.filter((r) => r.status === 'deferred')).toHaveLength(total.deferred);
    const db = openStateDb(`${fixture.dir}/.rolecast/state.db`);
    const [status] = readStatus(db, '2026-W48');
    db.close();
    expect(status).toMatchObject({ sent: 4, failed: 0, deferred: total.deferred, pending: total.pending });

    // It comes back where it was, and goes away again after two more: status still counts from the whole list.
    const flaky = await serve({ port, faults: { vanishOnData: 3 } });
    expect((await sendCommand(fixture, flaky.url())).code).toBe(3);
    expect(await receivedBy(flaky)).toHaveLength(2);
    const db2 = openStateDb(`${fixture.dir}/.rolecast/state.db`);
    const [second] = readStatus(db2, '2026-W48');
    db2.close();
    expect(second).toMatchObject({
      planned: expected.length,
      sent: 6,
      pending: expected.length - 6 - second!.deferred,
    });
    expect(second!.deferred).toBeGreaterThanOrEqual(1);

    // Back for good: the same command finishes the job.
    const again = await serve({ port });
    const resumed = await sendCommand(fixture, again.url());
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.report.total).toMatchObject({ sent: expected.length - 6, deferred: 0, pending: 0 });
    expect(resumed.report.total.skipped.alreadySent).toBe(6);
    const all = await receivedBy(first, flaky, again);
    expect(all).toHaveLength(expected.length);
    expect([...all].sort()).toEqual(expected);
  });
});

describe('refusals of the sender or account, not of a reader', () => {
  it('a 554 to MAIL FROM aborts the run, marks nobody failed, and a re-run sends the rest once', async () => {
    fixture = await sendFixture(40, { concurrency: 1 });
    const expected = await eligible(fixture);
    const suspended = await serve({
      faults: { mailFromReply: { after: 3, code: 554, message: 'Sender account suspended' } },
    });
    const { code, report, err } = await sendCommand(fixture, suspended.url());
    expect(code).toBe(3);
    expect(report.aborted).toContain('554 Sender account suspended');
    expect(err).toContain('aborted — the SMTP server refuses this sender or account');
    expect(report.total).toMatchObject({ sent: 3, failed: 0 });
    expect(report.total.deferred).toBeGreaterThanOrEqual(1);
    expect(report.total.deferred + report.total.pending).toBe(expected.length - 3);
    // It stopped at the first refusal instead of running through the list.
    expect(suspended.counts.mailFrom).toBeLessThanOrEqual(3 + 2);
    expect(ledgerRows(fixture).filter((r) => r.status === 'failed')).toEqual([]);

    const db = openStateDb(`${fixture.dir}/.rolecast/state.db`);
    const [status] = readStatus(db, '2026-W48');
    db.close();
    expect(status).toMatchObject({
      sent: 3,
      failed: 0,
      deferred: report.total.deferred,
      pending: report.total.pending,
    });
    expect(status!.lastRun?.outcome).toBe('aborted');

    const healthy = await serve();
    const resumed = await sendCommand(fixture, healthy.url());
    expect(resumed.code, resumed.err).toBe(0);
    const all = await receivedBy(suspended, healthy);
    expect([...all].sort()).toEqual(expected);
  });

  it('five identical permanent refusals in a row abort the run and leave those readers deferred', async () => {
    fixture = await sendFixture(30, { concurrency: 1 });
    const dataReplies = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i + 3, 554]));
    const server = await serve({ faults: { dataReplies } });
    const { code, report } = await sendCommand(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toMatch(/5 messages in a row refused with the same reply: 554 Reply 554 on cue/);
    expect(report.total).toMatchObject({ sent: 2, failed: 0 });
    // The five, plus at most the one already on the wire when the run stopped.
    const { deferred } = report.total;
    expect(deferred).toBeGreaterThanOrEqual(5);
    expect(deferred).toBeLessThanOrEqual(6);
    expect(server.counts.data).toBe(2 + deferred);
    const rows = ledgerRows(fixture);
    expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
    expect(rows.filter((r) => r.status === 'deferred')).toHaveLength(deferred);
  });

  it('content refusals in a row fail those readers and the run goes on; a re-run does not stop at them', async () => {
    fixture = await sendFixture(30, { concurrency: 1 });
    const expected = await eligible(fixture);
    const refusal = { code: 554, message: '5.7.1 Message content rejected' };
    const dataReplies = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [i + 3, refusal]));
    const server = await serve({ faults: { dataReplies } });
    const { code, report } = await sendCommand(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toBeUndefined();
    expect(report.total).toMatchObject({ failed: 7, deferred: 0, pending: 0, sent: expected.length - 7 });
    expect(report.failures.map((f: { response: string }) => f.response)).toEqual(
      Array(7).fill('554 5.7.1 Message content rejected'),
    );
    expect(ledgerRows(fixture).filter((r) => r.status === 'failed')).toHaveLength(7);

    // The same command again mails nobody twice and stops at nobody.
    const again = await serve();
    const rerun = await sendCommand(fixture, again.url());
    expect(rerun.code, rerun.err).toBe(0);
    expect(rerun.report.total.skipped).toMatchObject({ alreadySent: expected.length - 7, previouslyFailed: 7 });
    expect(again.counts.mailFrom).toBe(0);
  });

  it('content refusals of every message abort the run after five, not mark the whole list failed', async () => {
    fixture = await sendFixture(40, { concurrency: 3 });
    const expected = await eligible(fixture);
    // A relay whose filter refuses this issue, whoever it is for.
    const refusal = { code: 554, message: '5.7.1 Message content rejected' };
    const dataReplies = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [i + 1, refusal]));
    const server = await serve({ faults: { dataReplies } });
    const { code, report, err } = await sendCommand(fixture, server.url());
    expect(code).toBe(3);
    expect(err).toMatch(/refuses the messages themselves and accepted none: 5 refused for what they carry/);
    expect(err).toMatch(/change the issue, then run the same command with --retry-failed/);
    expect(report.aborted).toMatch(/^messages refused, none accepted: 5 refused for what they carry: 554 5\.7\.1/);
    expect(report.total.failed).toBe(5);
    expect(ledgerRows(fixture).filter((r) => r.status === 'failed')).toHaveLength(5);
    // Only the messages already on the wire (one per connection) went out after the fifth.
    expect(server.counts.data).toBeLessThanOrEqual(5 + 3);

    // Once the issue passes, the same command goes past the five and mails everyone else once.
    const again = await serve();
    const rerun = await sendCommand(fixture, again.url());
    expect(rerun.code, rerun.err).toBe(0);
    expect(rerun.report.total.skipped).toMatchObject({ previouslyFailed: 5 });
    expect(rerun.report.total.sent).toBe(expected.length - 5);
  });

  it('the same refusal naming the connecting host still aborts the run as the account', async () => {
    fixture = await sendFixture(30, { concurrency: 1 });
    const refusal = { code: 554, message: '5.7.1 Service unavailable; Client host [127.0.0.1] blocked using Spamhaus' };
    const dataReplies = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i + 3, refusal]));
    const server = await serve({ faults: { dataReplies } });
    const { code, report } = await sendCommand(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toMatch(/5 messages in a row refused with the same reply: 554 5\.7\.1 Service unavailable/);
    expect(report.total.failed).toBe(0);
  });

  it('a policy refusal of the sender domain as spoofed aborts the run, not fails the whole list', async () => {
    fixture = await sendFixture(30, { concurrency: 1 });
    // Exchange Online's answer to a From domain that fails its sender checks: every message gets it.
    const refusal = { code: 550, message: '5.7.1 Rejected by header based Anti-Spoofing policy' };
    const dataReplies = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i + 1, refusal]));
    const server = await serve({ faults: { dataReplies } });
    const { code, report } = await sendCommand(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toMatch(/5 messages in a row refused with the same reply: 550 5\.7\.1 Rejected by header/);
    expect(report.total.failed).toBe(0);
    expect(ledgerRows(fixture).filter((r) => r.status === 'failed')).toHaveLength(0);
  });

  it('a 5xx to RCPT TO stays a failure of that reader alone, however many in a row', async () => {
    fixture = await sendFixture(30, { concurrency: 1 });
    const expected = await eligible(fixture);
    const refused = expected.slice(2, 9);
    const server = await serve({ faults: { rejectAddresses: refused } });
    const { code, report } = await sendCommand(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toBeUndefined();
    expect(report.total).toMatchObject({ failed: refused.length, deferred: 0, pending: 0 });
    expect(report.total.sent).toBe(expected.length - refused.length);
    expect(
      ledgerRows(fixture)
        .filter((r) => r.status === 'failed')
        .map((r) => r.email),
    ).toEqual([...refused].sort());
  });
});

describe('a server whose SIZE limit is smaller than the messages', () => {
  it('is refused before the first message when a variant is larger than the SIZE before encoding', async () => {
    fixture = await sendFixture(6, { concurrency: 1 });
    const server = await serve({ size: 2000 });
    const result = await sendCommand(fixture, server.url());
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /the SMTP server takes messages of at most 2000 bytes \(SIZE\), and variant ".+" is \d+ bytes/,
    );
    expect(server.counts.mailFrom).toBe(0);
  });

  it('judges only the variants the run sends, not the editor edition every run compiles', async () => {
    fixture = await sendFixture(6, { concurrency: 1 });
    const project = await fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const compiled = await compileAudience(project, plan.variants);
    const sent = new Set(plan.recipients.map((r) => r.variantId));
    const size = (id: string) => compiled.get(id)!.htmlBytes + compiled.get(id)!.textBytes;
    const readers = Math.max(...[...sent].map((id) => compiled.get(id)!.encodedBytes));
    // Room for each reader's own fields; the editor edition, sent to nobody here, is larger still.
    const limit = readers + 4000;
    expect(sent.has('editor')).toBe(false);
    expect(size('editor')).toBeGreaterThan(limit);
    const server = await serve({ size: limit });
    const result = await sendCommand(fixture, server.url());
    expect(result.code, result.err).toBe(0);
    expect(server.counts.accepted).toBe(plan.recipients.length);
  });
});

describe('a server that stops answering', () => {
  const sendWithTimeouts = (server: TestSmtpServer, smtpTimeouts: Partial<SmtpTimeouts>) => {
    const f = fixture!;
    return sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: sendEnv(server.url()),
      smtpTimeouts,
    });
  };

  it('times out a connection left without a reply before the message was sent, and retries it on a new one', async () => {
    fixture = await sendFixture(6, { concurrency: 1 });
    // The second RCPT TO is never answered: nothing of that message was taken.
    const server = await serve({ faults: { stallOnRcpt: [2] } });
    const report = await sendWithTimeouts(server, { socketMs: 400 });
    expect(report.total).toMatchObject({ failed: 0, deferred: 0, pending: 0 });
    expect([...(await receivedBy(server))].sort()).toEqual(await eligible(fixture));
    // Its envelope went out pipelined and got no reply: it goes again one command at a time, not
    // counted as an attempt (as for a server that reads one command at a time, see pipelining.test.ts).
    expect(ledgerRows(fixture).reduce((sum, r) => sum + r.attempts, 0)).toBe(server.counts.accepted);
    expect(server.counts.rcpt).toBe(server.counts.accepted + 1);
  }, 15_000);

  it('does not send again in the same run a message whose final dot got no reply: the server may have taken it', async () => {
    fixture = await sendFixture(6, { concurrency: 1, retries: 3 });
    // The second message is taken, but its reply comes only after the client stopped waiting.
    const server = await serve({ faults: { lateReplyOnData: { numbers: [2], ms: 900 } } });
    const report = await sendWithTimeouts(server, { socketMs: 300, finalReplyMs: 500 });
    const received = await server.messages();
    const copies = new Map<string, number>();
    for (const m of received) for (const to of m.envelope.to) copies.set(to, (copies.get(to) ?? 0) + 1);
    // Every reader once: the unanswered one is not sent a second copy, and is left for the next run.
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect([...copies.keys()].sort()).toEqual(await eligible(fixture));
    expect(report.total).toMatchObject({ deferred: 1, failed: 0, pending: 0 });
    expect(report.stopped).toBeUndefined();
    expect(report.failures[0]!.response).toMatch(/may have been delivered/);
  }, 20_000);

  it('does not send again in the same run a message whose connection closed after its final dot, before the reply', async () => {
    fixture = await sendFixture(6, { concurrency: 2, retries: 3 });
    const server = await serve({ faults: { dropAfterData: [2, 4] } });
    const report = await sendWithTimeouts(server, {});
    const copies = new Map<string, number>();
    for (const m of await server.messages()) for (const to of m.envelope.to) copies.set(to, (copies.get(to) ?? 0) + 1);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect([...copies.keys()].sort()).toEqual(await eligible(fixture));
    expect(report.total).toMatchObject({ deferred: 2, failed: 0, pending: 0 });
    expect(report.stopped).toBeUndefined();
    expect(report.failures.map((f) => f.response)).toEqual([
      expect.stringMatching(/may have been delivered/),
      expect.stringMatching(/may have been delivered/),
    ]);
  }, 20_000);

  it('waits for the reply to the final dot longer than the idle limit: a slow reply is a delivery', async () => {
    fixture = await sendFixture(4, { concurrency: 1 });
    const slow = await serve({ faults: { lateReplyOnData: { numbers: [1], ms: 500 } } });
    const patient = await sendWithTimeouts(slow, { socketMs: 200, finalReplyMs: 2000 });
    expect(patient.total).toMatchObject({ deferred: 0, failed: 0, pending: 0 });
    // One DATA per reader: the slow message was neither given up nor sent twice.
    expect(slow.counts.data).toBe((await eligible(fixture)).length);
    expect(slow.counts.accepted).toBe(slow.counts.data);
  }, 20_000);
});

describe('Ctrl-C', () => {
  it('after the last message finished reports the run complete, not interrupted', async () => {
    fixture = await sendFixture(8, { concurrency: 1 });
    const server = await serve();
    const controller = new AbortController();
    // The final progress line is written once every outcome is in: press Ctrl-C right then.
    const progress = {
      isTTY: false,
      stream: {
        write(chunk: string) {
          if (/^(\d+)\/\1:/.test(chunk)) controller.abort();
          return true;
        },
      } as unknown as NodeJS.WritableStream,
    };
    const report = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(server.url()),
      signal: controller.signal,
      progress,
    });
    expect(controller.signal.aborted).toBe(true);
    expect(report.interrupted).toBe(false);
    expect(report.total).toMatchObject({ sent: (await eligible(fixture)).length, pending: 0 });
    const db = openStateDb(`${fixture.dir}/.rolecast/state.db`);
    const [status] = readStatus(db, '2026-W48');
    db.close();
    expect(status!.lastRun?.outcome).toBe('complete');
  });
});

describe('SMTP_URL with a bare "%" in the password', () => {
  it('is a usage error that says how to write it, never a crash, and never shows the password', async () => {
    fixture = await sendFixture(3);
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: fixture.dir,
      env: sendEnv('smtp://mailer:100%sure@127.0.0.1:2525'),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(streams.err).toContain('percent-encode special characters in the SMTP');
    expect(streams.err).not.toContain('this is a bug');
    expect(streams.out + streams.err).not.toContain('100%sure');
  });
});
