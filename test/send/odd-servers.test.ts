import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { eligible, generateSubscribers, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, type RawServerOptions, startRawServer } from './_raw-smtp.js';

/**
 * Servers written by hand, for what real ones do and `smtp-server` will not: hang up in the same
 * breath as a reply, leave a command unanswered. Whatever they do, the run ends, each reader is
 * recorded by what the server said, and nobody is mailed twice.
 */

const servers: RawServer[] = [];
let fixture: SendFixture | undefined;
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await fixture?.cleanup();
  fixture = undefined;
});

async function serve(options: RawServerOptions): Promise<RawServer> {
  const server = await startRawServer(options);
  servers.push(server);
  return server;
}

function ledger(f: SendFixture): { email: string; status: string; response: string | null }[] {
  const db = openStateDb(`${f.dir}/.rolecast/state.db`);
  try {
    return db.prepare('SELECT email, status, response FROM deliveries ORDER BY email').all() as never;
  } finally {
    db.close();
  }
}

/** `rolecast send` of the fixture in this process: its exit code and what it printed. */
async function run(f: SendFixture, url: string, ...extra: string[]) {
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', ...extra], {
    cwd: f.dir,
    env: sendEnv(url),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, out: streams.out, err: streams.err };
}

/** The same with `--json`: its report read. */
async function send(f: SendFixture, url: string) {
  const { code, out, err } = await run(f, url, '--json');
  return { code, report: JSON.parse(out), err };
}

const RCPT = /^RCPT TO:<([^>]*)>/i;

describe('a server that hangs up as it refuses', () => {
  it.each<[string, (refused: string) => RawServerOptions]>([
    [
      'a 554 to the final dot, the connection closed in the same write',
      (refused) => ({
        dataEnd: (_session, message) =>
          message.to[0] === refused ? { hangUp: '554 5.7.1 Message rejected as spam\r\n' } : undefined,
      }),
    ],
    [
      'a 550 to RCPT TO, then the connection closed at the RSET that follows',
      (refused) => ({
        command: (line) =>
          /^RSET/i.test(line) ? 'drop' : RCPT.exec(line)?.[1] === refused ? '550 5.1.1 No such user\r\n' : undefined,
      }),
    ],
    [
      'a 550 to RCPT TO, then no reply to the RSET that follows until the connection times out',
      (refused) => ({
        command: (line) =>
          /^RSET/i.test(line) ? null : RCPT.exec(line)?.[1] === refused ? '550 5.1.1 No such user\r\n' : undefined,
      }),
    ],
  ])(
    '%s: the run ends, that reader failed, the rest sent once',
    async (_name, behaviour) => {
      fixture = await sendFixture(12, { concurrency: 2, socketTimeoutMs: 1500 });
      const expected = await eligible(fixture);
      const refused = expected[2]!;
      const server = await serve(behaviour(refused));
      const { code, report } = await send(fixture, server.url());
      expect(code).toBe(3);
      expect(report.total).toMatchObject({ sent: expected.length - 1, failed: 1, deferred: 0, pending: 0 });
      const taken = server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
      expect(taken.sort()).toEqual(expected.filter((email) => email !== refused));
      const rows = ledger(fixture);
      expect(rows.filter((row) => row.status === 'failed').map((row) => row.email)).toEqual([refused]);
      expect(rows.filter((row) => row.status === 'sent').map((row) => row.email)).toEqual(taken);
    },
    20_000,
  );
});

describe('a server that caps connections without a word', () => {
  it.each<[string, Record<string, number>, 'drop' | null]>([
    ['closes the connections past its cap before greeting', {}, 'drop'],
    ['never greets the connections past its cap', { greetingTimeoutMs: 300 }, null],
  ])(
    '%s: the run goes on over the connection it serves and sends everyone once',
    async (_name, timeouts, answer) => {
      fixture = await sendFixture(30, { concurrency: 3, ...timeouts });
      let open = 0;
      const server = await serve({
        greeting: (session) => {
          open++;
          session.socket.on('close', () => open--);
          return open > 1 ? answer : undefined;
        },
      });
      const { code, report } = await send(fixture, server.url());
      const expected = await eligible(fixture);
      expect(code).toBe(0);
      expect(report.stopped).toBeUndefined();
      expect(report.total).toMatchObject({ sent: expected.length, failed: 0, deferred: 0, pending: 0 });
      expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected);
      expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(expected.map((email) => [email, 'sent']));
    },
    20_000,
  );
});

