import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `rolecast check --subscribers` ended with "12 subscriber(s)", counting the unsubscribed reader and
 * the suppressed ones that the coverage table above it leaves out. The line now says both counts.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const check = ['check', 'issues/2026-W48', '--subscribers', 'subscribers.example.json'];

describe("check's last line counts readers as the coverage table does", () => {
  it('says how many of the list are active and how many suppressed or unsubscribed', async () => {
    project = await tempProject({ withExample: true });
    const before = await runCli(check, { cwd: project.dir });
    expect(before.code, before.stderr).toBe(0);
    // The example list holds twelve readers, one of them unsubscribed.
    expect(before.stdout).toContain('12 subscriber(s), 11 active, 1 suppressed or unsubscribed;');

    for (const email of ['ellen.park@example.com', 'sam.okafor@example.org'])
      expect((await runCli(['suppress', 'add', email], { cwd: project.dir })).code).toBe(0);
    const after = await runCli(check, { cwd: project.dir });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('12 subscriber(s), 9 active, 3 suppressed or unsubscribed;');
    // The table's own count of active readers says the same.
    expect(after.stdout).toContain('readers: 9 active in');
  });
});
