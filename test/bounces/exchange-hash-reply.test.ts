import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

/**
 * Exchange 2007 and 2010 write the remote server's reply in their plain-text report as
 * `#550 5.1.1 RESOLVER.ADR.RecipientNotFound; not found ##`, below the address, where later Exchange
 * and Office 365 write "Remote Server returned '…'". A report in that form without its delivery-status
 * part (forwarded, or passed on by a gateway that keeps only the text) names the reader and its own
 * headers quote the digest's: more than one address, so nothing was read and the dead mailbox went on
 * being mailed every issue.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const report = (reader: string, reply: string) =>
  [
    'From: Microsoft Outlook <postmaster@contoso.example>',
    'To: digest@rolecast.example',
    'Subject: Undeliverable: This week',
    'Message-ID: <ndr.2010@contoso.example>',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Delivery has failed to these recipients or groups:',
    '',
    `Reader (${reader})`,
    "The e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message.",
    '',
    'Diagnostic information for administrators:',
    '',
    'Generating server: mail.contoso.example',
    '',
    reader,
    reply,
    '',
    'Original message headers:',
    '',
    'From: Digest <digest@rolecast.example>',
    `To: <${reader}>`,
    'Message-ID: <m9@rolecast.example>',
    '',
  ].join('\r\n');

const read = (raw: string) => readReport(raw, 'import:x', NOW).events.map((e) => [e.address, e.kind, e.status]);

describe("an Exchange report giving the server's reply between # and ##", () => {
  it('reads an unknown mailbox as a hard bounce', () => {
    expect(read(report('gone@contoso.example', '#550 5.1.1 RESOLVER.ADR.RecipientNotFound; not found ##'))).toEqual([
      ['gone@contoso.example', 'hard', '5.1.1'],
    ]);
  });

  it('reads a full mailbox as a soft bounce', () => {
    expect(
      read(report('full@contoso.example', '#550 5.2.2 STOREDRV.Deliver; mailbox full ##rfc822;full@contoso.example')),
    ).toEqual([['full@contoso.example', 'soft', '5.2.2']]);
  });

  it('reads the reply of a remote server, which Exchange 2010 names before the #', () => {
    expect(
      read(report('gone@fabrikam.example', 'mx1.fabrikam.example #550 5.1.1 <gone@fabrikam.example>: User unknown ##')),
    ).toEqual([['gone@fabrikam.example', 'hard', '5.1.1']]);
    expect(read(report('full@fabrikam.example', '  mx1.fabrikam.example #552 5.2.2 Mailbox full ##'))).toEqual([
      ['full@fabrikam.example', 'soft', '5.2.2'],
    ]);
  });

  it('reads the older form between #< and > #SMTP#, with or without a server named before it', () => {
    expect(
      read(report('gone@contoso.example', '#< #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found> #SMTP#')),
    ).toEqual([['gone@contoso.example', 'hard', '5.1.1']]);
    expect(
      read(
        report(
          'gone@fabrikam.example',
          "mx1.fabrikam.example #<mx1.fabrikam.example #5.0.0 smtp; 5.1.0 - Unknown address error 550-'5.1.1 <gone@fabrikam.example>: Recipient address rejected: User unknown in local recipient table' (delivery attempts: 0)> #SMTP#",
        ),
      ),
    ).toEqual([['gone@fabrikam.example', 'hard', '5.1.0']]);
    expect(
      read(
        report(
          'ann@fabrikam.example',
          'mx1.fabrikam.example #<mx1.fabrikam.example #5.7.1 smtp; 550 5.7.1 Message rejected as spam by Content Filtering.> #SMTP#',
        ),
      ),
    ).toEqual([['ann@fabrikam.example', 'soft', '5.7.1']]);
  });

  it('reads Exchange 2003’s <server #status smtp;reply> below the address, a full mailbox too', () => {
    const exchange2003 = (reader: string, reply: string) =>
      [
        'From: System Administrator <postmaster@contoso.example>',
        'To: digest@rolecast.example',
        'Subject: Undeliverable: This week',
        'Message-ID: <ndr.2003@contoso.example>',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'Your message did not reach some or all of the intended recipients.',
        '',
        '      Subject:\tThis week',
        '      Sent:\t11/30/2026 8:14 AM',
        '',
        'The following recipient(s) could not be reached:',
        '',
        `      ${reader} on 11/30/2026 8:14 AM`,
        "            The recipient's mailbox is full and can't accept messages now. Please try resending this message later, or contact the recipient directly.",
        `            ${reply}`,
        '',
        '      copies@contoso.example on 11/30/2026 8:14 AM',
        '            You do not have permission to send to this recipient. For assistance, contact your system administrator.',
        '            <mail.contoso.example #5.7.1 smtp;550 5.7.1 Requested action not taken: message refused>',
        '',
      ].join('\r\n');
    expect(
      read(exchange2003('full@contoso.example', '<mail.contoso.example #5.2.2 smtp;552 5.2.2 Mailbox full>')),
    ).toEqual([
      ['full@contoso.example', 'soft', '5.2.2'],
      ['copies@contoso.example', 'soft', '5.7.1'],
    ]);
    expect(
      read(exchange2003('gone@contoso.example', '<mail.contoso.example #5.1.1 smtp;550 5.1.1 User unknown>')),
    ).toEqual([
      ['gone@contoso.example', 'hard', '5.1.1'],
      ['copies@contoso.example', 'soft', '5.7.1'],
    ]);
  });
});