describe('a server that never answers QUIT', () => {
  it('has every connection closed soon after the run, not held until the idle timeout', async () => {
    fixture = await sendFixture(8, { concurrency: 3 });
    const server = await serve({ command: (line) => (/^QUIT/i.test(line) ? null : undefined) });
    const { code } = await send(fixture, server.url());
    expect(code).toBe(0);
    const ended = Date.now();
    await server.allClosed();
    // Closed by the client a moment after its QUIT went unanswered, not after 60 s of silence.
    expect(Date.now() - ended).toBeLessThan(5_000);
  }, 20_000);
});

describe('a server that turns the client away at its greeting', () => {
  it.each([
    ['554 5.7.1 Your address is listed on a blocklist', /takes no mail from this host/, false],
    ['421 4.3.2 Too busy, try later', /busy, or limits connections .* run the same command later/, false],
    ['550 5.7.1 Administrative prohibition', /takes no mail from this host/, true],
  ])('"%s": exit 2, the reply shown with what to do, and nothing sent', async (greeting, hint, atEhlo) => {
    fixture = await sendFixture(4);
    // At EHLO (and the HELO that follows) rather than the greeting, as Exim's connect ACLs do.
    const server = await serve(
      atEhlo
        ? { command: (line) => (/^(EHLO|HELO)/i.test(line) ? `${greeting}\r\n` : undefined) }
        : { greeting: () => `${greeting}\r\n` },
    );
    const { code, err } = await run(fixture, server.url());
    expect(code).toBe(2);
    expect(err).toContain(`turned the connection away: ${greeting}`);
    expect(err).toMatch(hint);
    expect(err).not.toContain('check the host and port');
    expect(server.commands.filter((line) => /^MAIL/i.test(line))).toEqual([]);
  });
});

