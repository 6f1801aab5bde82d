import { afterEach, describe, expect, it } from 'vitest';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { suppressedKind } from '../../src/send/plan.js';
import { formatReport } from '../../src/send/report.js';
import { addSuppressions } from '../../src/serve/index.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

let fixture: SendFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('send skips bounced and complained readers and counts them apart', () => {
  it.each([
    ['bounce', 'bounced'],
    ['soft-bounce', 'bounced'],
    ['complaint', 'complained'],
    ['unsubscribe', 'suppressed'],
    [undefined, 'suppressed'],
  ] as const)('suppression reason %s counts as %s', (reason, kind) => {
    expect(suppressedKind(reason)).toBe(kind);
  });

  it('a dry run reports each kind of suppression in its own column', async () => {
    fixture = await sendFixture(20);
    const [bounced, complained, unsubscribed] = fixture.subscribers.filter(
      (s) => s.status === 'active' && (s.roles.includes('CTO') || s.roles.includes('Engineering Manager')),
    );
    expect(unsubscribed).toBeDefined();
    const db = openStateDb(fixture.temp.path('.rolecast/state.db'));
    try {
      addSuppressions(db, [{ email: bounced!.email, reason: 'bounce' }], 'import:x');
      addSuppressions(db, [{ email: complained!.email, reason: 'complaint' }], 'ses');
      addSuppressions(db, [{ email: unsubscribed!.email, reason: 'unsubscribe' }], 'one-click');
    } finally {
      db.close();
    }
    const report = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(),
      dryRun: true,
    });
    expect(report.total.skipped).toMatchObject({ bounced: 1, complained: 1, suppressed: 1 });
    const text = formatReport(report);
    expect(text).toMatch(/bounced\s+complained/);
  });
});
