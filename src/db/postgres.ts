import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { RolecastError } from '../errors.js';

/**
 * PostgreSQL, for state that several hosts share (`DATABASE_URL=postgres://…`). `pg` is loaded on
 * first use: commands that only touch a SQLite state file never pay for it.
 */
export type { Pool, PoolClient } from 'pg';

/** True for the URLs the PostgreSQL backend takes. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** postgres://user:secret@host/db → postgres://user:***@host/db, for anything a human reads. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // pg also logs in with `?password=` (and `sslpassword=` unlocks the client key).
    for (const name of [...parsed.searchParams.keys()])
      if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return 'postgres://***';
  }
}

/**
 * What the server or the connection said (no such database, a refused login, a bad parameter),
 * with every secret of the URL taken out: a server may quote a value it refused.
 */
function databaseReason(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : '';
  if (!message) return '';
  let text = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
  for (const secret of urlSecrets(url)) text = text.split(secret).join('***');
  return ` (${text})`;
}

/** The password and secret-looking query values of a connection URL, as written and decoded. */
function urlSecrets(url: string): string[] {
  const found: string[] = [];
  try {
    const parsed = new URL(url);
    if (parsed.password) found.push(parsed.password, safeDecode(parsed.password));
    for (const [name, value] of parsed.searchParams) if (SECRET_PARAMETER.test(name) && value) found.push(value);
  } catch {
    // Unparseable: pg could not have used it either.
  }
  return found.filter((secret) => secret.length > 0);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Query parameters of a connection URL that may hold a secret. */
export const SECRET_PARAMETER = /pass|secret|token|key/i;

export interface PoolOptions {
  /** Connections this process may hold at once. */
  max?: number | undefined;
  applicationName?: string | undefined;
  /** How long the server may work on one statement (ms); `?statement_timeout=` in the URL wins. */
  statementTimeoutMs?: number | undefined;
  /** How long connecting may take (ms); `?connect_timeout=` (seconds, as in libpq) in the URL wins. */
  connectionTimeoutMs?: number | undefined;
}

/** A statement still running after this long is cancelled: a stuck database must not hang a request or a send. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
/** Beyond the statement timeout, how long the client waits for a server that no longer answers at all. */
const READ_GRACE_MS = 5_000;

/** The timeouts for a URL: its own parameters first, then the options, then the defaults. */
export function databaseTimeouts(
  url: string,
  options: PoolOptions = {},
): { statementMs: number; connectionMs: number; queryMs: number } {
  let params: URLSearchParams | undefined;
  try {
    params = new URL(url).searchParams;
  } catch {
    params = undefined;
  }
  const positive = (value: string | null | undefined, scale = 1) => {
    const n = Number(value);
    return value && Number.isFinite(n) && n > 0 ? n * scale : undefined;
  };
  const statementMs =
    positive(params?.get('statement_timeout')) ?? options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const connectionMs =
    positive(params?.get('connect_timeout'), 1000) ?? options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
  return { statementMs, connectionMs, queryMs: statementMs + READ_GRACE_MS };
}

/** Error codes and messages that mean "the database did not answer in time or went away". */
function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // 57014 query_canceled (statement_timeout), 57P0x shutdown, 08xxx connection exceptions.
    if (code === '57014' || code.startsWith('57P') || code.startsWith('08')) return true;
    // 53300 too_many_connections; a database closed to connections for maintenance (55000) says so.
    if (code === '53300') return true;
    if (code === '55000' && typeof message === 'string' && /not currently accepting connections/i.test(message))
      return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  }
  return (
    typeof message === 'string' && /timeout|Connection terminated|connection error and is not queryable/i.test(message)
  );
}

/** A database error that means "unreachable or too slow" as E_STATE_UNAVAILABLE; anything else as is. */
export function unavailableError(url: string, error: unknown, timeouts: { statementMs: number }): unknown {
  if (error instanceof RolecastError || !isUnavailable(error)) return error;
  return new RolecastError(
    'E_STATE_UNAVAILABLE',
    `the database at ${redactDatabaseUrl(url)} did not answer in time or closed the connection`,
    {
      hint: `check that the server is running and not overloaded; statements are cancelled after ${timeouts.statementMs} ms (set ?statement_timeout=MS or ?connect_timeout=SECONDS in DATABASE_URL to change it)`,
      cause: error,
    },
  );
}

