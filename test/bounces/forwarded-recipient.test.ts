import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';
import { REPO_ROOT, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A reader's mailbox that forwards elsewhere: the report's Final-Recipient is the address it
 * forwarded to, and only its Original-Recipient is the address on the list. Suppressing the
 * forwarded-to address leaves the reader on the list, bouncing every week.
 */

const forwardedReport = () =>
  readFileSync(join(REPO_ROOT, 'test/bounces/fixtures/postfix-hard.eml'), 'latin1')
    .replace('Final-Recipient: rfc822; gone.reader@example.org', 'Final-Recipient: rfc822; old.inbox@forwarded.example')
    // Nothing else ties it to a message: the addresses it names are all there is.
    .replace(/^Message-ID: <2026-W48\.postfixfixture[^\n]*\n/m, '');

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

describe('a delivery report about a forwarded message', () => {
  it('names the Original-Recipient, with the Final-Recipient event id kept as the earlier one', () => {
    const { events } = readReport(forwardedReport(), 'import:forwarded.eml', new Date('2026-12-01T12:00:00Z'));
    expect(events).toHaveLength(1);
    expect(events[0]!.address).toBe('gone.reader@example.org');
    expect(events[0]!.legacyEventId).toMatch(/^import:/);
    expect(events[0]!.legacyEventId).not.toBe(events[0]!.eventId);
  });

  it('falls back to the Final-Recipient when there is no Original-Recipient', () => {
    const report = forwardedReport().replace('Original-Recipient: rfc822;gone.reader@example.org\n', '');
    const { events } = readReport(report, 'import:forwarded.eml', new Date('2026-12-01T12:00:00Z'));
    expect(events.map((e) => [e.address, e.legacyEventId])).toEqual([['old.inbox@forwarded.example', undefined]]);
  });

  it('suppresses the reader on the list, and the next send skips them', async () => {
    await project.write('returned/one.eml', forwardedReport());
    await project.write(
      'list.json',
      JSON.stringify([
        { email: 'gone.reader@example.org', roles: ['CTO'] },
        { email: 'ann@example.com', roles: ['CTO'] },
      ]),
    );

    const imported = await runMain(project.dir, ['bounces', 'import', 'returned']);
    expect(imported.code, imported.all).toBe(0);
    const listed = await runMain(project.dir, ['suppress', 'list']);
    expect(listed.out).toContain('gone.reader@example.org');
    expect(listed.out).not.toContain('old.inbox@forwarded.example');

    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['ann@example.com.eml']);
  });
});
