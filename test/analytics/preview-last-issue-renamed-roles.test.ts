import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previousIssueReport } from '../../src/analytics/previous.js';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { sentEntry } from '../helpers/ledger.js';

/**
 * The preview's panel on the last issue judges roles over the issues sent before it. A role
 * renamed in roles.yaml between them (the old name kept as an alias, "Chief Technology Officer"
 * → CTO) was two roles there: CTO, clicked under its old name last week, was called a role that
 * drew no click. Every recorded name is read through today's roles file, as rolecast report does.
 */

const taxonomy = parseTaxonomy(
  'roles:\n  - name: CTO\n    aliases: [Chief Technology Officer]\n  - name: Designer\n',
  'roles.yaml',
);
const name = (role: string) => taxonomy.lookup(role) ?? role;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-preview-renamed-'));
  const db = openStateDb(join(dir, 'state.db'));
  const store = sqliteAnalyticsStore(db);
  for (const [issue, cto, clicked, at] of [
    ['2026-W47', 'Chief Technology Officer', 'Chief Technology Officer', new Date('2026-11-16T08:00:00Z')],
    ['2026-W48', 'CTO', 'Designer', new Date('2026-11-23T08:00:00Z')],
  ] as const) {
    store.recordLayout(
      issue,
      {
        variants: [
          {
            id: 'both',
            roles: [cto, 'Designer'],
            sections: [
              { role: cto, summaryIds: [`${issue}-a`] },
              { role: 'Designer', summaryIds: [`${issue}-b`] },
            ],
          },
        ],
        summaries: [
          { id: `${issue}-a`, roles: [cto], topics: [] },
          { id: `${issue}-b`, roles: ['Designer'], topics: [] },
        ],
      },
      at,
    );
    const ledger = openLedger(db, issue, 'smtp', () => at);
    for (const email of ['a@example.com', 'b@example.com']) ledger.record(sentEntry(email, { variantId: 'both' }));
    store.recordClick({
      issueId: issue,
      summaryId: clicked === 'Designer' ? `${issue}-b` : `${issue}-a`,
      role: clicked,
      variantId: 'both',
      kind: 'article',
      target: 'https://example.com/',
      at,
      first: true,
    });
  }
  db.close();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the preview's report of the last issue over a renamed role", () => {
  it('does not call a role quiet that drew clicks under its old name', async () => {
    const report = await previousIssueReport({ stateDirAbs: dir }, '2026-W49', undefined, undefined, name);
    expect(report?.issues).toEqual(['2026-W48']);
    expect(report?.feedback.quietOver).toBe(2);
    expect(report?.feedback.quietRoles).toEqual([]);
  });
});
