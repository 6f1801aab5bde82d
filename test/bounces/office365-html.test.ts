import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';
import { LIST_MAIL, office365Html } from '../helpers/bounces.js';

/**
 * Office 365 and Exchange Online write their non-delivery report for people first: a page of HTML
 * ("Your message to … couldn't be delivered", how to fix it, then the details for admins and the
 * original's headers). Passed on without its text and delivery-status parts (a gateway, a forward,
 * a help desk tool), only that HTML is left, and nothing of it was read: the dead mailbox went on
 * being mailed every issue.
 */

const COPY = [
  'Received: from mail.rolecast.example (192.0.2.10) by AM0PR01MB1234.eurprd01.prod.exchangelabs.com',
  ' with Microsoft SMTP Server id 15.20.7; Mon, 30 Nov 2026 08:14:01 +0000',
  `From: Digest <${LIST_MAIL.sender}>`,
  'To: <left.company@contoso.example>',
  'Message-ID: <m9@rolecast.example>',
  'Subject: This week',
];

const read = (raw: string) =>
  readReport(raw, 'import:x', LIST_MAIL.now).events.map((e) => [e.address, e.kind, e.status, e.diagnostic]);

describe('an Office 365 non-delivery report sent as HTML alone', () => {
  for (const layout of ['admin', 'details'] as const) {
    it(`${layout}: reads a mailbox not found as a hard bounce, with the server's words`, () => {
      const reply = '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup';
      expect(read(office365Html({ failed: 'left.company@contoso.example', reply, copy: COPY, layout }))).toEqual([
        ['left.company@contoso.example', 'hard', '5.1.10', reply],
      ]);
    });

    it(`${layout}: reads a full mailbox as a soft bounce`, () => {
      const reply = '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException';
      expect(read(office365Html({ failed: 'full@contoso.example', reply, copy: COPY, layout }))).toEqual([
        ['full@contoso.example', 'soft', '5.2.2', reply],
      ]);
    });
  }

  it('reads nothing from an ordinary HTML mail that only quotes such words', () => {
    const raw = office365Html({
      failed: 'left.company@contoso.example',
      reply: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      copy: COPY,
      layout: 'admin',
    })
      .replace('From: Microsoft Outlook <postmaster@contoso.onmicrosoft.example>', 'From: Ann <ann@contoso.example>')
      .replace('Subject: Undeliverable: This week', 'Subject: Re: This week');
    expect(readReport(raw, 'import:x', LIST_MAIL.now)).toEqual({
      events: [],
      ignored: 'not a delivery report or feedback report',
    });
  });
});