describe('a server that offers STARTTLS and then cannot start it', () => {
  it("454 TLS not available: exit 2, and the hint names the server's TLS, not a certificate to check here", async () => {
    fixture = await sendFixture(4);
    const server = await serve({
      ehlo: () => '250-raw.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SIZE 10485760\r\n',
      command: (line) => (/^STARTTLS/i.test(line) ? '454 4.7.0 TLS not available due to local problem\r\n' : undefined),
    });
    const { code, err } = await run(fixture, server.url());
    expect(code).toBe(2);
    expect(err).toContain('454 4.7.0 TLS not available due to local problem');
    expect(err).toMatch(/offers STARTTLS but could not start TLS/);
    expect(err).toMatch(/ask its administrator/);
    expect(err).not.toMatch(/certificate \(name, expiry|NODE_EXTRA_CA_CERTS|expects smtps/);
    expect(server.commands.filter((line) => /^MAIL/i.test(line))).toEqual([]);
  });
});

describe('a server that wants a login the SMTP URL does not give', () => {
  it('530 to MAIL FROM: exit 3, nobody marked failed, and the hint says to put the login in SMTP_URL', async () => {
    fixture = await sendFixture(6, { concurrency: 1 });
    const server = await serve({
      command: (line) => (/^MAIL/i.test(line) ? '530 5.7.0 Authentication required\r\n' : undefined),
    });
    const { code, err } = await run(fixture, server.url());
    expect(code).toBe(3);
    expect(err).toContain('530 5.7.0 Authentication required');
    expect(err).toMatch(/asks for a login .* put the user name and password in SMTP_URL/);
    expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
  });

  it('530 with a login in SMTP_URL on a port that offers none: the hint names the submission port', async () => {
    fixture = await sendFixture(6, { concurrency: 1 });
    const server = await serve({
      command: (line) => (/^MAIL/i.test(line) ? '530 5.7.0 Authentication required\r\n' : undefined),
    });
    const { code, err } = await run(fixture, server.url({ user: 'ann', pass: 's3cretpw' }));
    expect(code).toBe(3);
    expect(err).toMatch(/offers none on this connection.*submission port/);
    expect(err).not.toContain('put the user name and password in SMTP_URL');
    expect(err).not.toContain('s3cretpw');
  });
});

describe('a server whose replies come a few bytes a packet, every one of them multi-line', () => {
  it('gets every message once, whole: both parts, and only its reader named', async () => {
    fixture = await sendFixture(12, { concurrency: 2 });
    const server = await serve({
      splitBytes: 1,
      greeting: () => '220-raw.test first line\r\n220-second line\r\n220 ESMTP\r\n',
      dataEnd: () => '250-2.0.0 queued as A1\r\n250-more to say\r\n250 2.0.0 ok\r\n',
    });
    const { code, report } = await send(fixture, server.url());
    const expected = await eligible(fixture);
    expect(code).toBe(0);
    expect(report.total).toMatchObject({ sent: expected.length, failed: 0, deferred: 0 });
    const messages = await server.parsed();
    expect(messages.map((m) => m.to[0]).sort()).toEqual(expected);
    for (const { to, raw, parsed } of messages) {
      expect(parsed.to && 'value' in parsed.to ? parsed.to.value.map((a) => a.address) : []).toEqual(to);
      expect(parsed.text).toBeTruthy();
      expect(parsed.html).toBeTruthy();
      for (const other of expected) if (other !== to[0]) expect(raw).not.toContain(other);
    }
    expect(ledger(fixture).map((row) => row.status)).toEqual(expected.map(() => 'sent'));
  }, 20_000);
});

describe("a server that refuses the sending account's own mailbox at the end of each message", () => {
  it.each([
    '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message.',
    '554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded',
  ])('"%s": the run aborts (exit 3) with nobody failed, and the next run sends the rest once', async (reply) => {
    fixture = await sendFixture(30, { concurrency: 2 });
    const expected = await eligible(fixture);
    // Exchange Online's daily limit (or its Sent Items full), reached after three messages.
    let overQuota = true;
    const server = await serve({
      dataEnd: () => (overQuota && server.messages.filter((m) => m.accepted).length >= 3 ? `${reply}\r\n` : undefined),
    });
    const first = await send(fixture, server.url());
    expect(first.code).toBe(3);
    expect(first.report.aborted).toContain('STOREDRV.Submission');
    expect(first.report.total.failed).toBe(0);
    expect(first.err).toMatch(/refuses this sender or account.*\n.*over quota/);
    expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
    overQuota = false;
    const second = await send(fixture, server.url());
    expect(second.code, second.err).toBe(0);
    const taken = server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
    expect(taken.sort()).toEqual(expected);
    expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(expected.map((email) => [email, 'sent']));
  });
});

describe('a server that answers the login with a temporary failure', () => {
  it.each(['454 4.7.0 Temporary authentication failure', '454 4.7.0 Too many login attempts, please try again later.'])(
    '"%s": exit 2, and the hint says to run it later, not to check the password',
    async (reply) => {
      fixture = await sendFixture(4);
      const server = await serve({
        ehlo: () => '250-raw.test\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n',
        command: (line) => (/^AUTH/i.test(line) ? `${reply}\r\n` : undefined),
      });
      const { code, err } = await run(fixture, server.url({ user: 'ann', pass: 's3cretpw' }));
      expect(code).toBe(2);
      expect(err).toContain(`could not log in ann for now: ${reply}`);
      expect(err).toMatch(/were not refused.*run the same command later/);
      expect(err).not.toContain('check the user name and password');
      expect(err).not.toContain('s3cretpw');
      expect(server.commands.filter((line) => /^MAIL/i.test(line))).toEqual([]);
    },
  );
});

describe('a server that refuses EHLO, so the session is greeted with HELO', () => {
  it('offers no login: the credentials in SMTP_URL go unused with one warning, and every reader is sent once', async () => {
    fixture = await sendFixture(12, { concurrency: 2 });
    const server = await serve({
      command: (line) => (/^EHLO/i.test(line) ? '502 5.5.2 Error: command not recognized\r\n' : undefined),
    });
    const { code, err } = await run(fixture, server.url({ user: 'ann', pass: 's3cretpw' }));
    const expected = await eligible(fixture);
    expect(code, err).toBe(0);
    expect(
      err.match(/offers no login \(AUTH\), so the user name and password in SMTP_URL were not used/g),
    ).toHaveLength(1);
    expect(server.commands.filter((line) => /^AUTH/i.test(line))).toEqual([]);
    expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected);
    expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(expected.map((email) => [email, 'sent']));
  }, 20_000);

  it('a test send (built by nodemailer) goes out without a login too', async () => {
    fixture = await sendFixture(4);
    const server = await serve({
      command: (line) => (/^EHLO/i.test(line) ? '502 5.5.2 Error: command not recognized\r\n' : undefined),
    });
    const [as] = await eligible(fixture);
    const url = server.url({ user: 'ann', pass: 's3cretpw' });
    const { code, err } = await run(fixture, url, '--test', 'editor@example.test', '--as', as!);
    expect(code, err).toBe(0);
    expect(err).toMatch(/offers no login \(AUTH\)/);
    expect(server.commands.filter((line) => /^AUTH/i.test(line))).toEqual([]);
    expect(server.messages.map((m) => [m.to[0], m.accepted])).toEqual([['editor@example.test', true]]);
  }, 20_000);
});

