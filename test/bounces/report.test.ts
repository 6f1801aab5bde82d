import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyFailure, findStatus, readReport } from '../../src/bounces/index.js';
import { REPO_ROOT } from '../helpers/project.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test/bounces/fixtures', name));
const read = (name: string) => readReport(fixture(name), `import:${name}`, NOW);

describe('reading delivery reports (RFC 3464 and common shapes)', () => {
  it.each([
    // file, address, kind, status, words the diagnostic keeps, original Message-ID quoted
    [
      'postfix-hard.eml',
      'gone.reader@example.org',
      'hard',
      '5.1.1',
      'User unknown',
      '<2026-W48.postfixfixture000000000@rolecast.example>',
    ],
    ['postfix-soft.eml', 'full.box@example.net', 'soft', '4.2.2', 'Mailbox full', undefined],
    [
      'exchange-online.eml',
      'left.company@contoso.example',
      'hard',
      '5.1.10',
      'RecipientNotFound',
      '<2026-W48.exchangefixture00000000@rolecast.example>',
    ],
    ['exchange-legacy.eml', 'old.reader@fabrikam.example', 'hard', '5.1.1', 'RecipNotFound', undefined],
    [
      'gmail-hard.eml',
      'no.such.user.zz@gmail.com',
      'hard',
      '5.1.1',
      'does not exist',
      '<2026-W48.gmailfixture0000000000@rolecast.example>',
    ],
    [
      'yahoo-failure-notice.eml',
      'closed.account@yahoo.com',
      'hard',
      '5.0.0',
      "doesn't have a yahoo.com account",
      '<2026-W48.yahoofixture00000000000@rolecast.example>',
    ],
  ] as const)('%s: one %s bounce with its status and diagnostic', (name, address, kind, status, words, messageId) => {
    const { events, ignored } = read(name);
    expect(ignored).toBeUndefined();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ address, kind, status, source: `import:${name}` });
    expect(event!.diagnostic).toContain(words);
    if (messageId) expect(event!.hints.messageIds).toContain(messageId);
  });

  it('reads a Yahoo ARF complaint (RFC 5965) with the recipient and arrival date', () => {
    const { events } = read('yahoo-arf.eml');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'complaint', address: 'annoyed.reader@yahoo.com', status: undefined });
    expect(events[0]!.at.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(events[0]!.hints.messageIds).toEqual(['<2026-W48.arffixture0000000000000@rolecast.example>']);
  });

  it('gives no event for a delay notice or an ordinary message', () => {
    expect(read('gmail-delay.eml')).toMatchObject({
      events: [],
      ignored: expect.stringContaining('no failed recipient'),
    });
    const reply = 'From: someone@example.com\nSubject: Re: Your week\n\nThanks, great issue!\n';
    expect(readReport(reply, 'import:x', NOW)).toMatchObject({
      events: [],
      ignored: expect.stringContaining('not a delivery report'),
    });
  });

  it('takes the original Message-ID from In-Reply-To when no headers are quoted', () => {
    const text = fixture('gmail-hard.eml').toString('latin1');
    const withoutQuote = text.slice(0, text.indexOf('--000000000000gmailb\nContent-Type: text/rfc822-headers'));
    const [event] = readReport(`${withoutQuote}--000000000000gmailb--\n`, 'import:x', NOW).events;
    expect(event!.hints.messageIds).toContain('<2026-W48.gmailfixture0000000000@rolecast.example>');
  });

  it('ignores a feedback report that is not a complaint (not-spam)', () => {
    const text = fixture('yahoo-arf.eml').toString('latin1').replace('Feedback-Type: abuse', 'Feedback-Type: not-spam');
    expect(readReport(text, 'import:x', NOW).events).toEqual([]);
  });

  it('gives the same event id for the same report read from two places, and another for another report', () => {
    const a = readReport(fixture('postfix-hard.eml'), 'import:a/one.eml', NOW).events[0]!;
    const b = readReport(fixture('postfix-hard.eml'), 'import:b/copy.eml', NOW).events[0]!;
    const c = read('gmail-hard.eml').events[0]!;
    expect(a.eventId).toBe(b.eventId);
    expect(a.eventId).not.toBe(c.eventId);
  });

  it('decodes base64 and quoted-printable report parts', () => {
    const status =
      'Final-Recipient: rfc822; qp.reader@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown =\n';
    const raw = [
      'From: MAILER-DAEMON@example.com',
      'Subject: Undelivered Mail',
      'Content-Type: multipart/report; report-type=delivery-status; boundary=x',
      '',
      '--x',
      'Content-Type: message/delivery-status',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(`Reporting-MTA: dns; example.com\n\n${status}`).toString('base64'),
      '--x--',
      '',
    ].join('\r\n');
    expect(readReport(raw, 'import:x', NOW).events[0]).toMatchObject({
      address: 'qp.reader@example.com',
      kind: 'hard',
    });
  });
});

