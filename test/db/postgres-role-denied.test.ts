import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres, postgresUrl, withDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * DATABASE_URL naming a role that may not create rolecast's tables (no CREATE on the schema, as a
 * hardened database grants by default since PostgreSQL 15): every command says which database and
 * what to grant, exit 2, never a crash report; the password stays out of it.
 */
describePostgres('a PostgreSQL role without the rights to create rolecast’s tables', () => {
  const suffix = randomBytes(4).toString('hex');
  const role = `rc_denied_${suffix}`;
  const database = `rc_denied_db_${suffix}`;
  const password = `pw-${suffix}-do-not-print`;
  let project: TempProject;

  const asAdmin = async (url: string, sql: string[]) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const statement of sql) await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await asAdmin(postgresUrl, [`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`, `CREATE DATABASE ${database}`]);
    await asAdmin(withDatabase(postgresUrl, database), [
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
      `GRANT USAGE ON SCHEMA public TO ${role}`,
    ]);
    project = await tempProject({ withExample: true });
  });
  afterAll(async () => {
    await project?.cleanup();
    await asAdmin(postgresUrl, [`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, `DROP ROLE IF EXISTS ${role}`]);
  });

  const asRole = () => {
    const url = new URL(withDatabase(postgresUrl, database));
    url.username = role;
    url.password = password;
    return url.toString();
  };

  /** Runs a command as the role: exit 2 naming the role and what to grant, never a crash, no password. */
  async function refusedAsRole(argv: string[], grant: string) {
    const run = await runMain(project.dir, argv, { DATABASE_URL: asRole(), SMTP_URL: 'smtp://127.0.0.1:9' });
    expect(run.code, run.all).toBe(2);
    expect(run.err).toContain(`does not let the role "${role}" create or use rolecast's tables`);
    expect(run.err).toContain(grant);
    expect(run.all).not.toMatch(/unexpected error|this is a bug/);
    expect(run.all).not.toContain(password);
  }

  it.each([
    ['status', ['status', 'issues/2026-W48']],
    ['subscribers list', ['subscribers', 'list']],
    ['send', ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json']],
  ])('%s says what to grant', async (_, argv) => {
    await refusedAsRole(argv, 'GRANT CREATE ON SCHEMA public');
  });

  const GRANT_TABLES = 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public';

  /** rolecast's tables, made by the database's owner. */
  async function tablesByOwner() {
    const owner = await runMain(project.dir, ['subscribers', 'list'], {
      DATABASE_URL: withDatabase(postgresUrl, database),
    });
    expect(owner.code, owner.all).toBe(0);
  }

  // Tables an owner made and granted nothing on: the reads that do not migrate meet them first.
  it.each([
    ['build', ['build', 'issues/2026-W48', '--out', 'out']],
    ['check', ['check', 'issues/2026-W48']],
    ['subscribers list', ['subscribers', 'list']],
    ['send', ['send', 'issues/2026-W48']],
  ])('%s on tables their owner granted it nothing on says what to grant', async (_, argv) => {
    await tablesByOwner();
    await refusedAsRole(argv, GRANT_TABLES);
  });

  // Granted the schema version alone: every check of it passes, then the first table refuses.
  it.each([
    ['status', ['status', 'issues/2026-W48']],
    ['subscribers list', ['subscribers', 'list']],
    ['suppress add', ['suppress', 'add', 'bo@example.com']],
  ])('%s on tables whose versions alone it may read says what to grant', async (_, argv) => {
    await tablesByOwner();
    await asAdmin(withDatabase(postgresUrl, database), [`GRANT SELECT ON rolecast_migrations TO ${role}`]);
    await refusedAsRole(argv, GRANT_TABLES);
    const client = new pg.Client({ connectionString: withDatabase(postgresUrl, database) });
    await client.connect();
    try {
      expect((await client.query('SELECT email FROM suppressions')).rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('may use the tables their owner made, without the right to create any', async () => {
    const owner = await runMain(project.dir, ['subscribers', 'add', 'ann@example.com', '--roles', 'CTO'], {
      DATABASE_URL: withDatabase(postgresUrl, database),
    });
    expect(owner.code, owner.all).toBe(0);
    await asAdmin(withDatabase(postgresUrl, database), [
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
      `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    ]);
    const run = await runMain(project.dir, ['subscribers', 'list'], { DATABASE_URL: asRole() });
    expect(run.code, run.all).toBe(0);
    expect(run.out).toContain('ann@example.com');
  });
});
