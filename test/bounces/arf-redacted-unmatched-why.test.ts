import { expect, it } from 'vitest';
import { issueTag, verpAddress } from '../../src/bounces/verp.js';
import { describeImportStores } from '../helpers/bounce-import.js';

/**
 * A feedback report whose Original-Rcpt-To the feedback loop redacted, carrying only a lookalike of
 * Microsoft's X-HmXmrOriginalRecipient (an X-Hm-Original-Recipient header on the original, or the
 * header's name written in the report's text), rightly names no reader, as anyone can write either;
 * but `bounces import` said only "names no reader", so nobody could tell a redacted complaint from a
 * broken one. It now says the recipient was redacted and what would have tied it to a reader.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const ISSUE = '2026-W48';
const SENDER = 'digest@rolecast.example';

function arf(original: string[], text = 'This is an email abuse report.'): string {
  return [
    'From: staff@hotmail.com',
    'To: fbl@rolecast.example',
    'Subject: complaint about message from 192.0.2.1',
    'Date: Mon, 30 Nov 2026 12:00:00 +0000',
    `Message-ID: <arf-${original.length}-${text.length}@hotmail.com>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf_b"',
    '',
    '--arf_b',
    'Content-Type: text/plain',
    '',
    text,
    '',
    '--arf_b',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: Microsoft JMRP',
    'Version: 1',
    'Original-Rcpt-To: xxxxxxxx@outlook.com',
    '',
    '--arf_b',
    'Content-Type: message/rfc822',
    '',
    `From: Rolecast Weekly <${SENDER}>`,
    'To: xxxxxxxx@outlook.com',
    'Subject: Your weekly digest',
    'Message-ID: <rewritten-by-a-relay@relay.example>',
    ...original,
    '',
    'Hello',
    '',
    '--arf_b--',
    '',
  ].join('\r\n');
}

describeImportStores('a redacted feedback report that names no reader says why', (harness) => {
  /** Imports `mail` after the list mailed reader@outlook.com: it names no reader, for `reason`, and suppresses nobody. */
  const namesNobody = async (mail: string, reason: string, verp = {}) => {
    const h = harness();
    await h.deliver(ISSUE, 'reader@outlook.com');
    const options = { source: 'import:fbl', softLimit: 3, now: NOW, sender: SENDER, ...verp };
    const summary = await h.importMails({ 'a.eml': mail }, options);
    expect(summary.decisions).toEqual([expect.objectContaining({ outcome: 'unmatched', reason })]);
    expect(await h.store.isSuppressed('reader@outlook.com')).toBe(false);
  };

  it.each([
    ['an X-Hm-Original-Recipient header on the original', arf(['X-Hm-Original-Recipient: reader@outlook.com'])],
    [
      "the header's name in the report's text",
      arf([], 'Original recipient:\r\nX-HmXmrOriginalRecipient: <reader@outlook.com>'),
    ],
  ])('%s', (_, mail) =>
    namesNobody(
      mail,
      "its recipient is only a stand-in the feedback loop gave for the address (xxxxxxxx@outlook.com), and nothing it quotes of the original (a VERP address, a Message-ID the ledger knows, a signed unsubscribe link, Microsoft's X-HmXmrOriginalRecipient) names a reader",
    ),
  );

  it('with VERP on, a report naming a reader but quoting no token says what it lacks', () =>
    namesNobody(
      arf([]).replace('Original-Rcpt-To: xxxxxxxx@outlook.com', 'Original-Rcpt-To: reader@outlook.com'),
      'with VERP on, a report from the mailbox is believed only through a VERP address whose token verifies or a signed unsubscribe link, and it quotes neither',
      { verpDomain: 'b.rolecast.example', secret: 's3cret' },
    ));

  // What a report quotes that does not verify (forged, or signed before the secret changed) is
  // named as such, not said to be missing.
  const RULE =
    'with VERP on, a report from the mailbox is believed only through a VERP address whose token verifies or a signed unsubscribe link';
  const FAILED = '(forged, or signed with a secret no longer kept)';
  // Forged for the issue the list sent, which anyone can name: its tag is a plain hash.
  const forgedVerp = `Return-Path: <bounces+${issueTag(ISSUE)}${'a'.repeat(16)}@b.rolecast.example>`;
  const forgedLink = 'List-Unsubscribe: <https://rolecast.example/u/not-a-token>';
  it.each([
    [
      'a VERP address',
      [forgedVerp],
      `${RULE}, and the VERP address it quotes does not verify ${FAILED} and it quotes no unsubscribe link`,
    ],
    [
      'an unsubscribe link',
      [forgedLink],
      `${RULE}, and the unsubscribe link it quotes does not verify ${FAILED} and it quotes no VERP address`,
    ],
    [
      'both',
      [forgedVerp, forgedLink],
      `${RULE}, and neither the VERP address nor the unsubscribe link it quotes verifies ${FAILED}`,
    ],
  ])('with VERP on, a report quoting %s that does not verify says so', (_, headers, reason) =>
    namesNobody(
      arf(headers).replace('Original-Rcpt-To: xxxxxxxx@outlook.com', 'Original-Rcpt-To: reader@outlook.com'),
      reason,
      { verpDomain: 'b.rolecast.example', secret: 's3cret' },
    ),
  );

  // A token that is this list's own but for a delivery the store does not hold (a state file put
  // back from before it, another list's file) is not called forged: what is true is said.
  const verp = (issueId: string, email: string) =>
    `Return-Path: <${verpAddress('b.rolecast.example', 's3cret', issueId, email)}>`;
  it.each([
    [
      'a reader the issue is not recorded as sent to',
      'other@outlook.com',
      [verp(ISSUE, 'other@outlook.com')],
      `${RULE}, and the VERP address it quotes verifies, for other@outlook.com and the issue ${ISSUE}, but the state file records no message of that issue to that address (it was put back from a copy made before, or is not the one the issue was sent with) and it quotes no unsubscribe link`,
    ],
    [
      'an issue the store holds no message of',
      'reader@outlook.com',
      [verp('2026-W47', 'reader@outlook.com')],
      `${RULE}, and the VERP address it quotes names an issue the state file records no message of, so it cannot be checked (forged, or the file is not the one that issue was sent with) and it quotes no unsubscribe link`,
    ],
    [
      'a reader the issue is not recorded as sent to, and a forged link',
      'other@outlook.com',
      [verp(ISSUE, 'other@outlook.com'), forgedLink],
      `${RULE}, and the VERP address it quotes verifies, for other@outlook.com and the issue ${ISSUE}, but the state file records no message of that issue to that address (it was put back from a copy made before, or is not the one the issue was sent with) and the unsubscribe link it quotes does not verify ${FAILED}`,
    ],
  ])('with VERP on, a report quoting a token of %s says what is true of it', (_, named, headers, reason) =>
    namesNobody(arf(headers).replace('Original-Rcpt-To: xxxxxxxx@outlook.com', `Original-Rcpt-To: ${named}`), reason, {
      verpDomain: 'b.rolecast.example',
      secret: 's3cret',
    }),
  );
});
