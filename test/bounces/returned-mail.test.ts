import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyFailure, importBounces, sqliteBounceStore } from '../../src/bounces/index.js';
import { returnPathFor } from '../../src/bounces/verp.js';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { sentEntry } from '../helpers/ledger.js';

/** Reports as mailbox providers write them, beyond the fixtures: what each must do to the suppression list. */

const NOW = new Date('2026-12-01T12:00:00Z');
const LIST = 'weekly.rolecast.example';
const SECRET = 'bounce-secret-0123456789abcdef';
const DOMAIN = 'bounces.rolecast.example';
const verp = { source: 'import:test', softLimit: 3, now: NOW, secret: SECRET, verpDomain: DOMAIN, listId: LIST };
let dir: string;
let db: StateDb;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-returned-'));
  db = openStateDb(join(dir, 'state.db'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function deliver(issueId: string, email: string, at: string) {
  openLedger(db, issueId, 'smtp', () => new Date(at)).record(sentEntry(email, { variantId: 'v1', response: '250 ok' }));
}

async function importOne(name: string, text: string, options: Parameters<typeof importBounces>[2] = verp) {
  const file = join(dir, name);
  await writeFile(file, text);
  return importBounces(file, sqliteBounceStore(db), options);
}

describe('complaints whose original message is redacted or left out', () => {
  it("are tied to the reader by the feedback report's Original-Mail-From, the VERP address", async () => {
    const reader = 'annoyed.reader@yahoo.com';
    deliver('2026-W48', reader, '2026-11-30T07:00:00Z');
    const returnPath = returnPathFor({ listId: LIST, bounces: { domain: DOMAIN } }, SECRET, '2026-W48', reader)!;
    const report = [
      'From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>',
      'To: fbl@rolecast.example',
      'Subject: FW: Your week',
      'Message-ID: <arf-redacted-1@arf.mail.yahoo.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report for an email message received from IP 192.0.2.1.',
      '',
      '--b1',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: Yahoo!-Mail-Feedback/2.0',
      'Version: 0.1',
      `Original-Mail-From: <${returnPath}>`,
      'Original-Rcpt-To: [redacted]@yahoo.com',
      'Received-Date: Mon, 30 Nov 2026 08:00:00 +0000',
      '',
      '--b1--',
      '',
    ].join('\r\n');
    const summary = await importOne('arf.eml', report);
    expect(summary.decisions).toEqual([
      expect.objectContaining({ outcome: 'suppressed', kind: 'complaint', email: reader, issueId: '2026-W48' }),
    ]);
    // A forged one naming a token that does not verify suppresses nobody.
    const forged = report
      .replace(returnPath, `bounces+${'a'.repeat(24)}@${DOMAIN}`)
      .replace('arf-redacted-1', 'arf-redacted-2');
    expect((await importOne('forged.eml', forged)).decisions).toEqual([
      expect.objectContaining({ outcome: 'unmatched' }),
    ]);
  });
});

describe('unsubscribe requests by mail', () => {
  const MX = 'mx.rolecast.example';
  const request = (from: string, subject: string) =>
    [
      `Authentication-Results: ${MX}; dkim=pass header.d=yandex.ru; spf=pass smtp.mailfrom=yandex.ru; dmarc=pass header.from=yandex.ru`,
      `From: ${from}`,
      'To: news@rolecast.example',
      `Subject: ${subject}`,
      `Message-ID: <${subject.length}.${from.length}@yandex.ru>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'unsubscribe',
      '',
    ].join('\r\n');
  const options = { source: 'import:test', softLimit: 3, now: NOW, listId: LIST, authServId: MX };

  it.each([
    [
      'base64, as Yandex and Mail.ru write every subject',
      `=?utf-8?B?${Buffer.from(`unsubscribe ${LIST}`).toString('base64')}?=`,
    ],
    ['quoted-printable, split into two words', '=?us-ascii?Q?unsubscribe?= =?us-ascii?Q?_weekly.rolecast.example?='],
  ])('are read when the subject is encoded (%s)', async (_, subject) => {
    const summary = await importOne(
      'request.eml',
      request('=?utf-8?B?0JDQvdC90LA=?= <Anna.Petrova@yandex.ru>', subject),
      options,
    );
    expect(summary.unsubscribed).toEqual([
      expect.objectContaining({ email: 'anna.petrova@yandex.ru', outcome: 'suppressed' }),
    ]);
  });

  it('never reads a result out of a quoted envelope address the sender chose, and still reads a quoted value', async () => {
    const forged = (results: string) =>
      [`Authentication-Results: ${MX}; ${results}`, 'From: victim@gmail.example', 'Subject: unsubscribe', '', ''].join(
        '\r\n',
      );
    const evil = '"x;dmarc=pass header.from=gmail.example;"@attacker.example';
    const summary = await importOne(
      'forged.eml',
      forged(
        `spf=pass (domain of ${evil} designates 192.0.2.1 as permitted sender) smtp.mailfrom=${evil}; dkim=none; dmarc=fail (p=none) header.from=gmail.example`,
      ),
      options,
    );
    expect(summary.unsubscribed).toEqual([]);
    expect(summary.ignored[0]!.reason).toMatch(/from victim@gmail\.example whose sender .* did not verify/);
    const quoted = await importOne('quoted.eml', forged('dmarc=pass header.from="gmail.example"'), options);
    expect(quoted.unsubscribed).toEqual([expect.objectContaining({ email: 'victim@gmail.example' })]);
  });

  it('reads a From in UTF-8 (RFC 6532) as the reader it names, its domain matched in punycode', async () => {
    const raw = Buffer.from(
      [
        `Authentication-Results: ${MX}; dmarc=pass header.from=xn--bcher-kva.de`,
        'From: Jürgen <jürgen@bücher.de>',
        `Subject: unsubscribe ${LIST}`,
        '',
        '',
      ].join('\r\n'),
      'utf8',
    );
    const file = join(dir, 'utf8.eml');
    await writeFile(file, raw);
    const store = sqliteBounceStore(db);
    const summary = await importBounces(file, store, options);
    expect(summary.unsubscribed).toEqual([
      expect.objectContaining({ email: 'jürgen@xn--bcher-kva.de', outcome: 'suppressed' }),
    ]);
    expect(await store.isSuppressed('Jürgen@Bücher.de')).toBe(true);
  });

  it('an encoded subject naming another list is still skipped and named', async () => {
    const subject = `=?utf-8?B?${Buffer.from('unsubscribe monthly.other.example').toString('base64')}?=`;
    const summary = await importOne('other.eml', request('anna.petrova@yandex.ru', subject), options);
    expect(summary.unsubscribed).toEqual([]);
    expect(summary.ignored[0]!.reason).toMatch(/another list \(monthly\.other\.example\)/);
  });
});

describe('mailbox files', () => {
  const report = (n: number, address: string) =>
    [
      'From: MAILER-DAEMON@mx.example.net',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${n}@mx.example.net>`,
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      `Final-Recipient: rfc822;${address}`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <${address}>: User unknown`,
      '',
      '--r--',
    ].join('\n');
  const mbox = [
    'From MAILER-DAEMON Mon Nov 30 09:12:45 2026',
    report(1, 'first@example.net'),
    'From MAILER-DAEMON Mon Nov 30 09:20:11 2026',
    report(2, 'second@example.net'),
  ].join('\n');

  it('a folder holding a link back up to itself is read once, not until the path is too long', async () => {
    const folder = join(dir, 'returned');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await writeFile(join(folder, 'sub', 'one.eml'), report(1, 'first@example.net'));
    await symlink('..', join(folder, 'sub', 'up'));
    const summary = await importBounces(folder, sqliteBounceStore(db), {
      source: 'import:test',
      softLimit: 3,
      now: NOW,
    });
    expect(summary.messages).toBe(1);
    expect(summary.decisions).toEqual([expect.objectContaining({ email: 'first@example.net', outcome: 'suppressed' })]);
  });

  it.each([
    ['a blank line', `\n${mbox}\n`],
    ['a byte order mark', `\ufeff${mbox}\n`],
    ['CRLF line ends, no newline at the end', `\r\n${mbox.replaceAll('\n', '\r\n')}`],
  ])('an mbox starting with %s gives every report in it, not the first alone', async (_, text) => {
    const summary = await importOne('bounces.mbox', text, { source: 'import:test', softLimit: 3, now: NOW });
    expect(summary.messages).toBe(2);
    expect(summary.decisions.map((d) => ('email' in d ? `${d.email} ${d.outcome}` : d.outcome))).toEqual([
      'first@example.net suppressed',
      'second@example.net suppressed',
    ]);
  });
});

describe("a company's block of our sender", () => {
  it('Exchange\'s "550 5.1.0 Sender denied" is soft: counted, nobody suppressed after one issue', async () => {
    const group = (address: string) => [
      `Final-Recipient: rfc822;${address}`,
      'Action: failed',
      'Status: 5.1.0',
      'Remote-MTA: dns;mail.contoso.example',
      `Diagnostic-Code: smtp;550 5.1.0 Sender denied as sender's email address is on SenderFilterConfig list`,
      '',
    ];
    const report = [
      'From: postmaster@contoso.example',
      'To: digest@rolecast.example',
      'Subject: Undeliverable: Your week',
      'Message-ID: <ndr-sender-denied@contoso.example>',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="ndr"',
      '',
      '--ndr',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns;mail.contoso.example',
      '',
      ...group('ana@contoso.example'),
      ...group('ben@contoso.example'),
      '--ndr',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Weekly <digest@rolecast.example>',
      '',
      '--ndr--',
      '',
    ].join('\r\n');
    const summary = await importOne('ndr.eml', report, { source: 'import:test', softLimit: 3, now: NOW });
    expect(summary.decisions.map((d) => ('email' in d ? `${d.email} ${d.kind} ${d.outcome}` : d.outcome))).toEqual([
      'ana@contoso.example soft counted',
      'ben@contoso.example soft counted',
    ]);
  });
});

