import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function projectWithAQuietRole(): Promise<TempProject> {
  return tempProject({
    files: {
      'rolecast.config.json': JSON.stringify({
        sender: { name: 'Platform Notes', email: 'notes@platform.test' },
        listId: 'notes.platform.test',
        footer: { postalAddress: '1 Test Road, Berlin' },
      }),
      'roles.yaml': await readFile(`${REPO_ROOT}/roles.yaml`, 'utf8'),
      'issues/2026-W49/issue.json': JSON.stringify({ subject: '{{lead}}', date: '2026-11-30', summaries: ['a.txt'] }),
      'issues/2026-W49/a.txt': 'Queues\nSummary\nBound them.\nBest for: CTO\nLink: https://example.org/q\n',
      'subscribers.json': JSON.stringify([
        { email: 'cto@example.net', roles: ['CTO'] },
        { email: 'designer@example.net', roles: ['Designer'] },
      ]),
    },
  });
}

describe('send: warnings printed before the report', () => {
  it('are counted on the last line, after the report, so they do not scroll away unseen', async () => {
    project = await projectWithAQuietRole();
    const result = await runCli(['send', 'issues/2026-W49', '--subscribers', 'subscribers.json', '--dry-run'], {
      cwd: project.dir,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('would send 1 message(s)');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.filter((line) => line.includes(': warning: '))).toHaveLength(2);
    expect(lines.at(-1)).toBe('2 warning(s) above, printed before the report — --strict refuses to send with any');
  });

  it('are not counted in --json output, which stays one JSON document', async () => {
    project = await projectWithAQuietRole();
    const result = await runCli(
      ['send', 'issues/2026-W49', '--subscribers', 'subscribers.json', '--dry-run', '--json'],
      { cwd: project.dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('warning(s) above');
    expect(JSON.parse(result.stdout).total.planned).toBe(1);
  });
});
