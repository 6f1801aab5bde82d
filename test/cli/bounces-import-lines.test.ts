import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `bounces import` prints one line per report read. A remote server writes the diagnostic, and
 * anyone can run one that puts tabs, a carriage return or a bell in it: such a line must stay one
 * line with its own words, the characters shown as escapes, as `bounces list` shows them.
 */

const BELL = '\u0007';
const report = [
  'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
  'To: digest@rolecast.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-ID: <tabs.1@mx.example.net>',
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
  `Diagnostic-Code: smtp; 550 5.1.1 no such user\tdelivered\tfake cell${BELL}`,
  '--b1--',
  '',
].join('\r\n');

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  await writeFile(project.path('bounce.eml'), report, 'latin1');
});
afterEach(() => project.cleanup());

describe('bounces import lines', () => {
  it("show tabs and control characters of a server's words as escapes, on the report's one line", async () => {
    const imported = await runMain(project.dir, ['bounces', 'import', 'bounce.eml']);
    expect(imported.code).toBe(0);
    const line = imported.out.split('\n').find((l) => l.includes('no such user'));
    expect(line).toBeDefined();
    expect(line).not.toContain('\t');
    expect(line).not.toContain(BELL);
    expect(line).toContain('no such user\\tdelivered\\tfake cell\\x07');
  });
});
