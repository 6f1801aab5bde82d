import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSnapshot, type ReadySnapshot } from '../../src/preview/snapshot.js';
import { addSuppression, openStateDb } from '../../src/send/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { ISSUE_DIR, SUBSCRIBERS } from './_fixture.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function snapshot(dir: string): Promise<ReadySnapshot> {
  const result = await buildSnapshot({ issueDir: ISSUE_DIR, subscribersFile: SUBSCRIBERS, cwd: dir }, 1);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

describe('preview recipient counts', () => {
  it('skip suppressed addresses, reading the state file without creating one', async () => {
    project = await tempProject({ withExample: true });
    const stateFile = project.path('.rolecast/state.db');
    const before = await snapshot(project.dir);
    expect(total(before.recipientCount)).toBe(10);
    expect(existsSync(stateFile)).toBe(false);

    const db = openStateDb(stateFile);
    addSuppression(db, 'Deepak.Iyer@example.net', { reason: 'unsubscribe' });
    db.close();
    const after = await snapshot(project.dir);
    expect(total(after.recipientCount)).toBe(9);
    expect(after.plan?.skipped.map((s) => [s.subscriber.email, s.reason])).toContainEqual([
      'deepak.iyer@example.net',
      'suppressed',
    ]);
    expect(after.plan?.recipients.map((r) => r.subscriber.email)).not.toContain('deepak.iyer@example.net');
  });
});