describe('a server that takes one message a session and hangs up in the same breath as its 250', () => {
  it('gets every reader once, each at the first attempt: a message begun on a connection closing under it takes a new one', async () => {
    fixture = await sendFixture(40, { concurrency: 3, retries: 3 });
    const server = await serve({ dataEnd: () => ({ hangUp: '250 2.0.0 queued, closing\r\n' }) });
    const { code, report, err } = await send(fixture, server.url());
    const expected = await eligible(fixture);
    expect(code, err).toBe(0);
    expect(report.stopped).toBeUndefined();
    expect(report.total).toMatchObject({ sent: expected.length, failed: 0, deferred: 0, pending: 0 });
    expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected);
    const db = openStateDb(`${fixture.dir}/.rolecast/state.db`);
    const attempts = db.prepare('SELECT DISTINCT attempts FROM deliveries').all();
    db.close();
    expect(attempts).toEqual([{ attempts: 1 }]);
  }, 30_000);
});

describe('a server that takes no password login', () => {
  it.each([
    ['offering only XOAUTH2, 504 to the password login', 'AUTH XOAUTH2', '504 5.5.4 Unrecognized authentication type'],
    [
      'wanting an app password, 534',
      'AUTH LOGIN PLAIN XOAUTH2',
      '534-5.7.9 Application-specific password required.\r\n534 5.7.9 Learn more at https://support.example/apppasswords',
    ],
  ])('%s: exit 2, and the hint names the kind of login, not a wrong password', async (_name, auth, reply) => {
    fixture = await sendFixture(4);
    const server = await serve({
      ehlo: () => `250-raw.test\r\n250-PIPELINING\r\n250 ${auth}\r\n`,
      command: (line) => (/^AUTH/i.test(line) ? `${reply}\r\n` : undefined),
    });
    const { code, err } = await run(fixture, server.url({ user: 'ann', pass: 's3cretpw' }));
    expect(code).toBe(2);
    expect(err).toContain('does not take a password login for ann');
    expect(err).toMatch(/OAuth token \(XOAUTH2\).*app password/);
    expect(err).not.toContain('check the user name and password');
    expect(err).not.toContain('s3cretpw');
    expect(server.commands.filter((line) => /^MAIL/i.test(line))).toEqual([]);
  });
});

describe("a reader's address holding the words of a refusal of the sending account", () => {
  it('is quoted in the refusal of that reader: that reader fails, and the run goes on for the rest', async () => {
    const subscribers = generateSubscribers(12);
    const named = 'storedrv.submission@example.test';
    subscribers[0]!.email = named;
    fixture = await sendFixture(12, { concurrency: 2 }, subscribers);
    const expected = await eligible(fixture);
    expect(expected).toContain(named);
    // As Postfix refuses a recipient it does not know, quoting the address.
    const server = await serve({
      command: (line) =>
        RCPT.exec(line)?.[1] === named
          ? `550 5.1.1 <${named}>: Recipient address rejected: User unknown in local recipient table\r\n`
          : undefined,
    });
    const { report } = await send(fixture, server.url());
    expect(report.aborted).toBeUndefined();
    expect(report.total).toMatchObject({ sent: expected.length - 1, failed: 1, deferred: 0, pending: 0 });
    expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected.filter((email) => email !== named));
    const rows = ledger(fixture);
    expect(rows.filter((row) => row.status === 'failed').map((row) => row.email)).toEqual([named]);
  }, 20_000);
});

