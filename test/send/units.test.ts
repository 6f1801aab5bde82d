import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseRate } from '../../src/cli/commands/send.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { RolecastError } from '../../src/errors.js';
import { assertHeaderSafe, buildMailOptions, messageIdFor } from '../../src/send/message.js';
import { createProgress, PLAIN_LINE_INTERVAL_MS } from '../../src/send/progress.js';
import { type Clock, createRateLimiter } from '../../src/send/rate-limit.js';
import { backoffDelay, classifyFailure, isThrottling, refusalKey } from '../../src/send/retry.js';
import { fileNameFor, parseSmtpUrl, smtpPoolOptions } from '../../src/send/transport.js';
import { personalLinks } from '../../src/unsubscribe/links.js';

/** A clock that only moves when a waiter sleeps, so rate tests measure tokens, not the machine. */
function fakeClock(): Clock & { starts: number[] } {
  let time = 0;
  return {
    starts: [],
    now: () => time,
    async sleep(ms) {
      time += ms;
    },
  };
}

describe('token bucket', () => {
  it('never starts more than burst + rate × t messages in t seconds', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(20, { burst: 2, clock });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        for (let i = 0; i < 20; i++) {
          await limiter.take();
          starts.push(clock.now());
        }
      }),
    );
    expect(starts).toHaveLength(100);
    for (const start of starts) {
      const upTo = starts.filter((s) => s <= start).length;
      expect(upTo).toBeLessThanOrEqual(2 + Math.floor((start / 1000) * 20) + 1);
    }
    // And it keeps the pace: 100 messages at 20/s take about 5 s of (fake) time.
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(4800);
    expect(Math.max(...starts)).toBeLessThanOrEqual(5100);
  });

  it('has no limit at rate 0 and gives up when aborted', async () => {
    await createRateLimiter(0).take();
    const limiter = createRateLimiter(1, { burst: 1 });
    await limiter.take();
    const controller = new AbortController();
    const waiting = limiter.take(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});

describe('failure classification', () => {
  it.each([
    [{ responseCode: 451, response: '451 try later' }, 'temporary'],
    [{ responseCode: 421, response: '421 closing' }, 'temporary'],
    [{ responseCode: 550, response: '550 no such user' }, 'permanent'],
    [{ responseCode: 552, response: '552 too big' }, 'permanent'],
    [{ responseCode: 503, response: '503 bad sequence' }, 'temporary'],
    [{ code: 'ECONNECTION', message: 'Connection closed' }, 'temporary'],
    [{ code: 'ETIMEDOUT', message: 'Timeout' }, 'temporary'],
    [{ code: 'ETLS', command: 'CONN', message: 'Error initiating TLS' }, 'temporary'],
    [{ code: 'EPROTOCOL', command: 'CONN', message: 'Unexpected Response' }, 'temporary'],
    [new TypeError('bug building message'), 'permanent'],
    // A mailbox status code wins over words that sound like a limit on the run.
    [{ responseCode: 552, response: '552 5.2.2 Mailbox full, too many messages' }, 'permanent'],
    [{ responseCode: 550, response: '550 5.1.1 too many requests for an unknown user' }, 'permanent'],
    [{ responseCode: 550, response: '550 5.7.1 rate limit exceeded' }, 'temporary'],
  ])('%o is %s', (error, kind) => {
    expect(classifyFailure(error).kind).toBe(kind);
  });

  it("names a message over the server's SIZE, which nodemailer refuses before MAIL FROM, as too large, not as the account", () => {
    const error = Object.assign(new Error('Message size larger than allowed 5000'), {
      code: 'EMESSAGE',
      command: 'MAIL FROM',
    });
    const failure = classifyFailure(error);
    expect(failure).toMatchObject({ kind: 'permanent', accountLevel: false });
    expect(failure.response).toMatch(/larger than the SMTP server's SIZE limit of 5000 bytes/);
  });

  it('never takes a reply about one mailbox for throttling, whatever its words', () => {
    expect(
      isThrottling(classifyFailure({ responseCode: 452, response: '452 4.2.2 Mailbox full, too many messages' })),
    ).toBe(false);
    expect(isThrottling(classifyFailure({ responseCode: 451, response: '451 4.7.1 too many messages' }))).toBe(true);
  });

  it.each([
    [{ responseCode: 554, command: 'MAIL FROM', response: '554 Sender account suspended' }, true],
    [{ responseCode: 535, code: 'EAUTH', command: 'AUTH PLAIN', response: '535 Authentication failed' }, true],
    [{ code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' }, true],
    [{ responseCode: 554, command: 'CONN', response: '554 No SMTP service here' }, true],
    [{ responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 <a@b.c>: No such user' }, false],
    [{ responseCode: 554, command: 'DATA', response: '554 Message rejected' }, false],
    [{ responseCode: 451, command: 'MAIL FROM', response: '451 Try later' }, false],
    [{ responseCode: 552, command: 'DATA', response: '552 5.2.2 Mailbox full' }, false],
    // Exchange Online's refusal of the sending account's own mailbox, at the end of each message.
    [
      {
        responseCode: 554,
        command: 'DATA',
        response: '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Cannot submit message.',
      },
      true,
    ],
    // A daily sending limit of the account, whatever the status code says.
    [
      {
        responseCode: 550,
        command: 'RCPT TO',
        response:
          "550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients",
      },
      true,
    ],
    [{ responseCode: 552, command: 'DATA', response: '552 Message would take you over your relay quota of 500' }, true],
  ])('%o is about the sender or account: %s', (error, expected) => {
    expect(classifyFailure(error).accountLevel).toBe(expected);
  });

  it('compares refusals without the address, and leaves mailbox replies out of a run of them', () => {
    const key = (response: string) =>
      refusalKey({ kind: 'permanent', responseCode: 554, response, noReply: false, accountLevel: false });
    expect(key('554 5.7.1 <a@x.test>: Relay access denied')).toBe(key('554 5.7.1 <b@y.test>: Relay access denied'));
    expect(key('554 Message rejected')).not.toBe(key('554 Spam detected'));
    expect(key('550 5.1.1 The email account that you tried to reach does not exist')).toBeUndefined();
    expect(key('552 5.2.2 Mailbox full')).toBeUndefined();
    expect(key('553 5.1.7 Bad sender address')).toBeDefined();
    // The server's own id and time in each reply (Gmail, Microsoft) make no two refusals different.
    expect(key('550 5.7.1 Sender blocked o65sm25351206pga.71 - gsmtp')).toBe(
      key('550 5.7.1 Sender blocked d2e1a72fcca58-76e7d5sm97.112 - gsmtp'),
    );
    expect(key('550 5.7.708 Access denied [AM6EUR05FT058.eop.outlook.com 2026-12-05T04:50:01.123Z]')).toBe(
      key('550 5.7.708 Access denied [DB8EUR02FT011.eop.outlook.com 2026-12-05T04:50:02.456Z]'),
    );
    expect(key('550 5.7.1 Sender blocked')).not.toBe(key('550 5.7.26 Sender blocked'));
  });

  it('leaves refusals of the message itself out of a run of them, not those of the sender, account or host', () => {
    const key = (responseCode: number, response: string) =>
      refusalKey({ kind: 'permanent', responseCode, response, noReply: false, accountLevel: false });
    for (const [code, reply] of [
      [554, '554 5.7.1 Message content rejected'],
      [550, '550 5.7.1 Message rejected as spam by Content Filtering'],
      [554, '554 5.7.1 The message was rejected because it contains prohibited virus or spam content'],
      [552, '552 5.7.0 This message was blocked because its content presents a potential security issue'],
      [554, '554 5.6.0 Message contains invalid header'],
      [552, '552 5.3.4 Message size exceeds fixed limit'],
      [552, '552 Message size exceeds fixed maximum message size'],
      [554, '554 Message refused: spam'],
    ] as const)
      expect(key(code, reply), reply).toBeUndefined();
    for (const [code, reply] of [
      [535, '535 5.7.8 Authentication credentials invalid'],
      [550, '550 5.7.0 Authentication required'],
      [550, '550 5.7.1 Sender address not allowed by policy'],
      [554, '554 5.7.1 <a@b.c>: Relay access denied'],
      [554, '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org'],
      [550, '550 5.7.1 Our system has detected unsolicited mail originating from your IP address'],
      [554, '554 Transaction failed'],
    ] as const)
      expect(key(code, reply), reply).toBeDefined();
  });

  it('a size refusal at MAIL FROM is about the message, any other 5xx there about the account', () => {
    const at = (response: string) =>
      classifyFailure({ responseCode: Number(response.slice(0, 3)), command: 'MAIL FROM', response }).accountLevel;
    expect(at('552 5.3.4 Message size exceeds fixed limit')).toBe(false);
    expect(at('554 5.7.1 Message content rejected')).toBe(true);
    expect(at('554 Transaction failed')).toBe(true);
  });

  it('backs off exponentially with jitter, within bounds', () => {
    expect(backoffDelay(1, 100, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, () => 0.5)).toBe(300);
    expect(backoffDelay(40, 1000, () => 1)).toBe(300_000);
  });
});

const config = {
  sender: { name: 'Rolecast Weekly', email: 'digest@rolecast.example' },
  replyTo: 'editors@rolecast.example',
  listId: 'weekly.rolecast.example',
  brand: { name: 'Rolecast Weekly' },
  urls: { unsubscribe: 'https://rolecast.example/unsubscribe' },
  unsubscribeMailto: 'unsubscribe@rolecast.example',
} as unknown as ResolvedConfig;

describe('message options', () => {
  const message = (subject: string, secret?: string) => ({
    to: { address: 'ada@example.com', name: 'Ada' },
    content: { subject, html: '<p>hi</p>', text: 'hi' },
    links: personalLinks(config, secret, '2026-W48', 'ada@example.com'),
    messageId: messageIdFor(config, '2026-W48', 'ada@example.com'),
    date: new Date('2026-11-26T08:00:00Z'),
  });

  it('writes the list headers, one-click only with an https URL, and one recipient', async () => {
    const withUrl = buildMailOptions(config, message('Week 48', 'secret'));
    expect(withUrl.envelope).toEqual({ from: 'digest@rolecast.example', to: ['ada@example.com'] });
    expect(withUrl).not.toHaveProperty('list');
    const raw = String(withUrl.raw);
    expect(raw).toMatch(/^List-Id: Rolecast Weekly <weekly\.rolecast\.example>\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <https:\/\/rolecast\.example\/unsubscribe\?token=[\w.-]+>,\r\n <mailto:/m);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(raw).not.toMatch(/^(Cc|Bcc):/im);
    const mailtoOnly = String(buildMailOptions(config, message('Week 48')).raw);
    expect(mailtoOnly).not.toContain('List-Unsubscribe-Post');
    expect(mailtoOnly).toMatch(/^List-Unsubscribe: <mailto:/m);
  });

  it('writes MIME that a mail parser reads back intact, non-ASCII names and subjects included', async () => {
    const subject = 'Semaine 48 · Zoë’s “picks” — a rather long subject line that has to be folded somewhere';
    const options = buildMailOptions(config, {
      ...message(subject, 'secret'),
      to: { address: 'zoe@example.com', name: 'Zoë "Z" Hartmann' },
      content: { subject, html: `<p>${'Grüße '.repeat(200)}</p>`, text: 'Grüße\nzweite Zeile\n' },
    });
    const raw = options.raw as Buffer;
    for (const line of raw.toString().split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(raw.toString()).not.toMatch(/[^\r]\n/);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).toEqual([
      { address: 'zoe@example.com', name: 'Zoë "Z" Hartmann' },
    ]);
    expect(parsed.from?.value).toEqual([{ address: 'digest@rolecast.example', name: 'Rolecast Weekly' }]);
    expect(parsed.replyTo?.value).toEqual([{ address: 'editors@rolecast.example', name: '' }]);
    expect(parsed.text).toBe('Grüße\nzweite Zeile\n');
    expect(parsed.html).toBe(`<p>${'Grüße '.repeat(200)}</p>`);
    expect(parsed.date?.toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(parsed.messageId).toBe(messageIdFor(config, '2026-W48', 'ada@example.com'));
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
  });

  it.each(['Week 48\r\nBcc: victim@example.com', 'Week\n48', 'Week\r48'])('rejects a line break in %j', (subject) => {
    expect(() => buildMailOptions(config, message(subject))).toThrow(RolecastError);
  });

  it('rejects CR/LF in any header value', () => {
    expect(() => assertHeaderSafe({ To: 'a@b.c\r\nCc: x@y.z' })).toThrow(/To header/);
    expect(() => assertHeaderSafe({ To: 'a@b.c' })).not.toThrow();
  });

  it('makes Message-IDs stable per (issue, address), distinct across addresses and salts', () => {
    const a = messageIdFor(config, '2026-W48', 'Ada@Example.com');
    expect(a).toBe(messageIdFor(config, '2026-W48', 'ada@example.com'));
    expect(a).toMatch(/^<2026-W48\.[\w-]{22}@rolecast\.example>$/);
    expect(a).not.toBe(messageIdFor(config, '2026-W48', 'bob@example.com'));
    expect(a).not.toBe(messageIdFor(config, '2026-W48', 'ada@example.com', 'resend'));
  });
});

/** What parseSmtpUrl throws for a URL it refuses. */
function urlError(url: string): RolecastError | undefined {
  try {
    parseSmtpUrl(url);
  } catch (e) {
    return e as RolecastError;
  }
  return undefined;
}

describe('small parsers', () => {
  it('reads SMTP URLs', () => {
    expect(parseSmtpUrl('smtp://user%40x:p%3Ass@mail.example:2525')).toEqual({
      host: 'mail.example',
      port: 2525,
      secure: false,
      auth: { user: 'user@x', pass: 'p:ss' },
    });
    expect(parseSmtpUrl('smtps://mail.example')).toMatchObject({ port: 465, secure: true, auth: undefined });
    expect(() => parseSmtpUrl('http://mail.example')).toThrow(RolecastError);
    const error = (() => {
      try {
        parseSmtpUrl('smtp://u:hunter2@[bad');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain('hunter2');
  });

  it('refuses a password with an unescaped "#", "?" or "/" instead of connecting to its user name as a host', () => {
    for (const url of [
      'smtp://mailer:2468#Secret@mail.example:2525',
      'smtp://mailer:2468?x@mail.example',
      'smtp://mailer:24/68@mail.example',
    ]) {
      const error = urlError(url);
      expect(error?.code, url).toBe('E_USAGE');
      expect(`${error?.message} ${error?.hint}`).not.toMatch(/2468|Secret|mailer/);
      expect(error?.hint).toMatch(/%23 for #/);
    }
    expect(parseSmtpUrl('smtp://mail.example:25/').host).toBe('mail.example');
  });

  it.each(['smtp://:s3cretpw@mail.example:587', 'smtps://:s3cretpw@mail.example'])(
    'refuses %s, a password with no user name, instead of sending without a login',
    (url) => {
      const error = urlError(url);
      expect(error).toBeInstanceOf(RolecastError);
      expect(error?.code).toBe('E_USAGE');
      expect(error?.message).toContain('SMTP_URL has a password but no user name');
      expect(error?.hint).toContain('smtp://user:password@host:587');
      expect(`${error?.message} ${error?.hint}`).not.toContain('s3cretpw');
    },
  );

  it('explains a password with a bare "%", without showing it', () => {
    const error = urlError('smtp://mailer:100%sure@mail.example:587');
    expect(error).toBeInstanceOf(RolecastError);
    expect(error?.code).toBe('E_USAGE');
    expect(error?.hint).toContain('percent-encode special characters in the SMTP');
    expect(error?.hint).toContain('%25 for %');
    expect(`${error?.message} ${error?.hint}`).not.toContain('100%sure');
    expect(error?.message).toContain('smtp://mailer:***@mail.example:587');
  });

  it('gives the SMTP pool timeouts, so a stalled server cannot hold a connection for minutes', () => {
    const parsed = parseSmtpUrl('smtp://mail.example:587');
    expect(smtpPoolOptions(parsed, { concurrency: 2 })).toMatchObject({
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    expect(smtpPoolOptions(parsed, { concurrency: 2, timeouts: { socketMs: 500 } })).toMatchObject({
      connectionTimeout: 30_000,
      socketTimeout: 500,
    });
  });

  it.each([
    ['20', 20],
    ['20/s', 20],
    ['2.5 / s', 2.5],
    ['0', 0],
  ])('--rate %s is %d per second', (raw, rate) => {
    expect(parseRate(raw)).toBe(rate);
  });

  it('refuses a rate it cannot read, or one too slow for its timers', () => {
    expect(() => parseRate('fast')).toThrow(RolecastError);
    expect(() => parseRate('0.0000001')).toThrow(/slower than one message an hour/);
  });

  it('refuses config timeouts and rates Node timers cannot hold', () => {
    const send = (values: object) => ConfigSchema.shape.send.safeParse(values);
    expect(send({ finalReplyTimeoutMs: 1e10 }).success).toBe(false);
    expect(send({ ratePerSecond: 1e-7 }).success).toBe(false);
    expect(send({ finalReplyTimeoutMs: 600_000, ratePerSecond: 0.5 }).success).toBe(true);
  });

  it('names outbox files after the address, safely', () => {
    expect(fileNameFor('Ada@Example.com')).toBe('ada@example.com');
    expect(fileNameFor('a/b@example.com')).toMatch(/^a_b@example\.com~[0-9a-f]{16}$/);
    // An address spelt like another's hashed name keeps its own file.
    const hashed = fileNameFor("a'b@example.com");
    expect(hashed).toMatch(/^a_b@example\.com~/);
    const lookalike = hashed.replace('~', '-');
    expect(fileNameFor(lookalike)).toBe(lookalike);
    expect(fileNameFor(lookalike)).not.toBe(hashed);
    expect(fileNameFor('../x@example.com')).not.toContain('/');
  });
});

describe('progress', () => {
  const tally = (sent: number, failed = 0) => ({
    planned: 20,
    sent,
    failed,
    deferred: 0,
    pending: 20 - sent - failed,
    skipped: {
      unsubscribed: 0,
      suppressed: 0,
      bounced: 0,
      complained: 0,
      noContent: 0,
      alreadySent: 0,
      previouslyFailed: 0,
    },
  });
  const sink = () => {
    let text = '';
    const stream = {
      write(chunk: string) {
        text += chunk;
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    return { stream, text: () => text };
  };

  it('prints a plain line at most every two seconds, and the last one, when not on a terminal', () => {
    const out = sink();
    let time = 0;
    // 20 outcomes, 500 ms apart: ten seconds in all.
    const progress = createProgress({ stream: out.stream, isTTY: false, planned: 20, now: () => time });
    for (let sent = 1; sent <= 19; sent++) {
      time += 500;
      progress.update(tally(sent));
    }
    time += 500;
    progress.update(tally(19, 1));
    progress.update(tally(19, 1));
    progress.done();
    const lines = out.text().trim().split('\n');
    // One every two seconds (at 2, 4, 6 and 8 s), then the last one at 10 s.
    expect(PLAIN_LINE_INTERVAL_MS).toBe(2000);
    expect(lines.map((l) => l.split(':')[0])).toEqual(['4/20', '8/20', '12/20', '16/20', '20/20']);
    expect(lines.at(-1)).toMatch(/^20\/20: sent 19 {2}failed 1 {2}remaining 0 {2}[\d.]+\/s {2}ETA 0s$/);
    expect(out.text()).not.toContain('\r');
  });

  it('prints one line, not one per message, for a fast run to a log', () => {
    const out = sink();
    let time = 0;
    const total = { ...tally(0), planned: 1000 };
    const progress = createProgress({ stream: out.stream, isTTY: false, planned: 1000, now: () => time });
    for (let sent = 1; sent <= 1000; sent++) {
      time += 1;
      progress.update({ ...total, sent, pending: 1000 - sent });
    }
    expect(out.text().trim().split('\n')).toEqual([expect.stringMatching(/^1000\/1000: sent 1000 /)]);
  });

  it('redraws one line with a bar, rate and ETA on a terminal', () => {
    const out = sink();
    let time = 0;
    const progress = createProgress({ stream: out.stream, isTTY: true, planned: 20, now: () => (time += 500) });
    progress.update(tally(10));
    progress.done();
    expect(out.text()).toMatch(
      /^\r\x1b\[2K\[#{12}-{12}\] sent 10 {2}failed 0 {2}remaining 10 {2}[\d.]+\/s {2}ETA \d+s\n$/,
    );
  });
});