/** A connection pool; the first query proves the server is reachable (E_STATE_UNAVAILABLE if not). */
export async function openPostgres(url: string, options: PoolOptions = {}): Promise<Pool> {
  const { default: pg } = await import('pg');
  // BIGINT counts come back as strings by default; ours fit a JS number.
  pg.types.setTypeParser(20, (value: string) => Number(value));
  const timeouts = databaseTimeouts(url, options);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'rolecast',
    connectionTimeoutMillis: timeouts.connectionMs,
    statement_timeout: timeouts.statementMs,
    // Client side: a server that stops answering altogether never cancels anything itself.
    query_timeout: timeouts.queryMs,
  });
  // An idle client that loses its server emits 'error' on the pool; unhandled, it would kill the process.
  pool.on('error', () => {});
  const translate = (error: unknown) => deniedError(url, unavailableError(url, error, timeouts));
  // Every query, on the pool and on checked-out clients, reports a timeout as E_STATE_UNAVAILABLE
  // and a right the role lacks as E_STATE_DENIED.
  pool.on('connect', (client) => {
    // pg-pool listens for a client's errors only while it is idle in the pool: one checked out
    // (in a transaction, holding the migration lock) whose server ends the connection (a restart,
    // a failover, pg_terminate_backend) emits an 'error' nobody hears, and the process dies. Its
    // queries fail instead (E_STATE_UNAVAILABLE), and the pool drops it when it is released.
    client.on('error', () => {});
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      return result instanceof Promise
        ? result.catch((error: unknown) => {
            throw translate(error);
          })
        : result;
    };
  });
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    const result = poolQuery(...args);
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          throw translate(error);
        })
      : result;
  };
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { connect: unknown }).connect = (...args: unknown[]) => {
    const result = connect(...args);
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          throw translate(error);
        })
      : result;
  };
  try {
    await pool.query('SELECT 1');
  } catch (cause) {
    await pool.end().catch(() => {});
    const reason = cause instanceof RolecastError ? cause.cause : cause;
    throw new RolecastError(
      'E_STATE_UNAVAILABLE',
      `cannot reach the database at ${redactDatabaseUrl(url)}${databaseReason(reason, url)}`,
      { hint: `${unreachableHint(reason)}; nothing was sent`, cause: reason },
    );
  }
  return pool;
}

/** Node's codes for a server certificate that did not verify. */
const CERTIFICATE_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * What to do about a first connection that failed. pg reads `sslmode=require` (and `prefer`,
 * `verify-ca`) as `verify-full`, unlike libpq, which encrypts without checking the certificate: a
 * URL copied from a psql setup then fails on a server whose certificate no public CA signed.
 */
function unreachableHint(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && CERTIFICATE_CODES.test(code))
    return "the database server's TLS certificate did not verify: give its CA in DATABASE_URL with ?sslrootcert=FILE (with sslmode=verify-full), or, to encrypt without checking it as psql's sslmode=require does, add ?uselibpqcompat=true&sslmode=require";
  if (typeof message === 'string' && /does not support SSL/i.test(message))
    return 'DATABASE_URL asks for TLS (sslmode=…) and this server does not offer it: turn on ssl in its postgresql.conf, or take sslmode out of the URL if the connection need not be encrypted';
  return 'check DATABASE_URL (host, port, user, database) and that the server is running';
}

/** One versioned step of a component's schema. Steps never change once released: add a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_LOCK = 'rolecast:migrate';

const LEDGER = `CREATE TABLE IF NOT EXISTS rolecast_migrations (
  component TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (component, version)
)`;

/**
 * Applies a component's migrations that this database has not seen, each in its own transaction.
 * One advisory lock for every component serialises hosts starting at once, so two replicas never
 * run a step twice, nor race to create the same table (`IF NOT EXISTS` is not safe against a
 * concurrent create). Returns the versions applied now.
 */
