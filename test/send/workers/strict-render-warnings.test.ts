import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { type SendOptions, sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { REPO_ROOT, type TempProject, tempProject } from '../../helpers/project.js';
import { sendEnv } from '../_fixture.js';
import { type RawServer, startRawServer } from '../_raw-smtp.js';
import { useWorkerDatabase } from './_database.js';

/**
 * Send workers (PostgreSQL) treat a render's warnings as one sender does: counted for the end of
 * the run, and with --strict the send is refused before any reader is mailed.
 */
const CONFIG = {
  sender: { name: 'Platform Notes', email: 'notes@platform.test' },
  listId: 'notes.platform.test',
  footer: { postalAddress: '1 Test Road, Berlin' },
};

describePostgres('send workers: warnings only a render finds', () => {
  const db = useWorkerDatabase('strict_render_warnings');
  const opened = perTest<{ smtp: RawServer; project: TempProject }>(['smtp', 'project']);

  /**
   * One summary for one role, in full cards, with a one-click unsubscribe address: every edition
   * over a 1 KB warning threshold, and no other warning.
   */
  async function projectWithSizeWarning(issue: string): Promise<TempProject> {
    const project = await tempProject({
      files: {
        [`issues/${issue}/queues.txt`]:
          'Queues Need Owners\nSummary\nA queue nobody owns grows until it pages everyone.\nPrinciples\n- Name an owner.\nBest for: CTO\nLink: https://example.org/queues\n',
        [`issues/${issue}/issue.json`]: JSON.stringify({
          subject: '{{lead}}',
          date: issue === '2026-W51' ? '2026-12-14' : '2026-12-21',
          summaries: ['queues.txt'],
        }),
        'readers.json': JSON.stringify([
          { email: 'cto@example.com', roles: ['CTO'] },
          { email: 'cto2@example.com', roles: ['CTO'] },
        ]),
        'rolecast.config.json': JSON.stringify({
          ...CONFIG,
          cards: { style: 'full' },
          urls: { unsubscribe: 'https://notes.platform.test/unsubscribe' },
          sizeWarnKb: 1,
          send: { ratePerSecond: 1000 },
        }),
        'roles.yaml': await readFile(`${REPO_ROOT}/roles.yaml`, 'utf8'),
      },
    });
    opened.project = project;
    opened.smtp = await startRawServer({});
    return project;
  }

  const send = (project: TempProject, issue: string, extra: Partial<SendOptions>) =>
    sendIssue({
      issueDir: project.path(`issues/${issue}`),
      subscribersFile: project.path('readers.json'),
      cwd: project.dir,
      env: { ...sendEnv(opened.smtp!.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      ...extra,
    });

  it('with --strict: refused, nobody mailed', async () => {
    const project = await projectWithSizeWarning('2026-W51');
    const lines: string[] = [];
    const warned: string[] = [];
    const refused = send(project, '2026-W51', {
      strict: true,
      log: (line) => lines.push(line),
      onWarning: (problem) => warned.push(problem.message),
    });
    await expect(refused).rejects.toThrow(/--strict: \d+ warning\(s\) found; nothing was sent/);
    expect(lines.join('\n')).toMatch(/over the 1 KB warning threshold/);
    expect(
      warned.every((message) => /over the 1 KB warning threshold/.test(message)),
      lines.join('\n'),
    ).toBe(true);
    expect(opened.smtp!.messages).toHaveLength(0);
  }, 40_000);

  it('without it: sent, and each warning counted', async () => {
    const project = await projectWithSizeWarning('2026-W52');
    const warned: string[] = [];
    const report = await send(project, '2026-W52', {
      log: () => {},
      onWarning: (problem) => warned.push(problem.message),
    });
    expect(report.total.sent).toBe(2);
    expect(warned.length).toBeGreaterThan(0);
    expect(
      warned.every((message) => /over the 1 KB warning threshold/.test(message)),
      warned.join('\n'),
    ).toBe(true);
  }, 40_000);
});
