import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { oneStoryProject, type TempProject } from '../helpers/project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

function projectWithAQuietRole(): Promise<TempProject> {
  return oneStoryProject([
    { email: 'cto@example.net', roles: ['CTO'] },
    { email: 'designer@example.net', roles: ['Designer'] },
  ]);
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
