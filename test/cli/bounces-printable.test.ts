import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A remote server's words reach `bounces import` and `bounces list` as the server wrote them, and
 * anyone can run a server that answers with terminal escapes or tabs: those are shown as escapes,
 * so the screen is not rewritten and each event stays one row of seven tab-separated cells.
 */

const ESC = '\u001b';
const report = [
  'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
  'To: digest@rolecast.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-ID: <escapes.1@mx.example.net>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
  '',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.net',
  '',
  'Final-Recipient: rfc822; gone@example.net',
  'Action: failed',
  'Status: 5.1.1',
  `Diagnostic-Code: smtp; 550 5.1.1 no such user${ESC}[2J${ESC}[1A\tdelivered\tfake row`,
  '--b1--',
  '',
].join('\r\n');

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  await writeFile(project.path('bounce.eml'), report, 'latin1');
});
afterEach(() => project.cleanup());

describe('bounces import and list', () => {
  it('show a diagnostic with terminal escapes and tabs as escapes, one event per row of seven cells', async () => {
    const imported = await runMain(project.dir, ['bounces', 'import', 'bounce.eml']);
    expect(imported.code).toBe(0);
    expect(imported.all).not.toContain(ESC);
    const listed = await runMain(project.dir, ['bounces', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.out).not.toContain(ESC);
    const rows = listed.out.trimEnd().split('\n');
    expect(rows).toHaveLength(1);
    // occurred, kind, email, issue, status, outcome, diagnostic: seven cells.
    expect(rows[0]!.split('\t')).toHaveLength(7);
    expect(rows[0]).toContain('gone@example.net');
  });
});
