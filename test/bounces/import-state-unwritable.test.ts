import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hardBounceMbox } from '../helpers/bounces.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `rolecast bounces import` over a state file that takes no writes (a full disk; simulated with
 * the test hook that lets the file grow by no page). What it read goes to the unsubscribe journal,
 * with each event: the import says so and fails, since a script that deletes the mailbox after an
 * import that exits 0 would count on it being recorded; the next command that applies the journal
 * records the suppressions and the events (`bounces list`, list health).
 */

const FIXTURE = readFileSync(join(REPO_ROOT, 'test/bounces/fixtures/postfix-hard.eml'), 'latin1');
const READERS = Array.from({ length: 80 }, (_, i) => `gone.reader${i}@example.org`);

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(async () => {
  await project.cleanup();
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: project.dir, env });

describe('bounces import while the state file takes no writes', () => {
  it('fails, naming the journal its suppressions went to; the next command records them and their events', async () => {
    // The bounce table exists already, as after any earlier import.
    await project.write('first.eml', FIXTURE);
    expect((await cli(['bounces', 'import', 'first.eml'])).code).toBe(0);
    await project.write('bounces.mbox', hardBounceMbox(READERS));

    const full = await cli(['bounces', 'import', 'bounces.mbox'], { ROLECAST_TEST_STATE_GROWTH_PAGES: '0' });
    expect(full.code, full.stderr).toBe(3);
    const journal = join(project.dir, '.rolecast/state.db.unsubscribe-journal');
    expect(full.stderr).toContain(
      `the ${READERS.length} suppression(s) above, with their bounces and complaints, went to ${journal} instead`,
    );
    expect(full.stderr).toContain('the next send applies it');

    // `suppress list` applies the journal, as a send does before it plans.
    const listed = await cli(['suppress', 'list', '--json']);
    const suppressed = (JSON.parse(listed.stdout) as { email: string; reason: string }[]).map((e) => e.email);
    expect(READERS.filter((email) => suppressed.includes(email))).toEqual(READERS);
    const events = JSON.parse((await cli(['bounces', 'list', '--json'])).stdout) as { email: string; kind: string }[];
    expect(READERS.filter((email) => events.some((e) => e.email === email && e.kind === 'hard'))).toEqual(READERS);

    // Importing the same mailbox again adds nothing: each report is recorded once.
    const again = await cli(['bounces', 'import', 'bounces.mbox']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${READERS.length} already imported`);
  });
});
