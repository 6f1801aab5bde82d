import { describe, expect, it } from 'vitest';
import { applyEvents, readReport, sqliteBounceStore } from '../../src/bounces/index.js';
import { messageIdFor } from '../../src/message-id.js';
import { openLedger } from '../../src/send/ledger.js';
import { type HtmlQuote, LIST_MAIL, office365Html } from '../helpers/bounces.js';
import { sentEntry } from '../helpers/ledger.js';
import { useStateDb } from '../helpers/state-db.js';

/**
 * Sendmail's, Gmail's older and Exchange 2007/2010's plain-text bounces quote the returned message
 * below a marker of their own ("----- Original message follows -----", "----- Original message -----",
 * "Original message headers:"). Without VERP, what that copy says (its From, its Message-ID) tells a
 * bounce of this list's mail from one of another sender's sharing the mailbox, and names the reader
 * when the address that failed is one their mail was forwarded to.
 */

const { listId: LIST, sender: SENDER, issue: ISSUE, reader: READER, now: NOW } = LIST_MAIL;
const ours = { listId: LIST, sender: { email: SENDER } };

const state = useStateDb('text-report-quoted-original');

const OTHER = ['From: Billing <invoices@billing.example>', 'Message-ID: <inv-42@billing.example>', `To: ${READER}`];
/** The line a quoted copy of the original's headers opens with. */
const RECEIVED =
  'Received: from mail.sender.example (192.0.2.10) by mx.contoso.example; Mon, 30 Nov 2026 08:14:01 +0000';
const OURS = () => [`From: Digest <${SENDER}>`, `Message-ID: ${messageIdFor(ours, ISSUE, READER)}`, `To: ${READER}`];

const message = (from: string, subject: string, body: string[], type = 'text/plain; charset=us-ascii') =>
  [
    `From: ${from}`,
    'To: bounces@shared.example',
    `Subject: ${subject}`,
    `Message-ID: <${Buffer.from(body.join()).toString('hex').slice(-40)}@mx.shared.example>`,
    `Content-Type: ${type}`,
    '',
    ...body,
    '',
  ].join('\r\n');

const sendmail = (failed: string, copy: string[], extra: string[] = []) =>
  message('Mail Delivery Subsystem <MAILER-DAEMON@mx.shared.example>', 'Returned mail: see transcript for details', [
    '   ----- The following addresses had permanent fatal errors -----',
    `<${failed}>`,
    '    (reason: 550 5.1.1 User unknown)',
    ...extra,
    '',
    '   ----- Transcript of session follows -----',
    `550 5.1.1 <${failed}>... User unknown`,
    '',
    '   ----- Original message follows -----',
    '',
    ...copy,
    'Subject: This week',
    '',
    'Hello',
  ]);

const gmail = (copy: string[]) =>
  message('Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'Delivery Status Notification (Failure)', [
    'Delivery to the following recipient failed permanently:',
    '',
    `     ${READER}`,
    '',
    'Technical details of permanent failure:',
    '550 5.1.1 The email account that you tried to reach does not exist.',
    '',
    '----- Original message -----',
    '',
    ...copy,
    'Subject: This week',
    '',
    'Hello',
  ]);

const exchangeText = (
  copy: string[],
  failed: string = READER,
  reply = '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##',
) => [
  'Delivery has failed to these recipients or groups:',
  '',
  failed,
  '',
  'Diagnostic information for administrators:',
  '',
  'Generating server: mail.contoso.example',
  '',
  failed,
  reply,
  '',
  'Original message headers:',
  '',
  ...copy,
  'Subject: This week',
];

const exchange = (copy: string[]) =>
  message('Microsoft Outlook <postmaster@contoso.example>', 'Undeliverable: This week', exchangeText(copy));

/** Exchange 2007 and 2010 write the same notice as text and as HTML, side by side. */
const exchangeAlternative = (copy: string[], failed: string = READER) =>
  message(
    'Microsoft Outlook <postmaster@contoso.example>',
    'Undeliverable: This week',
    [
      '--alt',
      'Content-Type: text/plain; charset="us-ascii"',
      '',
      ...exchangeText(copy, failed),
      '',
      '--alt',
      'Content-Type: text/html; charset="us-ascii"',
      '',
      '<html><body><p><b>Delivery has failed to these recipients or groups:</b></p>',
      `<p><a href="mailto:${failed}">${failed}</a></p></body></html>`,
      '',
      '--alt--',
    ],
    'multipart/alternative; differences=Content-Type; boundary="alt"',
  );

