import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BounceEvent, emptyHints } from '../../src/bounces/index.js';
import { REPO_ROOT } from './project.js';

/** A hard bounce (5.1.1 user unknown) or an abuse complaint, tied to its message by Message-ID. */
export function bounceEvent(
  kind: BounceEvent['kind'],
  address: string,
  id: string,
  messageId: string,
  at: Date,
): BounceEvent {
  return {
    eventId: id,
    kind,
    address,
    status: kind === 'hard' ? '5.1.1' : undefined,
    diagnostic: kind === 'hard' ? '550 5.1.1 user unknown' : 'complaint (feedback type abuse)',
    source: 'import:test',
    at,
    hints: { ...emptyHints(), messageIds: [messageId] },
  };
}

const POSTFIX_HARD = readFileSync(join(REPO_ROOT, 'test/bounces/fixtures/postfix-hard.eml'), 'latin1');

/** An mbox of Postfix hard bounces, one per reader, each a report of its own. */
export function hardBounceMbox(readers: readonly string[]): string {
  return readers
    .map((email, i) => {
      const report = POSTFIX_HARD.replaceAll('gone.reader@example.org', email)
        .replaceAll('4F1A23C0123', `4F1A23C${String(1000 + i)}`)
        .replaceAll('postfixfixture000000000', `postfixfixture${String(100000000 + i)}`);
      return `From MAILER-DAEMON Mon Nov 30 08:12:45 2026\n${report.replace(/^From /gm, '>From ')}\n`;
    })
    .join('');
}

/** One list, its sender, an issue and a reader of it, for reports tied to this list's mail without VERP. */
export const LIST_MAIL = {
  listId: 'weekly.rolecast.example',
  sender: 'digest@rolecast.example',
  issue: '2026-W48',
  reader: 'reader@example.org',
  now: new Date('2026-12-01T12:00:00Z'),
} as const;

/**
 * The original's headers as an HTML notice quotes them, its brackets written as entities: in `<pre>`
 * as Office 365 writes it, or as a forward or a help desk tool passes it on, one line to a `<div>`
 * or to a table row.
 */
/** How the notice lays out the original's header lines: `css-…` keeps them apart by a style alone. */
export type HtmlQuote = 'pre' | 'div' | 'row' | 'css-pre' | 'css-pre-wrap';

