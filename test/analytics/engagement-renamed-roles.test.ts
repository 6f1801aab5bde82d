import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTopicEngagement } from '../../src/analytics/history.js';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { sentEntry } from '../helpers/ledger.js';

/**
 * rolecast new --by-engagement orders each role's picks by the topics its readers clicked. A role
 * renamed in roles.yaml (the old name kept as an alias, "Chief Technology Officer" → CTO) lost the
 * clicks its readers gave under the old name: CTO's picks were ordered as if they had clicked
 * nothing. Every recorded name is read through today's roles file, as rolecast report does.
 */

const taxonomy = parseTaxonomy(
  'roles:\n  - name: CTO\n    aliases: [Chief Technology Officer]\n  - name: Designer\n',
  'roles.yaml',
);
const name = (role: string) => taxonomy.lookup(role) ?? role;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-engagement-renamed-'));
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

describe('topic engagement over a renamed role', () => {
  it("counts the clicks given under the role's old name", async () => {
    const engagement = await readTopicEngagement({ stateDirAbs: dir }, 8, undefined, name);
    expect([...(engagement?.roles.keys() ?? [])].sort()).toEqual(['CTO', 'Designer']);
    expect(engagement?.roles.get('CTO')).toMatchObject({ unique: 1, readers: 4 });
  });
});
