import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';
import { verpAddress } from '../../src/bounces/verp.js';
import { describeImportStores } from '../helpers/bounce-import.js';

/**
 * Microsoft's feedback loop (JMRP, Outlook.com and Hotmail) names the reader who pressed "Junk" only
 * in `X-HmXmrOriginalRecipient` on the original it encloses: in a mail headed "complaint about
 * message from IP" with no feedback report part, which bounces import skipped as not a report, or
 * in an ARF report without Original-Rcpt-To, which named nobody when the Message-ID was rewritten
 * (a relay, SES). The reader went on being mailed.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const ISSUE = '2026-W48';
const LIST = 'weekly.rolecast.example';
const SENDER = 'digest@rolecast.example';
const READER = 'reader@outlook.example';
const VERP = { domain: 'bounces.rolecast.example', secret: 'jmrp-secret' };

function complaint(options: {
  form: 'jmrp' | 'arf';
  /** null: the enclosed original carries no such header. */
  recipient?: string | null;
  returnPath?: string;
  messageId?: string;
  id?: string;
}): string {
  const { form, recipient = READER, returnPath = SENDER, messageId = '<0100018c-7f3e@email.amazonses.com>' } = options;
  const original = [
    ...(recipient === null ? [] : [`X-HmXmrOriginalRecipient: <${recipient}>`]),
    'X-Reporter-IP: 198.51.100.7',
    `Return-Path: <${returnPath}>`,
    `From: Digest <${SENDER}>`,
    `To: ${READER}`,
    'Subject: This week',
    `Message-ID: ${messageId}`,
    `List-Id: Weekly <${LIST}>`,
    '',
    'This week in short.',
  ];
  const report =
    form === 'arf'
      ? [
          '--jm',
          'Content-Type: text/plain; charset=us-ascii',
          '',
          'This is an email abuse report for an email message received from IP 192.0.2.10 on Mon, 30 Nov 2026 08:00:00 +0000',
          '',
          '--jm',
          'Content-Type: message/feedback-report',
          '',
          'Feedback-Type: abuse',
          'User-Agent: Hotmail FBL',
          'Version: 0.1',
          `Original-Mail-From: <${returnPath}>`,
          'Arrival-Date: Mon, 30 Nov 2026 08:00:00 +0000',
          'Source-IP: 192.0.2.10',
          '',
        ]
      : ['--jm', 'Content-Type: text/plain; charset=us-ascii', '', ''];
  return [
    'From: staff@hotmail.com',
    'To: fbl@rolecast.example',
    'Subject: complaint about message from 192.0.2.10',
    'Date: Mon, 30 Nov 2026 09:00:00 +0000',
    `Message-ID: <${options.id ?? form}.jmrp@hotmail.com>`,
    'MIME-Version: 1.0',
    `Content-Type: ${form === 'arf' ? 'multipart/report; report-type=feedback-report' : 'multipart/mixed'}; boundary="jm"`,
    '',
    ...report,
    '--jm',
    'Content-Type: message/rfc822',
    '',
    ...original,
    '--jm--',
    '',
  ].join('\r\n');
}

describe("Microsoft's feedback loop (JMRP)", () => {
  for (const form of ['jmrp', 'arf'] as const)
    it(`${form}: is a complaint about the reader its header on the enclosed original names`, () => {
      expect(readReport(complaint({ form }), 'import:x', NOW).events.map((e) => [e.address, e.kind])).toEqual([
        [READER, 'complaint'],
      ]);
    });

  it('a redacted header names nobody', () => {
    const [found] = readReport(
      complaint({ form: 'jmrp', recipient: 'redacted@outlook.example' }),
      'import:x',
      NOW,
    ).events;
    expect(found?.address).toBeUndefined();
  });

  it('a mail with that subject enclosing an original without the header is no complaint', () => {
    expect(readReport(complaint({ form: 'jmrp', recipient: null }), 'import:x', NOW)).toEqual({
      events: [],
      ignored: 'not a delivery report or feedback report',
    });
  });
});

