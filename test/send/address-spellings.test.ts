import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { formatProblem, RolecastError } from '../../src/errors.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { listSuppressions, startUnsubscribeServer, stateSuppressionList } from '../../src/serve/index.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { runCli } from '../helpers/cli.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

const SECRET = sendEnv().ROLECAST_SECRET!;

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

const reader = (email: string): GeneratedSubscriber => ({ email, name: 'Reader', roles: ['CTO'], status: 'active' });

async function setup(emails: string[]): Promise<SendFixture> {
  opened.fixture = await sendFixture(0, {}, emails.map(reader));
  opened.server = await startSmtpServer();
  return opened.fixture;
}

function send(f: SendFixture) {
  return sendIssue({
    issueDir: f.issueDir,
    subscribersFile: f.subscribersFile,
    cwd: f.dir,
    env: sendEnv(opened.server!.url()),
  });
}

async function writeList(f: SendFixture, emails: string[]): Promise<void> {
  await writeFile(f.subscribersFile, JSON.stringify({ subscribers: emails.map(reader) }, null, 2));
}

/** Every RCPT the server accepted, as the server decoded it, lower-cased for comparison. */
async function recipients(): Promise<string[]> {
  return (await opened.server!.messages()).flatMap((m) => m.envelope.to.map((to) => to.toLowerCase())).sort();
}

async function statePath(f: SendFixture): Promise<string> {
  return join((await loadConfig({ cwd: f.dir })).stateDirAbs, 'state.db');
}

