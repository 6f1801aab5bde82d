import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { migrateBounceStorePg } from '../../src/bounces/store-postgres.js';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { hashedAddress } from '../../src/store/hash.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `subscribers forget` with the state in PostgreSQL: the address is left in no row of any table
 * (readers, audit lines, deliveries, suppressions, bounce events with the server's text, send plans),
 * only its hashed suppression, which a later send honours.
 */

describePostgres('subscribers forget with the state in PostgreSQL', () => {
  const url = useFreshDatabase('forget');
  const reader = 'priya.raman@example.com';
  let pool: Pool;
  let project: TempProject;
  beforeAll(async () => {
    pool = await openPostgres(url(), { max: 2 });
  });
  afterAll(() => pool?.end());
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(() => project.cleanup());

  /** Every row of every table, as text, lower-cased. */
  const everything = async (): Promise<Map<string, string>> => {
    const tables = await pool.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const out = new Map<string, string>();
    for (const { name } of tables.rows) {
      const rows = await pool.query(`SELECT t::text AS row FROM "${name}" t`);
      out.set(name, rows.rows.map((r: { row: string }) => r.row.toLowerCase()).join('\n'));
    }
    return out;
  };

  it('leaves the address in no table, only its hashed suppression', async () => {
    const env = { DATABASE_URL: url() };
    const imported = await runMain(project.dir, ['subscribers', 'import', 'subscribers.example.json'], env);
    expect(imported.code, imported.all).toBe(0);
    await migrateBounceStorePg(pool);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
    await pool.query(
      `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, attempts, updated_at)
       VALUES ('2026-W47', 'smtp', $1, 'v1', 'sent', '<m@x>', 250, 1, '2026-11-20T08:00:00Z')`,
      [reader],
    );
    await pool.query(
      `INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'complaint', 'test', '2026-11-20T08:00:00Z')`,
      [reader],
    );
    await pool.query(
      `INSERT INTO bounce_events VALUES ('ev1', '2026-W47', $1, 'soft', '4.2.2', 'mailbox of priya.raman@example.com full',
       'mailbox', 'counted', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z')`,
      [reader],
    );
    await pool.query(
      `INSERT INTO reader_audit (email, at, page, change)
       VALUES ('jonas@example.com', '2026-11-20T09:00:00Z', 'preferences', 'pendingEmail: (none) → priya.raman@example.com')`,
    );
    await pool.query(
      `INSERT INTO send_items (issue_id, channel, plan_id, seq, email, variant_id) VALUES ('2026-W48', 'smtp', 'p1', 0, $1, 'v1')`,
      [reader],
    );
    await pool.query(
      `INSERT INTO send_plan_readers (issue_id, channel, plan_id, seq, email, reader) VALUES ('2026-W48', 'smtp', 'p1', 0, $1, $2)`,
      [reader, JSON.stringify({ email: reader, name: 'Priya Raman', roles: ['CTO'] })],
    );
    const before = await everything();
    const tables = ['readers', 'deliveries', 'suppressions', 'bounce_events', 'reader_audit', 'send_items'];
    for (const table of [...tables, 'send_plan_readers']) expect(before.get(table), table).toContain('priya');

    const forgot = await runMain(project.dir, ['subscribers', 'forget', 'Priya.Raman@example.com'], env);
    expect(forgot.code, forgot.all).toBe(0);
    for (const [table, rows] of await everything()) expect(rows, table).not.toContain('priya');
    const hashed = await pool.query('SELECT reason FROM suppressions WHERE email = $1', [hashedAddress(reader)]);
    expect(hashed.rows).toEqual([{ reason: 'erased' }]);
    // The bounce history stays, under the hashed key, without the server's text.
    const kept = await pool.query('SELECT email, diagnostic FROM bounce_events');
    expect(kept.rows).toEqual([{ email: hashedAddress(reader), diagnostic: '' }]);

    // A later list that still names the address does not reach it.
    const sent = await runMain(
      project.dir,
      ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--dry-run'],
      env,
    );
    expect(sent.code, sent.all).toBe(0);
    // Nine planned, and the erased reader among those left out as suppressed.
    expect(sent.all).toMatch(/^total\s+9\s+0\s+0\s+0\s+9\s+1\s+1\s/m);
    expect(sent.all.toLowerCase()).not.toContain('priya');
  });
});