describe('delivery reports without an Action', () => {
  const report = (status: string) =>
    [
      'From: MAILER-DAEMON@mx.example.net',
      'Subject: Delivery Status Notification',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      'Final-Recipient: rfc822; ed@example.com',
      `Status: ${status}`,
      `Diagnostic-Code: smtp; ${status === '4.4.1' ? '421 4.4.1 try again later' : '550 5.1.1 user unknown'}`,
      '',
      '--r--',
      '',
    ].join('\r\n');

  it('a temporary status is a delay, not a soft bounce; a permanent one still fails', async () => {
    const delay = await importOne('delay.eml', report('4.4.1'), { source: 'import:test', softLimit: 3, now: NOW });
    expect(delay.decisions).toEqual([]);
    expect(delay.ignored[0]!.reason).toMatch(/no failed recipient/);
    const failed = await importOne('failed.eml', report('5.1.1'), { source: 'import:test', softLimit: 3, now: NOW });
    expect(failed.decisions).toEqual([expect.objectContaining({ email: 'ed@example.com', kind: 'hard' })]);
  });
});

describe('words that say a mailbox does not exist', () => {
  it.each([
    ['5.0.0', '554 delivery error: dd Not a valid recipient - atlas117.free.mail.bf1.yahoo.com'],
    ['5.0.0', '550 sorry, no mailbox here by that name (chkuser)'],
  ])('%s %s is hard', (status, words) => {
    expect(classifyFailure(status, words)).toBe('hard');
  });
});