describe('plain-text notices that delivery is still being tried', () => {
  const plain = (from: string, subject: string, body: string[]) =>
    [`From: ${from}`, 'To: bounces+abc@bounces.example.org', `Subject: ${subject}`, '', ...body, ''].join('\r\n');

  it.each([
    [
      'Exim, whose last attempt was a temporary "user unknown"',
      plain('Mail Delivery System <Mailer-Daemon@mx.example.net>', 'Warning: message 1vQ-000A-7Z delayed 24 hours', [
        'A message that you sent has not yet been delivered to one or more of its',
        'recipients after more than 24 hours on the queue on mx.example.net.',
        '',
        '  ana.ruiz@example.com',
        '    Delay reason: SMTP error from remote mail server after RCPT TO:<ana.ruiz@example.com>:',
        '    450 4.1.1 <ana.ruiz@example.com>: Recipient address rejected: User unknown in local recipient table',
        '',
        'No action is required on your part.',
      ]),
    ],
    [
      'Exchange',
      plain('postmaster@exchange.example.com', 'Delivery Status Notification (Delay)', [
        'THIS IS A WARNING MESSAGE ONLY.',
        '',
        'Delivery to the following recipients has been delayed.',
        '',
        '       ana.ruiz@example.com',
        "       Remote Server returned '400 4.4.7 Message delayed'",
      ]),
    ],
    [
      'a notice whose subject says nothing, only its text',
      plain('MAILER-DAEMON@mx.example.net', 'Undelivered Mail', [
        'Your message to <ana.ruiz@example.com> has not yet been delivered.',
        'The mailbox does not exist on the queue host yet; we will continue to try to deliver it for 4 days.',
      ]),
    ],
  ])('%s: no event', (_, raw) => {
    const read = readReport(raw, 'import:x', NOW);
    expect(read.events).toEqual([]);
    expect(read.ignored).toContain('delay notice');
  });

  it("reads Exim's plain-text failure report, and the original it copies", () => {
    const raw = plain(
      'Mail Delivery System <Mailer-Daemon@mx.example.net>',
      'Mail delivery failed: returning message to sender',
      [
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  ana.ruiz@example.com',
        '    host mx.remote.example [192.0.2.20]',
        '    SMTP error from remote mail server after RCPT TO:<ana.ruiz@example.com>:',
        '    550 5.1.1 <ana.ruiz@example.com>: Recipient address rejected: User unknown',
        '  li.wei@example.org',
        '    452 4.2.2 Mailbox full',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        '',
        'Return-Path: <bounces+abc@bounces.example.org>',
        'From: Weekly <digest@example.org>',
        'Reply-To: editors@example.org',
        'Message-ID: <2026-W48.original@example.org>',
        '',
        'Hi Ana,',
      ],
    );
    const read = readReport(raw, 'import:x', NOW);
    expect(read.events.map((e) => [e.address, e.kind, e.status])).toEqual([
      ['ana.ruiz@example.com', 'hard', '5.1.1'],
      ['li.wei@example.org', 'soft', '4.2.2'],
    ]);
    expect(read.events[0]!.hints.messageIds).toContain('<2026-W48.original@example.org>');
  });

  it('a plain-text report that delivery failed for good is still a bounce', () => {
    const raw = plain('MAILER-DAEMON@mx.example.net', 'Undelivered Mail Returned to Sender', [
      'Delivery has been delayed for 5 days and the mail system gave up.',
      "ana.ruiz@example.com Remote Server returned '550 5.1.1 User unknown'",
    ]);
    expect(readReport(raw, 'import:x', NOW).events).toEqual([
      expect.objectContaining({ address: 'ana.ruiz@example.com', kind: 'hard', status: '5.1.1' }),
    ]);
  });
});

