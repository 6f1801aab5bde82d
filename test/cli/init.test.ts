import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const VALUES = [
  '--name',
  'Platform Notes',
  '--email',
  'notes@platform.test',
  '--postal-address',
  '1 Test Road, Berlin',
];

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('rolecast init', () => {
  it('starts a project in an empty folder that the next commands accept', async () => {
    project = await tempProject();
    const init = await runCli(['init', ...VALUES, '--timezone', 'Europe/Berlin'], { cwd: project.dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('created rolecast.config.json');
    expect(init.stdout).toContain('next:');
    const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
    expect(config).toMatchObject({
      sender: { name: 'Platform Notes', email: 'notes@platform.test' },
      listId: 'platform-notes.platform.test',
      footer: { postalAddress: '1 Test Road, Berlin' },
      timezone: 'Europe/Berlin',
    });
    expect(await readFile(project.path('roles.yaml'), 'utf8')).toContain('name: CTO');

    // The example is a draft: the pool shows it, and nothing of it is picked or sent.
    const pool = await runCli(['pool'], { cwd: project.dir });
    expect(pool.code, pool.stderr).toBe(0);
    expect(pool.stdout).toMatch(/draft\s+example-draft/);
    await project.write('summaries/queues.txt', 'Queues\nDate: 2026-12-01\nSummary\nBound them.\nBest for: CTO\n');
    const next = await runCli(['new', '--week', '2026-W50'], { cwd: project.dir });
    expect(next.code, next.stderr).toBe(0);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W50/issue.json'), 'utf8'));
    expect(issue.summaries).toEqual(['pool:queues']);
  });

  it('passes its first strict check with a summary written as the example shows', async () => {
    project = await tempProject();
    const init = await runCli(['init', ...VALUES, '--timezone', 'UTC'], { cwd: project.dir });
    expect(init.code, init.stderr).toBe(0);
    // The example's own shape, principles and tips included, marked ready: what a new editor copies first.
    const example = await readFile(project.path('summaries/example-draft.txt'), 'utf8');
    const long = ' The cost of a queue grows with its length, and a long queue hides how late work already is.'.repeat(
      4,
    );
    await project.write(
      'summaries/queues.txt',
      example
        .replace('Status: draft', 'Date: 2026-12-01')
        .replace(/^A paragraph \(or several\)[\s\S]*?delete it\.$/m, `Queues are not a backlog.${long}`)
        .replace(
          '- One principle per bullet.',
          '- Bound every queue.\n- Measure its age.\n- Shed load early.\n- Say no.',
        )
        .replace(
          '- One concrete step per bullet.',
          '- Add a limit.\n- Alert on age.\n- Drop old work.\n- Tell callers.',
        ),
    );
    const next = await runCli(['new', '--week', '2026-W50'], { cwd: project.dir });
    expect(next.code, next.stderr).toBe(0);
    const check = await runCli(['check', 'issues/2026-W50', '--strict'], { cwd: project.dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('0 warning(s)');
    // Every word of it still reaches readers: nothing is cut for an archive the project does not have.
    const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
    expect(config.cards).toEqual({ style: 'full' });
  });

  it('never overwrites a project that has a config', async () => {
    project = await tempProject({ files: { 'rolecast.config.json': '{"mine": true}\n' } });
    const result = await runCli(['init', ...VALUES], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('already exists');
    expect(await readFile(project.path('rolecast.config.json'), 'utf8')).toBe('{"mine": true}\n');
    expect(existsSync(project.path('roles.yaml'))).toBe(false);
  });

  it('names each missing or bad value and writes nothing', async () => {
    project = await tempProject();
    const missing = await runCli(['init'], { cwd: project.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --name, --email, --postal-address');

    const bad = await runCli(['init', 'new-list', '--name', 'P', '--email', 'notes@', '--postal-address', 'x'], {
      cwd: project.dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--email: sender\.email: is not a valid email address/m);
    expect(bad.stderr).toContain('nothing was written');
    expect(existsSync(project.path('new-list'))).toBe(false);
  });
});