describeImportStores("bounces import of Microsoft's complaints", (harness) => {
  const options = { source: 'import:fbl', softLimit: 3, now: NOW, listId: LIST, sender: SENDER };

  it('suppresses the reader, with the Message-ID rewritten on the way', async () => {
    const h = harness();
    await h.deliver(ISSUE, READER, `<${ISSUE}.own@rolecast.example>`);
    const summary = await h.importMails(
      { 'a.eml': complaint({ form: 'jmrp' }), 'b.eml': complaint({ form: 'arf' }) },
      options,
    );
    expect(summary.ignored).toEqual([]);
    expect(summary.decisions.map((d) => d.outcome)).toEqual(['suppressed', 'already suppressed']);
    expect(await h.store.isSuppressed(READER)).toBe(true);
  });

  it('an ARF report an earlier release recorded by its Message-ID is the same event when imported again', async () => {
    const h = harness();
    const messageId = `<${ISSUE}.own@rolecast.example>`;
    await h.deliver(ISSUE, READER, messageId);
    const earlier = await h.importMails({ 'a.eml': complaint({ form: 'arf', recipient: null, messageId }) }, options);
    expect(earlier.decisions.map((d) => d.outcome)).toEqual(['suppressed']);
    const again = await h.importMails({ 'a.eml': complaint({ form: 'arf', messageId }) }, options);
    expect(again.decisions.map((d) => d.outcome)).toEqual(['duplicate']);
    expect(await h.store.events()).toHaveLength(1);
  });

  it('an ARF report with a redacted Original-Rcpt-To that an earlier release recorded is the same event when imported again', async () => {
    const h = harness();
    const messageId = `<${ISSUE}.own@rolecast.example>`;
    await h.deliver(ISSUE, READER, messageId);
    const redacted = (recipient: string | null) =>
      complaint({ form: 'arf', recipient, messageId }).replace(
        'Version: 0.1\r\n',
        'Version: 0.1\r\nOriginal-Rcpt-To: <redacted@outlook.example>\r\n',
      );
    // Earlier releases read no X-HmXmrOriginalRecipient: the same report was one naming nobody.
    const earlier = await h.importMails({ 'a.eml': redacted(null) }, options);
    expect(earlier.decisions.map((d) => d.outcome)).toEqual(['suppressed']);
    const again = await h.importMails({ 'a.eml': redacted(READER) }, options);
    expect(again.decisions.map((d) => d.outcome)).toEqual(['duplicate']);
    expect(await h.store.events()).toHaveLength(1);
  });

  it('a reader whose own address only looks redacted, the list having mailed it, is suppressed', async () => {
    const h = harness();
    const lookalike = 'xxx@outlook.example';
    await h.deliver(ISSUE, lookalike, `<${ISSUE}.own@rolecast.example>`);
    await h.deliver(ISSUE, READER, `<${ISSUE}.reader@rolecast.example>`);
    const summary = await h.importMails(
      {
        'a.eml': complaint({ form: 'jmrp', recipient: lookalike }),
        'b.eml': complaint({ form: 'arf', recipient: 'xxxxxxxx@outlook.example', id: 'never-mailed' }),
      },
      options,
    );
    expect(summary.decisions.map((d) => d.outcome)).toEqual(['suppressed', 'unmatched']);
    expect(await h.store.isSuppressed(lookalike)).toBe(true);
    expect(await h.store.isSuppressed(READER)).toBe(false);
  });

  it('with VERP, takes the VERP address the original was sent from, and never the header alone', async () => {
    const h = harness();
    const other = 'other@outlook.example';
    await h.deliver(ISSUE, READER);
    await h.deliver(ISSUE, other);
    const verp = { ...options, verpDomain: VERP.domain, secret: VERP.secret };
    const summary = await h.importMails(
      {
        'real.eml': complaint({ form: 'jmrp', returnPath: verpAddress(VERP.domain, VERP.secret, ISSUE, READER, LIST) }),
        'forged.eml': complaint({ form: 'jmrp', recipient: other, id: 'forged' }),
      },
      verp,
    );
    expect(summary.decisions.map((d) => d.outcome).sort()).toEqual(['suppressed', 'unmatched']);
    expect(await h.store.isSuppressed(READER)).toBe(true);
    expect(await h.store.isSuppressed(other)).toBe(false);
  });
});