const office365 = (copy: string[], layout: 'admin' | 'details', failed: string = READER, quote: HtmlQuote = 'pre') =>
  office365Html({
    failed,
    reply: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    copy: [...copy, 'Subject: This week'],
    layout,
    quote,
  });

async function imported(raw: string) {
  openLedger(state.db, ISSUE, 'smtp', () => new Date('2026-11-30T08:00:00Z')).record(
    sentEntry(READER, { messageId: messageIdFor(ours, ISSUE, READER), response: '250 ok' }),
  );
  const store = sqliteBounceStore(state.db);
  const { events } = readReport(raw, 'import:test', NOW);
  expect(events).toHaveLength(1);
  const decisions = await applyEvents(store, events, { softLimit: 3, now: NOW, listId: LIST, sender: SENDER });
  return { decisions, suppressed: await store.isSuppressed(READER) };
}

describe('the copy a plain-text bounce quotes below its own marker, without VERP', () => {
  const shapes = {
    Sendmail: (copy: string[]) => sendmail(READER, copy),
    Gmail: gmail,
    Exchange: exchange,
    'Exchange, as text and HTML': exchangeAlternative,
    'Exchange, its reply between #< and > #SMTP#': (copy: string[]) =>
      message(
        'Microsoft Outlook <postmaster@contoso.example>',
        'Undeliverable: This week',
        exchangeText(copy, READER, '#< #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found> #SMTP#'),
      ),
    'Office 365, as HTML alone': (copy: string[]) => office365(copy, 'admin'),
    'Office 365, as HTML alone, with its detail tables': (copy: string[]) => office365(copy, 'details'),
    'Office 365, as HTML alone, its headers passed on one to a <div>': (copy: string[]) =>
      office365([RECEIVED, ...copy], 'admin', READER, 'div'),
    'Office 365, as HTML alone, its headers passed on one to a table row': (copy: string[]) =>
      office365([RECEIVED, ...copy], 'details', READER, 'row'),
    'Office 365, as HTML alone, its headers kept apart by white-space:pre on a <div>': (copy: string[]) =>
      office365([RECEIVED, ...copy], 'admin', READER, 'css-pre'),
    'Office 365, as HTML alone, its headers kept apart by white-space:pre-wrap on a <span>': (copy: string[]) =>
      office365([RECEIVED, ...copy], 'details', READER, 'css-pre-wrap'),
  };

  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name}: a bounce of another sender’s mail naming a reader suppresses nobody and says why`, async () => {
      const { decisions, suppressed } = await imported(shape(OTHER));
      expect(suppressed).toBe(false);
      expect(decisions).toEqual([
        expect.objectContaining({ outcome: 'unmatched', skipped: expect.stringContaining('invoices@billing.example') }),
      ]);
    });

    it(`${name}: a bounce of this list’s mail is taken, with the issue its Message-ID names`, async () => {
      const { decisions, suppressed } = await imported(shape(OURS()));
      expect(suppressed).toBe(true);
      expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, issueId: ISSUE });
    });
  }

  it('Sendmail: the address a reader’s mail was forwarded to failing suppresses the reader its Message-ID names', async () => {
    const { decisions, suppressed } = await imported(
      sendmail('reader.new@elsewhere.example', OURS(), [`    (expanded from: <${READER}>)`]),
    );
    expect(suppressed).toBe(true);
    expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, issueId: ISSUE });
  });

  it('Exchange, as text and HTML: the address a reader’s mail was forwarded to failing suppresses the reader its Message-ID names', async () => {
    const { decisions, suppressed } = await imported(exchangeAlternative(OURS(), 'reader.new@elsewhere.example'));
    expect(suppressed).toBe(true);
    expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, issueId: ISSUE });
  });

  for (const layout of ['admin', 'details'] as const)
    it(`Office 365, as HTML alone (${layout}): the address a reader’s mail was forwarded to failing suppresses the reader its Message-ID names`, async () => {
      const { decisions, suppressed } = await imported(office365(OURS(), layout, 'reader.new@elsewhere.example'));
      expect(suppressed).toBe(true);
      expect(decisions[0]).toMatchObject({ outcome: 'suppressed', email: READER, issueId: ISSUE });
    });

  for (const layout of ['admin', 'details'] as const)
    it(`Office 365, as HTML alone (${layout}), quoting nothing of the original: suppresses nobody and says why`, async () => {
      const raw = office365Html({
        failed: READER,
        reply: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
        copy: [],
        layout,
      });
      const { decisions, suppressed } = await imported(raw);
      expect(suppressed).toBe(false);
      expect(decisions).toEqual([
        expect.objectContaining({ outcome: 'unmatched', skipped: expect.stringContaining('read from its HTML alone') }),
      ]);
    });
});