const quotedHeaders = (copy: readonly string[], quote: HtmlQuote = 'pre') => {
  const lines = copy.map((line) => line.replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
  if (quote === 'div') return lines.map((line) => `<div>${line}</div>`).join('\r\n');
  if (quote === 'css-pre') return `<div style="font-family:Consolas; white-space: pre">${lines.join('\n')}</div>`;
  if (quote === 'css-pre-wrap') return `<p><span style="WHITE-SPACE:pre-wrap">${lines.join('\n')}</span></p>`;
  if (quote === 'row') return `<table>${lines.map((line) => `<tr><td>${line}</td></tr>`).join('\r\n')}</table>`;
  return `<pre style="color:gray;white-space:pre;margin-top:0">${lines.join('\r\n')}\r\n</pre>`;
};

/**
 * An Office 365 / Exchange Online non-delivery report sent as HTML alone, with no text part and no
 * delivery-status part (a gateway or a forward keeps only what a mail client shows). `layout`
 * `admin` is the form whose "Diagnostic information for administrators" gives "Remote Server
 * returned '…'"; `details` the later one with "More Info for Email Admins" and its tables
 * ("Original Message Details", "Error Details", "Message Hops").
 */
export function office365Html(options: {
  failed: string;
  reply: string;
  copy: readonly string[];
  layout: 'admin' | 'details';
  quote?: HtmlQuote;
}): string {
  const { failed, reply, copy, layout, quote } = options;
  const [local, domain] = failed.split('@') as [string, string];
  const mailto = `<a href="mailto:${failed}" style="color:#0072C6">${failed}</a>`;
  const top = [
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=us-ascii">',
    '<style>.hops td { padding: 0 4px; } @media only screen and (max-width: 480px) { td { display:block; } }</style>',
    '</head>',
    '<body dir="ltr" lang="en-US">',
    '<table style="width:100%" cellpadding="0" cellspacing="0"><tr><td style="font-size:12pt">',
    `<span style="font-family:'Segoe UI',Arial">${domain}</span>`,
    '</td></tr></table>',
    `<p style="font-size:16pt">Your message to ${mailto} couldn&#39;t be delivered.</p>`,
    `<p><b>${local}</b> wasn&#39;t found at <b>${domain}</b>.</p>`,
    '<table><tr><td>Digest</td><td>Office 365</td><td>contoso</td></tr>',
    '<tr><td style="color:#c00000">Action Required</td><td></td><td>Recipient</td></tr></table>',
    '<p>Unknown To address</p>',
    '<p><b>How to Fix It</b></p>',
    '<p>The address may be misspelled or may not exist. Try one or more of the following:</p>',
    '<ul><li>Retype the recipient&#39;s address, then resend the message.</li>',
    '<li>If the problem continues, forward this message to your email admin.</li></ul>',
    '<hr>',
  ];
  const admin = [
    '<p><b>Diagnostic information for administrators:</b></p>',
    '<p>Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com<br>',
    '<br>',
    `${mailto}<br>`,
    `Remote Server returned &#39;${reply}&#39;<br>`,
    '<br>',
    '</p>',
    '<p>Original message headers:</p>',
    quotedHeaders(copy, quote),
  ];
  const details = [
    '<p><b>More Info for Email Admins</b></p>',
    `<p><i>Status code: ${reply.split(' ').slice(0, 2).join(' ')}</i></p>`,
    '<p>This error occurs because the sender sent a message to an email address hosted by Office 365 but the address is incorrect or doesn&#39;t exist at the destination domain.</p>',
    '<p><b>Original Message Details</b></p>',
    '<table>',
    '<tr><td>Created Date:</td><td>11/30/2026 8:14:01 AM</td></tr>',
    `<tr><td>Sender Address:</td><td>${copy.find((l) => l.startsWith('From:'))?.replace(/^.*<|>.*$/g, '') ?? ''}</td></tr>`,
    `<tr><td>Recipient Address:</td><td>${failed}</td></tr>`,
    '<tr><td>Subject:</td><td>This week</td></tr>',
    '</table>',
    '<p><b>Error Details</b></p>',
    '<table>',
    `<tr><td>Reported error:</td><td><em>${reply}</em></td></tr>`,
    '<tr><td>DSN generated by:</td><td>AM0PR01MB1234.eurprd01.prod.exchangelabs.com</td></tr>',
    '</table>',
    '<p><b>Message Hops</b></p>',
    '<table class="hops">',
    '<tr><th>HOP</th><th>Time (UTC)</th><th>From</th><th>To</th><th>With</th><th>Relay Time</th></tr>',
    '<tr><td>1</td><td>11/30/2026<br>8:14:01 AM</td><td>mail.rolecast.example</td><td>AM0PR01MB1234.eurprd01.prod.exchangelabs.com</td><td>Microsoft SMTP Server (version=TLS1_2)</td><td>*</td></tr>',
    '</table>',
    '<p><b>Original Message Headers</b></p>',
    quotedHeaders(copy, quote),
  ];
  const html = [...top, ...(layout === 'admin' ? admin : details), '</body>', '</html>'].join('\r\n');
  return [
    'From: Microsoft Outlook <postmaster@contoso.onmicrosoft.example>',
    'To: <bounces@shared.example>',
    'Date: Mon, 30 Nov 2026 08:14:02 +0000',
    'Subject: Undeliverable: This week',
    `Message-ID: <${createHash('sha256').update(html).digest('hex').slice(0, 32)}@AM0PR01MB1234.eurprd01.prod.exchangelabs.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset="us-ascii"',
    'Content-Transfer-Encoding: quoted-printable',
    'X-MS-Exchange-Message-Is-Ndr:',
    '',
    quotedPrintable(html),
    '',
  ].join('\r\n');
}

/** Quoted-printable as Exchange writes it: `=` and bytes above ASCII escaped, lines cut at 76. */
function quotedPrintable(text: string): string {
  return text
    .split('\r\n')
    .map((line) => {
      const escaped = line.replace(
        /[=\x80-\xff]/g,
        (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
      );
      const cut: string[] = [];
      let rest = escaped;
      while (rest.length > 75) {
        let at = 75;
        while (rest[at - 1] === '=' || rest[at - 2] === '=') at--;
        cut.push(`${rest.slice(0, at)}=`);
        rest = rest.slice(at);
      }
      cut.push(rest);
      return cut.join('\r\n');
    })
    .join('\r\n');
}

/** What a mail client sends to a List-Unsubscribe mailto, with the Authentication-Results its mailbox server wrote. */
export function unsubscribeRequestMail(from: string, subject: string, results: readonly string[]): string {
  return [
    ...results.map((r) => `Authentication-Results: ${r}`),
    `From: ${from}`,
    'To: news@rolecast.example',
    `Subject: ${subject}`,
    'Message-ID: <req@example.com>',
    '',
    'unsubscribe',
    '',
  ].join('\r\n');
}