describe('a suppressed mailbox is never reached through another spelling', () => {
  it('suppressed with `rolecast suppress add` as Unicode, listed as punycode and in other case: skipped', async () => {
    const f = await setup(['ann@xn--bcher-kva.de', 'ANN@bücher.de ', 'bob@example.com']);
    const added = await runCli(['suppress', 'add', 'Ann@BÜCHER.de'], { cwd: f.dir });
    expect(added.code, added.stderr).toBe(0);

    const report = await send(f);
    expect(await recipients()).toEqual(['bob@example.com']);
    expect(report.total.sent).toBe(1);
    expect(report.total.skipped.suppressed).toBe(1);
  });

  it('unsubscribed by one-click with one spelling, listed with another: skipped', async () => {
    const f = await setup(['Carol@Bücher.de', 'dan@EXAMPLE.COM', 'bob@example.com']);
    const config = await loadConfig({ cwd: f.dir });
    const db = openStateDb(await statePath(f));
    const endpoint = await startUnsubscribeServer({
      config,
      secret: SECRET,
      suppressions: stateSuppressionList(db),
      port: 0,
    });
    try {
      for (const spelling of ['carol@xn--bcher-kva.de', 'Dan@Example.com']) {
        const link = new URL(personalLinks(config, SECRET, '2026-W48', spelling).unsubscribeUrl);
        const response = await fetch(`${new URL(endpoint.url).origin}${link.pathname}${link.search}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        expect(response.status).toBe(200);
      }
      expect(
        listSuppressions(db)
          .map((s) => s.email)
          .sort(),
      ).toEqual(['carol@xn--bcher-kva.de', 'dan@example.com']);
    } finally {
      await endpoint.close();
      db.close();
    }

    const report = await send(f);
    expect(await recipients()).toEqual(['bob@example.com']);
    expect(report.total.skipped.suppressed).toBe(2);
  });

  it('a tagged address is a mailbox of its own: suppressing Ann+News@ leaves ann@ and ann+other@ mailed', async () => {
    const f = await setup(['ann@example.com', 'ann+news@example.com', 'ann+other@example.com']);
    const added = await runCli(['suppress', 'add', 'Ann+News@Example.com'], { cwd: f.dir });
    expect(added.code, added.stderr).toBe(0);

    const report = await send(f);
    expect(await recipients()).toEqual(['ann+other@example.com', 'ann@example.com']);
    expect(report.total.skipped.suppressed).toBe(1);
  });

  it('a test message to a suppressed mailbox in another spelling is refused, nothing sent', async () => {
    const f = await setup(['bob@example.com']);
    const added = await runCli(['suppress', 'add', 'ann@xn--bcher-kva.de'], { cwd: f.dir });
    expect(added.code, added.stderr).toBe(0);

    const refused = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: sendEnv(opened.server!.url()),
      test: { to: 'ANN@Bücher.DE' },
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RolecastError);
    expect((refused as RolecastError).exitCode).toBe(2);
    expect((refused as RolecastError).message).toMatch(/is on the suppression list: no message is sent to it/);
    expect(opened.server!.counts.rcpt).toBe(0);
  });
});

describe('one mailbox gets one copy of an issue however its address is written', () => {
  it('across runs: the list edited to other spellings sends nothing new', async () => {
    const f = await setup(['Ann@Example.com', 'erin@bücher.de', 'üser@example.com']);
    const first = await send(f);
    expect(first.total.sent).toBe(3);

    await writeList(f, ['ann@EXAMPLE.com', ' ERIN@xn--bcher-kva.de', 'ÜSER@EXAMPLE.COM']);
    const second = await send(f);
    expect(second.total.sent).toBe(0);
    expect(second.total.skipped.alreadySent).toBe(3);
    expect(opened.server!.counts.accepted).toBe(3);
  });

  it('mail still goes to the address as written, with the domain in ASCII', async () => {
    const f = await setup(['Ann.Lee@Bücher.de']);
    await send(f);
    const [message] = await opened.server!.messages();
    expect(message?.raw).toMatch(/^To: (.*<)?Ann\.Lee@xn--bcher-kva\.de>?\r?$/m);
    expect(f.subscribers[0]?.email).toBe('Ann.Lee@Bücher.de');
  });
});

describe('an address with a control character is refused before anything is sent', () => {
  it.each([
    // nodemailer splits the envelope address at U+0085 and would deliver to "bob@example.com";
    // it drops C0 controls and would deliver "ann\u0007@…" to "ann@…".
    ['a NEL that would misdirect the message', 'carol\u0085bob@example.com', 'U+0085'],
    ['a C0 control the mail library would strip', 'ann\u0007@example.com', 'U+0007'],
    ['a bidi override', 'ann\u202e@example.com', 'U+202E'],
  ])('%s', async (_name, bad, codePoint) => {
    const f = await setup(['bob@example.com', 'ann@example.com', bad]);
    const error = await send(f).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolecastError);
    expect((error as RolecastError).exitCode).toBe(2);
    const lines = (error as RolecastError).problems.map(formatProblem);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /subscribers\.json:\d+: subscribers\[2\]\.email: contains the invisible or control character/,
    );
    expect(lines[0]).toContain(`${codePoint} at position`);
    expect(lines[0]).toContain(' — retype the address');
    expect(opened.server!.counts.rcpt).toBe(0);
  });
});

describe('a state file from before canonical addresses', () => {
  const LIST = ['ann@xn--bcher-kva.de', 'bob@xn--bcher-kva.de', 'cy@xn--bcher-kva.de', 'dee@example.com'];

  /** Keys as the old code wrote them: trimmed and lower-cased, Unicode domains left Unicode. */
  async function writeOldState(f: SendFixture): Promise<string> {
    const file = await statePath(f);
    const old = openStateDb(file);
    const at = '2026-11-20T10:00:00.000Z';
    old
      .prepare('INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?)')
      .run('ann@bücher.de', 'complaint', 'import', at);
    const delivery = old.prepare(
      `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, attempts, updated_at)
       VALUES ('2026-W48', 'smtp', ?, 'v', ?, '<m@x>', 1, ?)`,
    );
    // Two old rows for one mailbox: "sent" must win over a later "deferred".
    delivery.run('bob@bücher.de', 'sent', at);
    delivery.run('bob@xn--bcher-kva.de', 'deferred', '2026-11-21T10:00:00.000Z');
    delivery.run('cy@bücher.de', 'sent', at);
    old.pragma('user_version = 0');
    old.close();
    return file;
  }

  it('read without migrating (a dry run opens it read-only): old keys still match', async () => {
    const f = await setup(LIST);
    await writeOldState(f);
    const report = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: sendEnv(opened.server!.url()),
      dryRun: true,
    });
    expect(report.total.planned).toBe(1);
    // Suppressed for a complaint, under its old key: counted as complained.
    expect(report.total.skipped.complained).toBe(1);
    expect(report.total.skipped.alreadySent).toBe(2);
  });

  it('is migrated once, keeping every suppression and every "sent"', async () => {
    const f = await setup(LIST);
    const file = await writeOldState(f);

    const report = await send(f);
    expect(await recipients()).toEqual(['dee@example.com']);
    expect(report.total.skipped.complained).toBe(1);
    expect(report.total.skipped.alreadySent).toBe(2);

    const db = openStateDb(file);
    try {
      // Address keys are version 1; later migrations may have moved it further.
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
      expect(db.prepare('SELECT email, reason FROM suppressions').all()).toEqual([
        { email: 'ann@xn--bcher-kva.de', reason: 'complaint' },
      ]);
      expect(
        db.prepare("SELECT email, status FROM deliveries WHERE issue_id = '2026-W48' ORDER BY email").all(),
      ).toEqual([
        { email: 'bob@xn--bcher-kva.de', status: 'sent' },
        { email: 'cy@xn--bcher-kva.de', status: 'sent' },
        { email: 'dee@example.com', status: 'sent' },
      ]);
    } finally {
      db.close();
    }
  });
});
