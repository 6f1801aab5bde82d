import { join } from 'node:path';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { sentEntry } from './ledger.js';

/**
 * Two issues' analytics in a state folder, with a role renamed between them in roles.yaml (the old
 * name kept as an alias, "Chief Technology Officer" → CTO): in 2026-W47 its readers clicked it under
 * the old name, in 2026-W48 they clicked Designer. `currentRoleName` reads a name through today's file.
 */
export const renamedRoleTaxonomy = parseTaxonomy(
  'roles:\n  - name: CTO\n    aliases: [Chief Technology Officer]\n  - name: Designer\n',
  'roles.yaml',
);
export const currentRoleName = (role: string) => renamedRoleTaxonomy.lookup(role) ?? role;

export function writeRenamedRoleHistory(dir: string): void {
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
}
