import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * Nothing drops out of an issue without a warning in check, build, send and preview data, and
 * `--strict` turns those warnings into exit 2 with nothing sent.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function run(...argv: string[]) {
  return runMain(project.dir, argv);
}

async function editManifest(edit: (manifest: Record<string, unknown> & { summaries: string[] }) => void) {
  const file = project.path('issues/2026-W48/issue.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest, null, 2));
}

/** A subscribers file whose readers all hold covered roles, so the example starts clean. */
async function cleanList(extra: object[] = []) {
  const list = [
    { email: 'cto@example.com', name: 'Casey', roles: ['CTO'] },
    { email: 'exec@example.com', name: 'Eli', roles: ['Executive'] },
    ...extra,
  ];
  await project.write('readers.json', JSON.stringify(list));
}

describe('check warns about everything that would silently drop out', () => {
  it('a misspelt role: the summary reaches no subscriber', async () => {
    await cleanList();
    await project.write(
      'issues/2026-W48/summaries/lost.json',
      JSON.stringify({ title: 'Lost', summary: 'Nobody gets this.', roles: ['Chief Tehnology Officer'] }),
    );
    await editManifest((m) => m.summaries.push('summaries/lost.json'));
    const loose = await run('check', 'issues/2026-W48', '--subscribers', 'readers.json');
    expect(loose.code).toBe(0);
    expect(loose.out).toMatch(/lost\.json: warning: roles: summary lost reaches none of the 2 recipient\(s\)/);
    const strict = await run('check', 'issues/2026-W48', '--subscribers', 'readers.json', '--strict');
    expect(strict.code).toBe(2);
    expect(strict.err).toContain('--strict');
  });

  it('a summary file in the issue folder that issue.json does not list', async () => {
    await project.write(
      'issues/2026-W48/summaries/forgotten.txt',
      'Forgotten\nSummary\nWritten and never listed.\nBest for: CTO\n',
    );
    const result = await run('check', 'issues/2026-W48');
    expect(result.out).toContain(
      'issues/2026-W48/summaries/forgotten.txt: warning: is in the issue folder but not listed in issue.json',
    );
    expect(result.out).toContain('add "summaries/forgotten.txt" to "summaries"');
    expect((await run('check', 'issues/2026-W48', '--strict')).code).toBe(2);
  });

  it('a role with readers but no summaries, and the readers who get nothing, with counts', async () => {
    await cleanList([
      { email: 'ux1@example.com', roles: ['Designer'] },
      { email: 'ux2@example.com', roles: ['Designer', 'CTO'] },
    ]);
    const result = await run('check', 'issues/2026-W48', '--subscribers', 'readers.json');
    expect(result.out).toContain('role "Designer" has 2 reader(s) but no summary this week');
    expect(result.out).toContain('1 reader(s) get nothing this issue: ux1@example.com (Designer)');
    expect(result.out).not.toContain('ux2@example.com (');
  });

  it('roles the editor lists as quiet this week are not warned about; a stale or unknown entry is', async () => {
    await cleanList([
      { email: 'ux1@example.com', roles: ['Designer'] },
      { email: 'ux2@example.com', roles: ['Designer', 'CTO'] },
    ]);
    const warned = await run('check', 'issues/2026-W48', '--subscribers', 'readers.json', '--strict');
    expect(warned.code).toBe(2);
    // The table shows on a failed check too: it is what the warnings are about.
    expect(warned.out).toMatch(/Designer .* ← none this week/);
    await editManifest((m) => {
      m.quietRoles = ['designer'];
    });
    const quiet = await run('check', 'issues/2026-W48', '--subscribers', 'readers.json');
    expect(quiet.code, quiet.all).toBe(0);
    expect(warned.out).toMatch(/warning: .*Designer/);
    expect(quiet.out).not.toMatch(/warning: .*(Designer|ux1@|get nothing)/);
    expect(quiet.out).toMatch(/Designer .* ← quiet this week \(quietRoles\)/);
    expect(quiet.out).toContain('ux1@example.com (Designer) — quiet this week');
    await editManifest((m) => {
      m.quietRoles = ['CTO', 'Desginer'];
    });
    const stale = await run('check', 'issues/2026-W48');
    expect(stale.out).toMatch(/issue\.json:\d+: warning: quietRoles\[0\]: "CTO" is listed as having nothing this week/);
    expect(stale.out).toMatch(/quietRoles\[1\]: unknown role "Desginer" — did you mean Designer\?/);
  });

  it('a date outside the ISO week the folder names', async () => {
    await editManifest((m) => {
      m.date = '2026-12-09';
    });
    const result = await run('check', 'issues/2026-W48');
    expect(result.out).toMatch(
      /issue\.json: warning: date: 2026-12-09 falls in 2026-W50, but the issue folder is 2026-W48/,
    );
  });

  it('an unknown heading gets a did-you-mean and its content is kept', async () => {
    await project.write(
      'issues/2026-W48/summaries/typo.txt',
      'Typo Heading\nSummary\nA summary.\nKey takeway\nDo the thing.\nPrincipals\n- One\nBest for: CTO\n',
    );
    await editManifest((m) => m.summaries.push('summaries/typo.txt'));
    const result = await run('parse', 'issues/2026-W48/summaries/typo.txt', '--json');
    expect(result.all).toContain('unknown heading "Key takeway", read as "Key takeaway"');
    expect(result.all).toContain('unknown heading "Principals", read as "Principles"');
    const parsed = JSON.parse(result.out.slice(result.out.indexOf('{')));
    expect(parsed.takeaway).toBe('Do the thing.');
    expect(parsed.principles).toEqual(['One']);
    expect((await run('check', 'issues/2026-W48', '--strict')).code).toBe(2);
  });

  it('Best for with ";" or " / " between known roles is read as each role, with the comma-separated spelling', async () => {
    await project.write(
      'issues/2026-W48/summaries/semi.txt',
      'Semicolons\nSummary\nA summary.\nBest for: CTO; Executive\n',
    );
    await project.write(
      'issues/2026-W48/summaries/slash.txt',
      'Slashes\nSummary\nA summary.\nBest for: CTO / Executive\n',
    );
    await editManifest((m) => m.summaries.push('summaries/semi.txt', 'summaries/slash.txt'));
    const result = await run('check', 'issues/2026-W48');
    expect(result.out).toContain(
      '"CTO; Executive" is read as 2 roles: CTO, Executive — separate roles with commas: write "CTO, Executive"',
    );
    expect(result.out).toContain(
      '"CTO / Executive" is read as 2 roles: CTO, Executive — separate roles with commas: write "CTO, Executive"',
    );
  });
});

describe('build, send and the preview data carry the same warnings', () => {
  beforeEach(async () => {
    await cleanList([{ email: 'ux1@example.com', roles: ['Designer'] }]);
  });

  it('build prints them on stderr', async () => {
    const result = await run('build', 'issues/2026-W48', '--out', 'site', '--subscribers', 'readers.json');
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain('1 reader(s) get nothing this issue: ux1@example.com (Designer)');
  });

  it('send warns and sends; send --strict sends nothing and exits 2', async () => {
    const strict = await run('send', 'issues/2026-W48', '--subscribers', 'readers.json', '--outbox', 'out', '--strict');
    expect(strict.code).toBe(2);
    expect(strict.err).toContain('role "Designer" has 1 reader(s) but no summary this week');
    expect(strict.err).toContain('nothing was sent');
    const { readdir } = await import('node:fs/promises');
    await expect(readdir(project.path('out'))).rejects.toThrow();
    const loose = await run('send', 'issues/2026-W48', '--subscribers', 'readers.json', '--outbox', 'out');
    expect(loose.code, loose.err).toBe(0);
    expect(loose.err).toContain('role "Designer" has 1 reader(s) but no summary this week');
  });

  it('the preview snapshot lists them beside the render gates', async () => {
    const { buildSnapshot } = await import('../../src/preview/snapshot.js');
    const snapshot = await buildSnapshot(
      { issueDir: 'issues/2026-W48', subscribersFile: 'readers.json', cwd: project.dir },
      1,
    );
    expect(snapshot.ok).toBe(true);
    expect(snapshot.problems.map((p) => p.message).join('\n')).toContain('role "Designer" has 1 reader(s)');
  });
});

describe('unknown command-line options', () => {
  it('say which option was meant, in one line', async () => {
    const result = await run('check', 'issues/2026-W48', '--subscriber', 'readers.json');
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe('rolecast check: unknown option --subscriber — did you mean --subscribers?');
  });
});

describe('the same story twice under two ids', () => {
  it('a pool entry and its copy in the issue folder: a warning at the later one’s line', async () => {
    await cleanList();
    const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
    await project.write('rolecast.config.json', JSON.stringify({ ...config, pool: 'pool' }));
    const story = 'Queues Are Not a Backlog\nSummary\nA queue is a promise.\nBest for: CTO\n';
    await project.write('pool/queues-are-not-a-backlog.txt', story);
    // Copied into the issue folder and retitled only in case and spacing.
    await project.write(
      'issues/2026-W48/summaries/queues.txt',
      story.replace('Queues Are Not a Backlog', 'queues are  not a backlog'),
    );
    await editManifest((m) => m.summaries.push('pool:queues-are-not-a-backlog', 'summaries/queues.txt'));
    const loose = await run('check', 'issues/2026-W48', '--subscribers', 'readers.json');
    expect(loose.code, loose.err).toBe(0);
    expect(loose.out).toMatch(
      /issue\.json:\d+: warning: summaries\[10\]: summary "queues" \(\S*summaries\/queues\.txt\) has the same title as "queues-are-not-a-backlog": a reader of both would get the story twice/,
    );
  });

  it('one story written once for each of two roles under one title is no twin: no warning for --strict to refuse', async () => {
    await cleanList();
    // Two takes on one story, each for the readers it is written for: neither may go.
    await project.write(
      'issues/2026-W48/summaries/outage-cto.txt',
      'The Outage Review\nSummary\nWhat broke, and the fix in the deploy pipeline.\nBest for: CTO\n',
    );
    await project.write(
      'issues/2026-W48/summaries/outage-exec.txt',
      'The Outage Review\nSummary\nWhat it cost, and what we promised customers.\nBest for: Executive\n',
    );
    await editManifest((m) => m.summaries.push('summaries/outage-cto.txt', 'summaries/outage-exec.txt'));
    const result = await run('check', 'issues/2026-W48', '--subscribers', 'readers.json');
    expect(result.code, result.err).toBe(0);
    expect(result.out + result.err).toContain('outage-exec');
    expect(result.out + result.err).not.toContain('has the same title');
  });
});
