import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { loadConfig } from '../../src/config/load.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { sentEntry } from '../helpers/ledger.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * The example roles.yaml names CTO with "Chief Technology Officer" as an alias: an issue sent while
 * the role was still called "Chief Technology Officer" and one sent as CTO are one role in
 * rolecast report --since, not two rows each with part of the readers and clicks.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function sentUnderTwoNames(): Promise<TempProject> {
  const temp = await tempProject({ withExample: true });
  const config = await loadConfig({ cwd: temp.dir });
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const store = sqliteAnalyticsStore(db);
  for (const [issue, role, at] of [
    ['2026-W47', 'Chief Technology Officer', new Date(Date.now() - 10 * 86_400_000)],
    ['2026-W48', 'CTO', new Date(Date.now() - 3 * 86_400_000)],
  ] as const) {
    store.recordLayout(
      issue,
      {
        variants: [{ id: 'cto', roles: [role], sections: [{ role, summaryIds: [`${issue}-a`] }] }],
        summaries: [{ id: `${issue}-a`, roles: [role], topics: [] }],
      },
      at,
    );
    const ledger = openLedger(db, issue, 'smtp', () => at);
    for (const email of ['a@example.com', 'b@example.com']) ledger.record(sentEntry(email));
    store.recordClick({
      issueId: issue,
      summaryId: `${issue}-a`,
      role,
      variantId: 'cto',
      kind: 'article',
      target: 'https://example.com/',
      at,
      first: true,
    });
  }
  db.close();
  return temp;
}

describe('rolecast report --since over a renamed role', () => {
  it('shows one role with the readers and clicks of both names', async () => {
    project = await sentUnderTwoNames();
    const result = await runMain(project.dir, ['report', '--since', '4w', '--csv']);
    expect(result.code, result.all).toBe(0);
    const roleRows = result.out.split('\r\n').filter((line) => line.startsWith('role,'));
    expect(roleRows).toEqual(['role,CTO,,4,4,0,0,0,,2,2,']);
  });

  it('says so when roles.yaml cannot be read, rather than splitting the role in silence', async () => {
    project = await sentUnderTwoNames();
    const config = await loadConfig({ cwd: project.dir });
    await appendFile(config.rolesFile, '\n  - [unclosed\n');
    const result = await runMain(project.dir, ['report', '--since', '4w', '--csv']);
    expect(result.code, result.all).toBe(0);
    const roleRows = result.out.split('\r\n').filter((line) => line.startsWith('role,'));
    expect(roleRows).toEqual(['role,CTO,,2,2,0,0,0,,1,1,', 'role,Chief Technology Officer,,2,2,0,0,0,,1,1,']);
    expect(result.err).toMatch(/roles\.yaml.*roles are named as each send recorded them/);
    expect(result.err).toContain('fix roles.yaml');
  });
});