describe('hard or soft', () => {
  it.each([
    ['5.1.1', 'whatever', 'hard'],
    // About the sender or the message, not the address: soft, unless the words say the mailbox is unknown.
    ['5.7.1', 'blocked by policy', 'soft'],
    ['5.7.26', "550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy", 'soft'],
    ['5.7.1', '550 5.7.1 part of their network is on our block list (S3150)', 'soft'],
    ['5.2.2', "552-5.2.2 The recipient's inbox is out of storage space", 'soft'],
    ['5.3.4', '552 5.3.4 Message size exceeds fixed limit', 'soft'],
    ['5.7.1', '550 5.7.1 Recipient address rejected: User unknown', 'hard'],
    ['5.2.1', '550 5.2.1 The email account that you tried to reach is disabled', 'hard'],
    ['5.1.10', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found', 'hard'],
    ['5.4.1', '550 5.4.1 Recipient address rejected: Access denied', 'hard'],
    ['4.2.2', 'mailbox full', 'soft'],
    ['4.0.0', '450 4.0.0 <x@y>: Recipient address rejected: User unknown', 'hard'],
    [undefined, 'The mailbox does not exist', 'hard'],
    [undefined, 'connection timed out', 'soft'],
    // Only a basic reply code (5.0.0), or a status about the system, routing or protocol: soft
    // unless the words say the mailbox is unknown.
    ['5.0.0', '554 Service unavailable; Client host [192.0.2.1] blocked using b.barracudacentral.org', 'soft'],
    ['5.0.0', '554 Message not allowed - [PH01] Email not accepted for policy reasons', 'soft'],
    ['5.0.0', '552 Message size exceeds fixed maximum message size', 'soft'],
    ['5.4.7', 'Host not found, try again', 'soft'],
    ['5.3.2', '550 5.3.2 Service currently unavailable', 'soft'],
    ['5.5.0', '550 5.5.0 Requested action not taken', 'soft'],
    ['5.0.0', '550 No such user here', 'hard'],
    ['5.1.2', '550 5.1.2 Host unknown (Name server: example.invalid: host not found)', 'hard'],
    ['5.4.4', '550 5.4.4 Unable to route: no mail hosts for domain', 'hard'],
    // Dead mailboxes in a permanent refusal's words, whatever its status says.
    ['5.5.0', '550 5.5.0 Requested action not taken: mailbox unavailable', 'hard'],
    ['5.0.0', '550 Requested action not taken: mailbox unavailable', 'hard'],
    ['5.0.0', '550 Unrouteable address', 'hard'],
    ['5.3.0', '553 5.3.0 <x@example.com>... Addressee unknown', 'hard'],
    ['5.4.1', '550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', 'hard'],
    // The same words in a temporary or policy refusal, or about our own sender: soft.
    ['4.2.0', '450 4.2.0 <x@example.com>: mailbox unavailable (greylisted)', 'soft'],
    ['4.7.1', '450 4.7.1 <x@example.com>: Recipient address rejected: Access denied', 'soft'],
    ['5.7.1', '554 5.7.1 <x@example.com>: Recipient address rejected: Access denied', 'soft'],
    [
      '5.1.0',
      '550 5.1.0 <news@rolecast.example>: Sender address rejected: User unknown in local recipient table',
      'soft',
    ],
    // Our own envelope sender's domain (the VERP domain) not resolving, in Sendmail's and Exim's
    // words: soft, or one DNS mistake would suppress every reader on such servers for good.
    [
      '5.1.8',
      '553 5.1.8 <bounces+abc@bounces.rolecast.example>... Domain of sender address bounces+abc@bounces.rolecast.example does not exist',
      'soft',
    ],
    ['4.1.8', '451 4.1.8 Domain of sender address bounces+abc@bounces.rolecast.example does not exist', 'soft'],
    ['5.0.0', '553 Domain of sender address bounces+abc@bounces.rolecast.example does not exist', 'soft'],
    ['5.1.7', '550 5.1.7 Sender mailbox does not exist', 'soft'],
    ['5.0.0', '550 Sender verify failed: mailbox does not exist', 'soft'],
  ] as const)('%s %s → %s', (status, text, kind) => {
    expect(classifyFailure(status, text)).toBe(kind);
  });

  it('finds an enhanced status code, else the class of a basic reply code', () => {
    expect(findStatus('550-5.1.1 The email account')).toBe('5.1.1');
    expect(findStatus('554: delivery error: dd This user')).toBe('5.0.0');
    expect(findStatus('421 try later')).toBe('4.0.0');
    expect(findStatus('no code here')).toBeUndefined();
    // A server's IP address is not a status code.
    expect(findStatus('5.9.12.34 failed after I sent the message. Remote host said: 452 4.2.2 Mailbox full')).toBe(
      '4.2.2',
    );
    expect(findStatus('Remote host 2.4.5.1 said: 550 5.1.1 unknown')).toBe('5.1.1');
    expect(findStatus('status 5.1.1.')).toBe('5.1.1');
  });
});

describe('hostile reports', () => {
  it('reads megabyte-long lines of address-like noise in linear time (no regex backtracking)', () => {
    const noise = `${'a@'.repeat(250_000)} ${'x'.repeat(300_000)}@ ${' '.repeat(200_000)}(`;
    const raw = [
      'From: MAILER-DAEMON@example.com',
      'Subject: Failure Notice',
      `Date: ${' '.repeat(100_000)}x`,
      `To: ${noise}`,
      '',
      `<${'a@'.repeat(100_000)}>:`,
      noise,
      `${noise} Remote Server returned '550 5.1.1 ${noise}`,
      `The mailbox does not exist ${"doesn't have a ".repeat(50_000)}`,
    ].join('\n');
    const started = performance.now();
    const result = readReport(raw, 'import:x', NOW);
    // A generous bound: quadratic backtracking over these lines would take minutes.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.events.every((e) => e.address === undefined || e.address.length <= 320)).toBe(true);
  });
});

describe('auto-replies that look like bounces', () => {
  const reply = (headers: string, body: string) =>
    readReport(
      `From: Postmaster <postmaster@corp.example>\r\nTo: bounces@rolecast.example\r\nDate: Tue, 01 Dec 2026 09:00:00 +0000\r\n${headers}\r\n\r\n${body}\r\n`,
      'import:ooo',
      NOW,
    );
  const words =
    'Jane has left the company. The mailbox jane.doe@corp.example does not exist any more after Friday;\r\nplease write to office@corp.example.';

  it.each([
    ['Subject: Automatic reply: Your weekly digest', words],
    ['Subject: Out of Office: Your weekly digest', words],
    ['Subject: Your weekly digest\r\nX-Autoreply: yes', words],
    ['Subject: Your weekly digest\r\nPrecedence: auto_reply', words],
    ['Subject: Abwesenheitsnotiz: Your weekly digest', words],
  ])('%s is no bounce, even from a postmaster saying a mailbox does not exist', (headers, body) => {
    const result = reply(headers, body.replace('office@corp.example', 'the office'));
    expect(result.events).toEqual([]);
    expect(result.ignored).toMatch(/auto-reply/);
  });
});
