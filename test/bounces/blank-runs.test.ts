import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';

const BOUNCES = join(import.meta.dirname, '../../src/bounces');
const NOW = new Date('2026-12-01T12:00:00Z');

/**
 * A pattern that opens with a run of blanks and closes with `$` (`/[ \t]+$/`, `/\s*\(.*$/`) tries
 * every blank of a long run as its start, each time running on to the run's end: the square of its
 * length. An Office 365 notice passed on as HTML keeps its `<pre>` as written, and a delivery
 * report's Status field is the sender's to fill, so a megabyte of blanks in either held
 * `bounces import` for most of an hour.
 */
describe('a long run of blanks in a report', () => {
  it('meets no pattern in src/bounces that opens with a run of blanks and closes with $', async () => {
    const offenders: string[] = [];
    for (const entry of await readdir(BOUNCES)) {
      if (!entry.endsWith('.ts')) continue;
      const text = await readFile(join(BOUNCES, entry), 'utf8');
      for (const match of text.matchAll(/\/(?:\\s|\[ \\t\])[*+](?:\\.|[^/\n])*\$\/[a-z]*/g))
        offenders.push(`${entry}: ${match[0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('inside the <pre> of an HTML notice: the notice is still read', () => {
    const blanks = ' '.repeat(200_000);
    const html = [
      '<html><body><p>Your message to <a href="mailto:gone@contoso.example">gone@contoso.example</a> couldn&#39;t be delivered.</p>',
      '<p>Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com<br>',
      'gone@contoso.example<br>',
      'Remote Server returned &#39;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found&#39;<br></p>',
      `<p>Original message headers:</p><pre>Received: from mail.rolecast.example${blanks}x<br>Subject: This week</pre>`,
      '</body></html>',
    ].join('\r\n');
    const raw = [
      'From: Microsoft Outlook <postmaster@contoso.example>',
      'Subject: Undeliverable: This week',
      'Message-ID: <blank-pre@contoso.example>',
      'Content-Type: text/html; charset="us-ascii"',
      '',
      html,
      '',
    ].join('\r\n');
    expect(readReport(raw, 'import:x', NOW).events.map((e) => [e.address, e.kind, e.status])).toEqual([
      ['gone@contoso.example', 'hard', '5.1.10'],
    ]);
  });

  it('in a delivery report’s Status field: the status before it is still read', async () => {
    const postfix = await readFile(join(import.meta.dirname, 'fixtures/postfix-hard.eml'), 'latin1');
    const raw = postfix.replace(/^Status: 5\.1\.1$/m, `Status: 5.1.1${' '.repeat(200_000)}x (unknown user)`);
    expect(raw).not.toBe(postfix);
    expect(readReport(raw, 'import:x', NOW).events.map((e) => [e.address, e.kind, e.status])).toEqual([
      ['gone.reader@example.org', 'hard', '5.1.1'],
    ]);
  });
});
