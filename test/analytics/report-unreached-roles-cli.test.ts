import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { loadConfig } from '../../src/config/load.js';
import { loadTaxonomy } from '../../src/roles/taxonomy.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { sentEntry } from '../helpers/ledger.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * The per-role table lists the roles whose sections reached readers. A role of roles.yaml that no
 * reader got a section of (no summary for it this week, or no reader holding it) is said so, rather
 * than left out as if the list had no such role.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function sentToCtosOnly(): Promise<{ temp: TempProject; others: string[] }> {
  const temp = await tempProject({ withExample: true });
  const config = await loadConfig({ cwd: temp.dir });
  const others = (await loadTaxonomy(config.rolesFile)).roles.map((role) => role.name).filter((r) => r !== 'CTO');
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const store = sqliteAnalyticsStore(db);
  const at = new Date(Date.now() - 86_400_000);
  store.recordLayout(
    '2026-W48',
    {
      variants: [{ id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['a'] }] }],
      summaries: [{ id: 'a', roles: ['CTO'], topics: [] }],
    },
    at,
  );
  const ledger = openLedger(db, '2026-W48', 'smtp', () => at);
  for (const email of ['a@example.com', 'b@example.com']) ledger.record(sentEntry(email));
  db.close();
  return { temp, others };
}

describe('rolecast report names the roles no reader got a section of', () => {
  it('in the table, beside the roles that had readers', async () => {
    const { temp, others } = await sentToCtosOnly();
    project = temp;
    expect(others.length).toBeGreaterThan(0);
    const result = await runMain(project.dir, ['report', 'issues/2026-W48']);
    expect(result.code, result.all).toBe(0);
    const line = result.out.split('\n').find((l) => l.includes('no reader got a section of'));
    expect(line, result.out).toBeDefined();
    for (const role of others) expect(line).toContain(role);
    expect(line).not.toMatch(/\bCTO\b/);
  });

  it('in JSON and CSV', async () => {
    const { temp, others } = await sentToCtosOnly();
    project = temp;
    const json = await runMain(project.dir, ['report', 'issues/2026-W48', '--json']);
    expect(json.code, json.all).toBe(0);
    expect(JSON.parse(json.out).unreachedRoles).toEqual(others);
    const csv = await runMain(project.dir, ['report', 'issues/2026-W48', '--csv']);
    const rows = csv.out.split('\r\n').filter((line) => line.startsWith('unreached role,'));
    expect(rows.map((row) => row.split(',')[1])).toEqual(others);
    expect(csv.out.split('\r\n').filter((line) => line.startsWith('role,'))).toEqual(['role,CTO,,2,2,0,0,0,,0,0,']);
  });
});
