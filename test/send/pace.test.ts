import { describe, expect, it } from 'vitest';
import { type Clock, createRateLimiter, describePace, type PaceChange } from '../../src/send/rate-limit.js';
import { classifyFailure, isThrottling } from '../../src/send/retry.js';
import { sendIssue } from '../../src/send/send-issue.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/** A clock that only moves when told to or when someone sleeps. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let time = 0;
  return {
    now: () => time,
    async sleep(ms) {
      time += ms;
    },
    advance(ms) {
      time += ms;
    },
  };
}

/** Starts within the window [from, to) of fake time. */
async function startsDuring(limiter: ReturnType<typeof createRateLimiter>, clock: Clock, ms: number): Promise<number> {
  const end = clock.now() + ms;
  let count = 0;
  for (;;) {
    await limiter.take();
    if (clock.now() >= end) return count;
    count++;
  }
}

describe('adaptive pace', () => {
  it('halves the shared rate on a throttling reply, once per burst of replies, then adds back to the configured rate', async () => {
    const clock = fakeClock();
    const changes: PaceChange[] = [];
    const limiter = createRateLimiter(100, { clock, onChange: (c) => changes.push(c) });
    expect(await startsDuring(limiter, clock, 2000)).toBeGreaterThan(190);
    limiter.throttled!('421 4.7.0 Too many messages, slow down');
    // Every connection hears it: the same limit, one decrease.
    limiter.throttled!('421 4.7.0 Too many messages, slow down');
    expect(changes).toEqual([
      { reason: 'throttled', from: 100, to: 50, reply: '421 4.7.0 Too many messages, slow down' },
    ]);
    const slowed = await startsDuring(limiter, clock, 2000);
    expect(slowed).toBeGreaterThanOrEqual(95);
    expect(slowed).toBeLessThanOrEqual(110);
    // A second throttling reply later halves again.
    limiter.throttled!('451 4.7.1 rate limit exceeded');
    expect(changes.at(-1)).toMatchObject({ reason: 'throttled', from: 50, to: 25 });
    // Acceptances: +5 msgs/s per second (a twentieth of 100), back to 100 after 15 s.
    for (let second = 0; second < 14; second++) {
      clock.advance(1000);
      limiter.accepted!();
    }
    expect(changes.at(-1)!.reason).toBe('throttled');
    clock.advance(1000);
    limiter.accepted!();
    expect(changes.at(-1)).toEqual({ reason: 'recovered', from: 95, to: 100 });
    expect(await startsDuring(limiter, clock, 2000)).toBeGreaterThan(190);
  });

  it('without a configured rate, starts from half the pace achieved before the first throttling reply', async () => {
    const clock = fakeClock();
    const changes: PaceChange[] = [];
    const limiter = createRateLimiter(0, { clock, onChange: (c) => changes.push(c) });
    for (let i = 0; i < 400; i++) {
      await limiter.take();
      clock.advance(2.5); // 400 msgs/s
    }
    limiter.throttled!('421 try later');
    expect(changes[0]!.from).toBeUndefined();
    expect(changes[0]!.to).toBeGreaterThanOrEqual(195);
    expect(changes[0]!.to).toBeLessThanOrEqual(205);
    const slowed = await startsDuring(limiter, clock, 1000);
    expect(slowed).toBeLessThanOrEqual(230);
    for (let second = 0; second < 40; second++) {
      clock.advance(1000);
      limiter.accepted!();
    }
    expect(changes.at(-1)).toMatchObject({ reason: 'recovered', to: undefined });
    expect(describePace(changes.at(-1)!)).toBe('throttling over: back to no limit');
  });

  it.each([
    [421, '421 4.7.0 Try again later, closing connection', true, 'temporary'],
    [451, '451 4.7.1 Please try again later', true, 'temporary'],
    [450, '450 Too many messages from this sender', true, 'temporary'],
    [550, '550 5.7.1 Sending rate limit exceeded', true, 'temporary'],
    [554, '554 Throttled: too many connections', true, 'temporary'],
    [451, '451 Temporary local problem', false, 'temporary'],
    [550, '550 5.1.1 <a@b.example>: No such user here', false, 'permanent'],
  ] as const)('%i %s: throttling %s, %s', (responseCode, response, throttling, kind) => {
    const failure = classifyFailure(Object.assign(new Error(response), { responseCode, response, command: 'DATA' }));
    expect(isThrottling(failure)).toBe(throttling);
    expect(failure.kind).toBe(kind);
  });
});

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

describe('a send against a throttling server', () => {
  it('slows every connection, says so, and delivers every message once without failures', async () => {
    // One retry per message: without the pace taking over, repeated 421s would defer readers.
    opened.fixture = await sendFixture(20, { concurrency: 3, retries: 1, retryBaseMs: 5, ratePerSecond: 200 });
    opened.server = await startSmtpServer({
      faults: { throttleData: { count: 9, code: 421, message: '4.7.0 Too many messages, slow down' } },
    });
    const lines: string[] = [];
    const report = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      log: (line) => lines.push(line),
    });
    expect(report.total.failed).toBe(0);
    expect(report.total.deferred).toBe(0);
    const messages = await opened.server.messages();
    expect(messages).toHaveLength(report.total.sent);
    expect(new Set(messages.map((m) => m.envelope.to[0])).size).toBe(messages.length);
    expect(lines.some((l) => /throttling .*slowed from 200 msgs\/s to 100 msgs\/s/.test(l))).toBe(true);
  });
});
