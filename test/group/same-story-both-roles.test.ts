import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { sendEnv } from '../send/_fixture.js';

/**
 * One article written up once for CTOs and once for executives, with no role in common, is no
 * twin for a reader of one role; a reader who holds both gets both takes in one email. The editor
 * must hear of it in check, build and send, naming the pair and the readers of both.
 */

const CONFIG = {
  sender: { name: 'Weekly', email: 'digest@example.com' },
  listId: 'weekly.example.com',
  footer: { postalAddress: '1 Example Lane' },
  timezone: 'Europe/Berlin',
};
const ROLES = 'roles:\n  - name: CTO\n  - name: Executive\n  - name: Designer\n';
const take = (audience: string, role: string, link?: string) =>
  `Queues Are Not a Backlog\nSummary\nWritten for ${audience}.\nBest for: ${role}\n${link ? `Link: ${link}\n` : ''}`;

let project: TempProject | undefined;
let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  await project?.cleanup();
  server = undefined;
  project = undefined;
});

async function twoTakes(second: { title?: string; link?: string }) {
  const exec = take('executives', 'Executive', second.link);
  return tempProject({
    files: {
      'rolecast.config.json': JSON.stringify(CONFIG),
      'roles.yaml': ROLES,
      'issues/2026-W49/issue.json': JSON.stringify({
        subject: '{{lead}}',
        date: '2026-12-03',
        summaries: ['s/queues-cto.txt', 's/queues-exec.txt', 's/design.txt'],
      }),
      'issues/2026-W49/s/queues-cto.txt': take('CTOs', 'CTO', 'https://example.com/queues'),
      'issues/2026-W49/s/queues-exec.txt': second.title ? exec.replace('Queues Are Not a Backlog', second.title) : exec,
      'issues/2026-W49/s/design.txt': take('designers', 'Designer', 'https://example.com/design').replace(
        'Queues Are Not a Backlog',
        'Design Reviews',
      ),
      'subscribers.json': JSON.stringify([
        { email: 'cto@example.com', roles: ['CTO'] },
        { email: 'both@example.com', roles: ['CTO', 'Executive'] },
        { email: 'both2@example.com', roles: ['Executive', 'CTO', 'Designer'] },
        { email: 'exec@example.com', roles: ['Executive'] },
      ]),
    },
  });
}

const ARGS = ['issues/2026-W49', '--subscribers', 'subscribers.json'];

describe('one story written for two roles, read by a reader of both', () => {
  it.each([
    { case: 'the same title', second: {}, by: 'has the same title as' },
    {
      case: 'a link to the same article',
      second: { title: 'What Queues Cost', link: 'https://www.example.com/queues/?utm_source=x' },
      by: 'links to the same article as',
    },
  ])('check names the pair and the readers of both ($case)', async ({ second, by }) => {
    project = await twoTakes(second);
    const checked = await runCli(['check', ...ARGS, '--strict'], { cwd: project.dir });
    expect(checked.code, checked.stdout + checked.stderr).toBe(2);
    expect(checked.stdout + checked.stderr).toContain(
      `issues/2026-W49/s/queues-exec.txt: warning: roles: summary queues-exec ${by} "queues-cto", written for other roles (Executive; CTO): 2 reader(s) who hold both get the story twice in one email (CTO + Executive 1, CTO + Executive + Designer 1)`,
    );
    expect(checked.stdout + checked.stderr).toContain('give each reader one take');
  });

  it('sends readers of both roles the story twice, as check warned, and readers of one role once', async () => {
    project = await twoTakes({ link: 'https://example.com/queues' });
    const built = await runCli(['build', ...ARGS, '--out', 'out'], { cwd: project.dir });
    expect(built.stdout + built.stderr).toContain('2 reader(s) who hold both get the story twice in one email');
    server = await startSmtpServer();
    const sent = await runCli(['send', ...ARGS], { cwd: project.dir, env: sendEnv(server.url()) });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout + sent.stderr).toContain('2 reader(s) who hold both get the story twice in one email');
    const times = new Map<string, number>();
    for (const message of await server.messages())
      times.set(
        message.envelope.to[0]!,
        (message.parsed.text ?? '').match(/Written for (CTOs|executives)/g)?.length ?? 0,
      );
    expect(Object.fromEntries(times)).toEqual({
      'cto@example.com': 1,
      'exec@example.com': 1,
      'both@example.com': 2,
      'both2@example.com': 2,
    });
  });

  it('says nothing when no reader holds both roles', async () => {
    project = await twoTakes({ link: 'https://example.com/queues' });
    await project.write(
      'subscribers.json',
      JSON.stringify([
        { email: 'cto@example.com', roles: ['CTO'] },
        { email: 'exec@example.com', roles: ['Executive', 'Designer'] },
      ]),
    );
    const checked = await runCli(['check', ...ARGS, '--strict'], { cwd: project.dir });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout + checked.stderr).not.toContain('twice');
  });
});