describe("a server that refuses each message once the account's daily sending limit is reached", () => {
  it("Gmail's 550 5.4.5, with its own id in every reply: the run aborts (exit 3) with nobody failed, and the next run sends the rest once", async () => {
    fixture = await sendFixture(30, { concurrency: 2 });
    const expected = await eligible(fixture);
    let overLimit = true;
    let id = 0;
    const server = await serve({
      dataEnd: () =>
        overLimit && server.messages.filter((m) => m.accepted).length >= 3
          ? `550-5.4.5 Daily user sending limit exceeded. For more information on Gmail\r\n550-5.4.5 sending limits go to\r\n550 5.4.5  https://support.google.com/a/answer/166852 d2e1a72fcca58-${++id}sm9728466b3a.112 - gsmtp\r\n`
          : undefined,
    });
    const first = await send(fixture, server.url());
    expect(first.code).toBe(3);
    expect(first.report.aborted).toContain('Daily user sending limit exceeded');
    expect(first.report.total.failed).toBe(0);
    expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
    overLimit = false;
    const second = await send(fixture, server.url());
    expect(second.code, second.err).toBe(0);
    const taken = server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
    expect(taken.sort()).toEqual(expected);
    expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(expected.map((email) => [email, 'sent']));
  }, 20_000);
});

describe('a server that refuses the sender at the end of each message with an id of its own in every reply', () => {
  it('Gmail\'s "550 5.7.1 … unusual rate of unsolicited mail … <id> - gsmtp": five in a row abort the run (exit 3) with nobody failed', async () => {
    fixture = await sendFixture(30, { concurrency: 1 });
    let id = 0;
    const server = await serve({
      dataEnd: () =>
        server.messages.filter((m) => m.accepted).length >= 3
          ? `550-5.7.1 [127.0.0.1] Our system has detected an unusual rate of\r\n550-5.7.1 unsolicited mail originating from your IP address.\r\n550 5.7.1 https://support.google.com/mail/?p=UnsolicitedIPError ${(++id).toString(36)}x7si${1000 + id}pga.${id} - gsmtp\r\n`
          : undefined,
    });
    const { code, report } = await send(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toContain('5 messages in a row refused with the same reply');
    expect(report.total.failed).toBe(0);
    expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
  }, 20_000);
});

describe("a reader's address holding the words of a request to slow down", () => {
  it('is quoted in a refusal of that reader without an enhanced code: that reader fails, not deferred as throttling', async () => {
    const subscribers = generateSubscribers(12);
    const named = 'ratelimit@example.test';
    subscribers[0]!.email = named;
    fixture = await sendFixture(12, { concurrency: 2 }, subscribers);
    const expected = await eligible(fixture);
    const server = await serve({
      command: (line) =>
        RCPT.exec(line)?.[1] === named ? `550 <${named}>: Recipient address rejected: User unknown\r\n` : undefined,
    });
    const { report } = await send(fixture, server.url());
    expect(report.total).toMatchObject({ sent: expected.length - 1, failed: 1, deferred: 0, pending: 0 });
    expect(
      ledger(fixture)
        .filter((row) => row.status === 'failed')
        .map((row) => row.email),
    ).toEqual([named]);
  }, 20_000);
});

describe('a server that refuses unknown readers without an enhanced status code (as Exim does)', () => {
  it.each([
    '550 Unrouteable address',
    '550 unknown user',
    '550 No such user here',
    '550 Mailbox unavailable',
    '550 Benutzer unbekannt',
    '550 Utilisateur inconnu',
    '550 Usuario desconocido',
  ])(
    '"%s" to six readers in a row: they fail, the run goes on for the rest, and a second run sends nobody again',
    async (reply) => {
      fixture = await sendFixture(30, { concurrency: 1 });
      const expected = await eligible(fixture);
      const dead = expected.slice(0, 6);
      const server = await serve({
        command: (line) => (dead.includes(RCPT.exec(line)?.[1] ?? '') ? `${reply}\r\n` : undefined),
      });
      const first = await send(fixture, server.url());
      expect(first.report.aborted).toBeUndefined();
      expect(first.report.total).toMatchObject({ sent: expected.length - 6, failed: 6, deferred: 0, pending: 0 });
      expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected.slice(6));
      expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(
        expected.map((email) => [email, dead.includes(email) ? 'failed' : 'sent']),
      );
      const second = await send(fixture, server.url());
      expect(second.report.total).toMatchObject({ sent: 0, failed: 0, pending: 0 });
      expect(server.messages).toHaveLength(expected.length - 6);
    },
    30_000,
  );

  it('"550 relay not permitted" to five messages in a row still aborts the run as a refusal of the account', async () => {
    fixture = await sendFixture(30, { concurrency: 1 });
    const server = await serve({ command: (line) => (RCPT.test(line) ? '550 relay not permitted\r\n' : undefined) });
    const { code, report } = await send(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toContain('5 messages in a row refused with the same reply: 550 relay not permitted');
    expect(report.total.failed).toBe(0);
  }, 30_000);
});

describe('a server whose greeting of several lines has "220 " on each, not "220-"', () => {
  it.each<[string, RawServerOptions]>([
    ['offering PIPELINING', {}],
    ['offering no PIPELINING', { ehlo: () => '250-raw.test\r\n250 SIZE 10485760\r\n' }],
    ['refusing EHLO', { ehlo: () => '502 5.5.2 Error: command not recognized\r\n' }],
    ['its lines a byte a packet, so the second comes after EHLO went', { splitBytes: 1 }],
  ])(
    '%s: every reader is sent once and recorded sent, and a second run sends nobody again',
    async (_name, options) => {
      fixture = await sendFixture(12, { concurrency: 2 });
      const expected = await eligible(fixture);
      const server = await serve({
        greeting: () => '220 raw.test ESMTP\r\n220 Welcome: authorised use only\r\n',
        ...options,
      });
      const first = await send(fixture, server.url());
      expect(first.code, first.err).toBe(0);
      expect(first.report.total).toMatchObject({ sent: expected.length, failed: 0, deferred: 0 });
      expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(expected.map((email) => [email, 'sent']));
      const second = await send(fixture, server.url());
      expect(second.report.total).toMatchObject({ sent: 0, deferred: 0, pending: 0 });
      expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected);
    },
    30_000,
  );

  it('a test send (built by nodemailer) goes out and is reported sent', async () => {
    fixture = await sendFixture(4);
    const server = await serve({ greeting: () => '220 raw.test ESMTP\r\n220 Welcome: authorised use only\r\n' });
    const [as] = await eligible(fixture);
    const { code, err } = await run(fixture, server.url(), '--test', 'editor@example.test', '--as', as!);
    expect(code, err).toBe(0);
    expect(server.messages.map((m) => [m.to[0], m.accepted])).toEqual([['editor@example.test', true]]);
  }, 20_000);
});

