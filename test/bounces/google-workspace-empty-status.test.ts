import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { readReport } from '../../src/bounces/index.js';
import { LIST_MAIL } from '../helpers/bounces.js';

/**
 * Google Workspace's "Message not delivered" / "Address not found" notice may come with a
 * message/delivery-status part holding nothing: the failed address and the server's reply are only
 * in its text (and its X-Failed-Recipients header). Read as a delivery report naming no recipient,
 * such a notice was skipped and the dead mailbox went on being mailed every issue.
 */

const workspace = (failed: string, response: string[], status = '') =>
  [
    'Return-Path: <>',
    'Content-Type: multipart/report; boundary="000000000000ca2d9205f5a5444d"; report-type=delivery-status',
    'To: digest@rolecast.example',
    'Auto-Submitted: auto-replied',
    'Message-ID: <63fc15e0.050a0220.58de0.183e.GMR@mx.google.com>',
    'Date: Mon, 30 Nov 2026 08:14:02 -0800 (PST)',
    'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
    'Subject: Delivery Status Notification (Failure)',
    `X-Failed-Recipients: ${failed}`,
    '',
    '--000000000000ca2d9205f5a5444d',
    'Content-Type: multipart/related; boundary="000000000000ca332c05f5a5444e"',
    '',
    '--000000000000ca332c05f5a5444e',
    'Content-Type: multipart/alternative; boundary="000000000000ca333105f5a5444f"',
    '',
    '--000000000000ca333105f5a5444f',
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    '',
    '** Address not found **',
    '',
    `Your message wasn't delivered to ${failed} because the address couldn't be found, or is unable to receive mail.`,
    '',
    'Learn more here: https://support.google.com/mail/?p=NoSuchUser',
    '',
    'The response was:',
    '',
    ...response,
    '',
    '--000000000000ca333105f5a5444f',
    'Content-Type: text/html; charset="UTF-8"',
    '',
    `<html><body><h2>Address not found</h2><p>Your message wasn't delivered to <b>${failed}</b> because the address couldn't be found.</p></body></html>`,
    '--000000000000ca333105f5a5444f--',
    '--000000000000ca332c05f5a5444e--',
    '--000000000000ca2d9205f5a5444d',
    'Content-Type: message/delivery-status',
    '',
    status,
    '--000000000000ca2d9205f5a5444d',
    'Content-Type: message/rfc822',
    '',
    `From: Digest <${LIST_MAIL.sender}>`,
    `To: <${failed}>`,
    'Message-ID: <m9@rolecast.example>',
    'Subject: This week',
    '',
    '----- Message truncated -----',
    '--000000000000ca2d9205f5a5444d--',
    '',
  ].join('\r\n');

const read = (raw: string) => readReport(raw, 'import:x', LIST_MAIL.now);

describe('a Google Workspace notice whose delivery-status part is empty', () => {
  it('reads the address its text says was not found as a hard bounce', () => {
    const { events } = read(
      workspace('gone@workspace.example', [
        "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser",
      ]),
    );
    expect(events.map((e) => [e.address, e.kind, e.status])).toEqual([['gone@workspace.example', 'hard', '5.1.1']]);
  });

  // Google writes X-Failed-Recipients with the domain in ASCII (punycode) and its text in Unicode,
  // or the other way round: the same mailbox either way, as the suppression list keys it.
  it.each([
    ['X-Failed-Recipients in punycode, the text in Unicode', 'gone@xn--mnchen-3ya.example', 'gone@münchen.example'],
    ['X-Failed-Recipients in Unicode, the text in punycode', 'gone@münchen.example', 'gone@xn--mnchen-3ya.example'],
    ['the domain in capitals in one of them', 'gone@XN--MNCHEN-3YA.example', 'gone@münchen.example'],
  ])('reads the address when %s', (_, header, text) => {
    const raw = workspace(text, ['550 5.1.1 The email account that you tried to reach does not exist.']).replace(
      `X-Failed-Recipients: ${text}`,
      `X-Failed-Recipients: ${header}`,
    );
    const { events } = read(raw);
    expect(events.map((e) => [canonicalAddress(e.address ?? ''), e.kind, e.status])).toEqual([
      ['gone@xn--mnchen-3ya.example', 'hard', '5.1.1'],
    ]);
  });

  it('still reads a delivery-status part that names the recipient, and nothing twice', () => {
    const { events } = read(
      workspace(
        'gone@workspace.example',
        ['550 5.1.1 The email account that you tried to reach does not exist.'],
        [
          'Reporting-MTA: dns; googlemail.com',
          '',
          'Final-Recipient: rfc822; gone@workspace.example',
          'Action: failed',
          'Status: 5.1.1',
          'Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does not exist.',
          '',
        ].join('\r\n'),
      ),
    );
    expect(events.map((e) => [e.address, e.kind, e.status])).toEqual([['gone@workspace.example', 'hard', '5.1.1']]);
  });

  it('still skips one about our own sending setup, naming why', () => {
    const result = read(
      workspace('gone@workspace.example', [
        'Unspecified Error (SENT_SECOND_EHLO): Smtp server does not advertise AUTH capability',
      ])
        .replace('** Address not found **', '** Message not delivered **')
        .replace(
          /^Your message wasn't delivered to .*$/m,
          "You're sending this from a different address or alias using the 'Send mail as' feature. The settings for your 'Send mail as' account are misconfigured or out of date. Check those settings and try resending.",
        ),
    );
    expect(result).toEqual({ events: [], ignored: 'a delivery report naming no recipient' });
  });

  it('takes no address of its text that X-Failed-Recipients does not name (the sender’s own, refused)', () => {
    const result = read(
      workspace('reader@workspace.example', [
        `535 5.7.8 Authentication failed: the account ${LIST_MAIL.sender} does not exist`,
      ])
        .replace('** Address not found **', '** Message not delivered **')
        .replace(
          /^Your message wasn't delivered to .*$/m,
          "You're sending this from a different address or alias using the 'Send mail as' feature. The settings for your 'Send mail as' account are misconfigured or out of date.",
        ),
    );
    expect(result).toEqual({ events: [], ignored: 'a delivery report naming no recipient' });
  });
});
