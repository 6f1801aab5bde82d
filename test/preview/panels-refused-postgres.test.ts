import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrateAnalyticsPg } from '../../src/analytics/store-postgres.js';
import { migrateBounceStorePg } from '../../src/bounces/store-postgres.js';
import { openPostgres } from '../../src/db/postgres.js';
import { buildSnapshot, type ReadySnapshot } from '../../src/preview/snapshot.js';
import { createDatabase, describePostgres } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * The preview's report of the last issue and its list health read PostgreSQL without migrating it.
 * A database whose bounces or analytics a newer release moved on is refused, as build and check
 * refuse one whose readers it moved on: the panel is left out with a warning saying why, not
 * dropped without a word.
 */

const PANELS = {
  bounces: 'the list health is not shown',
  analytics: 'the report of the last issue is not shown',
} as const;

describePostgres('the preview over a PostgreSQL state a newer release moved on', () => {
  let project: TempProject;
  let database: { url: string; drop(): Promise<void> };
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
    database = await createDatabase('panels_newer');
  });
  afterEach(async () => {
    await project.cleanup();
    await database.drop();
  });

  it.each(Object.keys(PANELS) as (keyof typeof PANELS)[])(
    'with its %s moved on warns that the panel is left out',
    async (component) => {
      const pool = await openPostgres(database.url, { max: 1 });
      try {
        await migrateBounceStorePg(pool);
        await migrateAnalyticsPg(pool);
        await pool.query("INSERT INTO rolecast_migrations (component, version, name) VALUES ($1, 99, 'later')", [
          component,
        ]);
      } finally {
        await pool.end();
      }
      const snapshot = await buildSnapshot(
        {
          issueDir: 'issues/2026-W48',
          subscribersFile: 'subscribers.example.json',
          cwd: project.dir,
          env: { DATABASE_URL: database.url },
        },
        1,
      );
      expect(snapshot.ok, JSON.stringify(snapshot.problems)).toBe(true);
      const warnings = (snapshot as ReadySnapshot).problems.filter((p) => p.file === '(state)');
      expect(warnings).toEqual([
        expect.objectContaining({
          severity: 'warning',
          message: expect.stringMatching(
            new RegExp(`holds ${component} schema version 99, newer than this rolecast knows .*: ${PANELS[component]}`),
          ),
          hint: expect.stringContaining('upgrade rolecast'),
        }),
      ]);
    },
  );
});