describe('a server whose EHLO reply has "250 " on each line, not "250-"', () => {
  const flat = '250 raw.test\r\n250 PIPELINING\r\n250 8BITMIME\r\n250 SMTPUTF8\r\n250 SIZE 10485760\r\n';
  const unpipelined = '250 raw.test\r\n250 8BITMIME\r\n250 SIZE 10485760\r\n';
  it.each<[string, RawServerOptions]>([
    ['offering PIPELINING', { ehlo: () => flat }],
    ['offering no PIPELINING', { ehlo: () => unpipelined }],
    ['its lines 20 bytes a packet, each begun in the packet before', { ehlo: () => flat, splitBytes: 20 }],
  ])(
    '%s: every reader is sent once and recorded sent, with SIZE declared',
    async (_name, options) => {
      fixture = await sendFixture(12, { concurrency: 2 });
      const expected = await eligible(fixture);
      const server = await serve(options);
      const first = await send(fixture, server.url());
      expect(first.code, first.err).toBe(0);
      expect(first.report.total).toMatchObject({ sent: expected.length, failed: 0, deferred: 0 });
      expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(expected.map((email) => [email, 'sent']));
      expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected);
      // The extensions of its later lines are read: each MAIL FROM declares the message's size.
      expect(server.commands.filter((line) => /^MAIL/i.test(line)).every((line) => / SIZE=\d+$/.test(line))).toBe(true);
    },
    30_000,
  );

  it.each([
    ['offering PIPELINING', flat],
    ['offering no PIPELINING', unpipelined],
  ])(
    '%s: a test send (built by nodemailer) goes out and is reported sent',
    async (_name, ehlo) => {
      fixture = await sendFixture(4);
      const server = await serve({ ehlo: () => ehlo });
      const [as] = await eligible(fixture);
      const { code, err } = await run(fixture, server.url(), '--test', 'editor@example.test', '--as', as!);
      expect(code, err).toBe(0);
      expect(server.messages.map((m) => [m.to[0], m.accepted])).toEqual([['editor@example.test', true]]);
    },
    20_000,
  );
});

