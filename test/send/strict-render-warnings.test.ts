import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `send --strict` refuses a send for the warnings `check` gives, including the ones only a render
 * finds: compact cards leaving out text no reader can read without an archive.
 */
const CONFIG = {
  sender: { name: 'Platform Notes', email: 'notes@platform.test' },
  listId: 'notes.platform.test',
  footer: { postalAddress: '1 Test Road, Berlin' },
};
const LONG = Array.from({ length: 12 }, (_, i) => `Point ${i + 1} of the argument, said once more.`).join(' ');

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function projectWith(config: object) {
  project = await tempProject({
    files: {
      'issues/2026-W51/long.txt': `Queues Need Owners\nSummary\n${LONG}\nPrinciples\n- Name an owner.\nBest for: CTO\nLink: https://example.org/queues\n`,
      'issues/2026-W51/issue.json': JSON.stringify({
        subject: '{{lead}}',
        date: '2026-12-14',
        summaries: ['long.txt'],
      }),
      'readers.json': JSON.stringify([{ email: 'cto@example.com', roles: ['CTO'] }]),
      'rolecast.config.json': JSON.stringify(config),
      'roles.yaml': await readFile(`${REPO_ROOT}/roles.yaml`, 'utf8'),
    },
  });
  return project;
}

function dryRun(dir: string, ...extra: string[]) {
  return runMain(dir, ['send', 'issues/2026-W51', '--subscribers', 'readers.json', '--dry-run', ...extra]);
}

describe('send --strict and the compact cards warning', () => {
  it('a dry run warns and counts it; with --strict it exits 2 and sends nothing', async () => {
    const dir = (await projectWith(CONFIG)).dir;
    const loose = await dryRun(dir);
    expect(loose.code, loose.all).toBe(0);
    expect(loose.all).toContain('compact cards leave out text of 1 summary(ies)');
    const strict = await dryRun(dir, '--strict');
    expect(strict.code, strict.all).toBe(2);
    expect(strict.err).toContain('--strict: 1 warning(s) found; nothing was sent');
  });

  it('full cards give no such warning, and --strict lets the dry run through', async () => {
    const dir = (await projectWith({ ...CONFIG, cards: { style: 'full' } })).dir;
    const strict = await dryRun(dir, '--strict');
    expect(strict.code, strict.all).toBe(0);
    expect(strict.all).not.toContain('compact cards leave out');
  });
});