export async function migrate(pool: Pool, component: string, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    try {
      // Made only when missing: a role that may use the tables but not create any (an owner ran
      // the migrations) needs no CREATE right while nothing is left to apply.
      if (!(await hasTable(client, 'rolecast_migrations'))) await client.query(LEDGER);
      const done = await client.query<{ version: number }>(
        'SELECT version FROM rolecast_migrations WHERE component = $1',
        [component],
      );
      const seen = new Set(done.rows.map((r) => r.version));
      assertKnown(pool, component, Math.max(0, ...seen), migrations);
      for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
        if (seen.has(step.version)) continue;
        await inTransaction(client, async () => {
          await client.query(step.sql);
          await client.query('INSERT INTO rolecast_migrations (component, version, name) VALUES ($1, $2, $3)', [
            component,
            step.version,
            step.name,
          ]);
        });
        applied.push(step.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
  return applied;
}

/** A component whose newest applied step is past every step this release knows: E_STATE_NEWER. */
function assertKnown(pool: Pool, component: string, newest: number, migrations: readonly Migration[]): void {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const url = poolUrl(pool);
  if (newest > known)
    throw new RolecastError(
      'E_STATE_NEWER',
      `the database at ${url ? redactDatabaseUrl(url) : 'DATABASE_URL'} holds ${component} schema version ${newest}, newer than this rolecast knows (${known})`,
      { hint: 'upgrade rolecast on this host to the version the other hosts run; nothing was changed' },
    );
}

/**
 * For reads that do not migrate: refuses (E_STATE_NEWER) a database where a newer release moved
 * one of these components on, before any of its rows is read. Such a release may keep readers or
 * suppressions where this one does not look (a table renamed, a status added), and read anyway
 * they would come out empty or partial. A database with no migrations yet passes.
 */
export async function assertSchemaKnown(
  pool: Pool,
  components: Readonly<Record<string, readonly Migration[]>>,
): Promise<void> {
  if (!(await hasTable(pool, 'rolecast_migrations'))) return;
  const { rows } = await pool.query<{ component: string; newest: number }>(
    'SELECT component, max(version) AS newest FROM rolecast_migrations WHERE component = ANY($1::text[]) GROUP BY component',
    [Object.keys(components)],
  );
  for (const { component, newest } of rows) assertKnown(pool, component, newest, components[component] ?? []);
}

/** Whether a table of this name is there for the role (on its search path); nothing is created. */
export async function hasTable(
  db: { query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> },
  table: string,
): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  return rows[0]?.found != null;
}

/** The URL a pool was opened with, when it was opened with one. */
function poolUrl(pool: Pool): string | undefined {
  return (pool as unknown as { options?: { connectionString?: string } }).options?.connectionString;
}

/**
 * A role that may not create or use rolecast's tables (no CREATE on the schema, tables another role
 * owns or granted it nothing on) as the person sees it, not as a crash: which database, and what to
 * grant. Anything else is returned as it is.
 */
function deniedError(url: string, error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code !== '42501') return error;
  let user = '';
  try {
    user = decodeURIComponent(new URL(url).username);
  } catch {
    // A connection string that is not a URL: the message names no role.
  }
  const message = (error as Error).message;
  return new RolecastError(
    'E_STATE_DENIED',
    `the database at ${redactDatabaseUrl(url)} does not let ${user ? `the role "${user}"` : 'its role'} create or use rolecast's tables (${message})`,
    {
      // Thrown wherever the role meets a table it may not use: before a send, or part way through one.
      hint: /permission denied for (table|sequence)/i.test(message) ? GRANT_TABLES : GRANT_CREATE,
      cause: error,
    },
  );
}

const GRANT_CREATE =
  'rolecast creates and upgrades its tables when it first opens the database: give that role CREATE on its schema (GRANT CREATE ON SCHEMA public TO …) and ownership of tables an earlier role made, or run the command once as a role that has them';
/** Tables another role made: this one reads and writes them only once granted. */
const GRANT_TABLES =
  "rolecast's tables belong to another role: as that role, grant this one their use (GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO …; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO …), or give it their ownership";

/** Runs `work` in one transaction on a client of its own; rolls back when it throws. */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, () => work(client));
  } finally {
    client.release();
  }
}

async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