describe('a server that refuses every reader with the words of an unknown mailbox and no enhanced code', () => {
  const BLANKET = '550 Requested action not taken: mailbox unavailable';
  it.each([
    ['from the first reader', 0],
    ['once ten readers were taken', 10],
  ])(
    '%s: the run aborts as a refusal of the account, the readers it held deferred, not the whole list failed',
    async (_name, taken) => {
      fixture = await sendFixture(60, { concurrency: 1 });
      const expected = await eligible(fixture);
      const server = await serve({
        command: (line) => (RCPT.test(line) && server.messages.length >= taken ? `${BLANKET}\r\n` : undefined),
      });
      const { code, report } = await send(fixture, server.url());
      expect(code).toBe(3);
      expect(report.aborted).toContain(`messages in a row refused with the same reply: ${BLANKET}`);
      expect(report.total).toMatchObject({ sent: taken, failed: 0 });
      expect(report.total.pending).toBeGreaterThan(0);
      expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
      expect(server.messages.map((m) => m.to[0])).toEqual(expected.slice(0, taken));
    },
    30_000,
  );
});

describe('refusals of the sender in a row', () => {
  /** `count` readers, those from `from` to `to` (by index) of the domain gone.example. */
  const withDeadDomain = (count: number, from: number, to: number) =>
    generateSubscribers(count).map((s, i) =>
      i >= from && i < to ? { ...s, email: s.email.replace('example.test', 'gone.example') } : s,
    );

  it.each([1, 3])(
    '"550 Unrouteable address" to thirty readers of one domain in a row, %i connection(s): they fail, the readers after them are sent, and a second run sends nobody again',
    async (concurrency) => {
      fixture = await sendFixture(70, { concurrency }, withDeadDomain(70, 10, 48));
      const expected = await eligible(fixture);
      const dead = expected.filter((email) => email.endsWith('@gone.example'));
      expect(dead.length).toBeGreaterThan(25);
      const server = await serve({
        command: (line) =>
          RCPT.exec(line)?.[1]?.endsWith('@gone.example') ? '550 Unrouteable address\r\n' : undefined,
      });
      const first = await send(fixture, server.url());
      expect(first.report.aborted).toBeUndefined();
      expect(first.report.total).toMatchObject({
        sent: expected.length - dead.length,
        failed: dead.length,
        pending: 0,
      });
      expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(
        expected.map((email) => [email, dead.includes(email) ? 'failed' : 'sent']),
      );
      const second = await send(fixture, server.url());
      expect(second.report.total).toMatchObject({ sent: 0, failed: 0, pending: 0 });
      expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected.filter((email) => !dead.includes(email)));
    },
    60_000,
  );

  it.each([
    ['the other domain first', 10],
    ['the domain of thirty first', 0],
  ])(
    '"550 Unrouteable address" to every reader of two domains, %s: the run aborts, nobody failed',
    async (_name, from) => {
      fixture = await sendFixture(70, { concurrency: 1 }, withDeadDomain(70, from, from + 38));
      const server = await serve({ command: (line) => (RCPT.test(line) ? '550 Unrouteable address\r\n' : undefined) });
      const { code, report } = await send(fixture, server.url());
      expect(code).toBe(3);
      expect(report.aborted).toContain('550 Unrouteable address');
      expect(report.total).toMatchObject({ sent: 0, failed: 0 });
      expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
    },
    60_000,
  );

  it('"550 Unrouteable address" to the thirty readers of one domain last in the list: the others are sent, and the run aborts naming that domain with nobody failed', async () => {
    fixture = await sendFixture(70, { concurrency: 1 }, withDeadDomain(70, 32, 70));
    const expected = await eligible(fixture);
    const server = await serve({
      command: (line) => (RCPT.exec(line)?.[1]?.endsWith('@gone.example') ? '550 Unrouteable address\r\n' : undefined),
    });
    const { code, report } = await send(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toContain(
      'no reader of another domain left to try: if gone.example is gone, take its readers off the list',
    );
    expect(report.total.failed).toBe(0);
    expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
    expect(server.messages.map((m) => m.to[0]).sort()).toEqual(
      expected.filter((email) => email.endsWith('@example.test')),
    );
  }, 60_000);

  it('"550 Unrouteable address" to thirty readers of one domain, the readers of the other domain after them greylisted once: the run waits for their next try, then they are sent and the thirty fail', async () => {
    fixture = await sendFixture(70, { concurrency: 1, greylistRetryMs: 1500 }, withDeadDomain(70, 10, 48));
    const expected = await eligible(fixture);
    const dead = expected.filter((email) => email.endsWith('@gone.example'));
    const greylisted = new Set<string>();
    const server = await serve({
      command: (line) => {
        const to = RCPT.exec(line)?.[1];
        if (to?.endsWith('@gone.example')) return '550 Unrouteable address\r\n';
        if (!to || to < 'reader00048' || greylisted.has(to)) return undefined;
        greylisted.add(to);
        return '451 4.7.1 Greylisted, please try again later\r\n';
      },
    });
    const { report } = await send(fixture, server.url());
    expect(report.aborted).toBeUndefined();
    expect(greylisted.size).toBeGreaterThan(0);
    expect(ledger(fixture).map((row) => [row.email, row.status])).toEqual(
      expected.map((email) => [email, dead.includes(email) ? 'failed' : 'sent']),
    );
  }, 60_000);

  // Fewer refusals than the count cannot tell a refusal of everyone from dead readers: with no message
  // of the issue ever taken, they are deferred, as a failed reader is never tried again.
  it.each<[string, (rcpt: number, run: number) => string | undefined, string[]]>([
    ['every reader refused alike, twice', () => '550 relay not permitted', ['deferred', 'deferred', 'deferred']],
    [
      'the first taken, the two after it refused',
      (rcpt) => (rcpt > 1 ? '550 relay not permitted' : undefined),
      ['sent', 'failed', 'failed'],
    ],
    [
      'the first taken and the two after it put off in a first run, refused in the second',
      (rcpt, run) => (rcpt === 1 ? undefined : run === 1 ? '451 4.3.0 Try again later' : '550 relay not permitted'),
      ['sent', 'failed', 'failed'],
    ],
  ])(
    'a list of three, %s',
    async (_name, reply, statuses) => {
      fixture = await sendFixture(3, { concurrency: 1 });
      const expected = await eligible(fixture);
      expect(expected).toHaveLength(3);
      let run = 0;
      const rcpts = new Map<string, number>();
      const server = await serve({
        command: (line) => {
          const to = RCPT.exec(line)?.[1];
          if (!to) return undefined;
          if (!rcpts.has(to)) rcpts.set(to, rcpts.size + 1);
          const said = reply(rcpts.get(to)!, run);
          return said ? `${said}\r\n` : undefined;
        },
      });
      for (run = 1; run <= 2; run++) await send(fixture, server.url());
      expect(ledger(fixture).map((row) => row.status)).toEqual(statuses);
      // Deferred ones are tried again by the second run; failed and sent ones are not.
      expect(server.messages.map((m) => m.to[0])).toEqual(statuses[0] === 'sent' ? expected.slice(0, 1) : []);
    },
    60_000,
  );

  it('two refusals of the sender taking turns abort the run, nobody failed', async () => {
    fixture = await sendFixture(60, { concurrency: 1 });
    let refusals = 0;
    const server = await serve({
      command: (line) =>
        RCPT.test(line)
          ? refusals++ % 2 === 0
            ? '550 relay not permitted\r\n'
            : '550 Sender address rejected: not owned by user\r\n'
          : undefined,
    });
    const { code, report } = await send(fixture, server.url());
    expect(code).toBe(3);
    expect(report.aborted).toContain('messages in a row refused, none accepted between');
    expect(report.total.failed).toBe(0);
    expect(report.total.pending).toBeGreaterThan(0);
    expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
  }, 60_000);
});

describe('a send interrupted while a server refuses every reader', () => {
  // An interrupted run cannot tell a refusal of everyone from a few dead readers: it failed them.
  it('the refusals held when it stops are deferred, nobody failed', async () => {
    fixture = await sendFixture(60, { concurrency: 1 });
    const stop = new AbortController();
    let refusals = 0;
    const server = await serve({
      command: (line) => {
        if (!RCPT.test(line)) return undefined;
        if (++refusals === 3) stop.abort();
        return '550 relay not permitted\r\n';
      },
    });
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
      cwd: fixture.dir,
      env: sendEnv(server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: stop.signal,
    });
    expect(code).toBe(130);
    expect(refusals).toBeGreaterThanOrEqual(3);
    expect(refusals).toBeLessThan(5);
    expect(ledger(fixture).filter((row) => row.status === 'failed')).toEqual([]);
  }, 30_000);
});
