import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { loadTaxonomy } from '../../src/roles/taxonomy.js';
import { openServeBackend, type ServeBackend } from '../../src/serve/backend.js';
import { startUnsubscribeServer, type UnsubscribeServer } from '../../src/serve/index.js';
import type { ReaderMail } from '../../src/serve/readers/mail.js';
import { signCsrf, verifyConfirmToken } from '../../src/serve/readers/tokens.js';
import { type ReaderRoutes, readerRoutes } from '../../src/serve/routes/index.js';
import { hashedAddress } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { closeReplicas, describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * Two `serve` replicas, each with its own connection pool, on one PostgreSQL database: every
 * request below goes to one of them (or the same request to both at once), as behind a load
 * balancer. What must hold is what one server guarantees: each change recorded exactly once.
 */

const SECRET = 'replica-test-secret-0123456789abcdef';

interface Replica {
  name: string;
  backend: ServeBackend;
  readers: ReaderRoutes;
  server: UnsubscribeServer;
  origin: string;
  log: string[];
}

describePostgres('serve replicas on one PostgreSQL database', () => {
  const databaseUrl = useFreshDatabase('replicas');
  let project: TempProject;
  let config: ResolvedConfig;
  const replicas: Replica[] = [];
  const mails: ReaderMail[] = [];

  beforeAll(async () => {
    project = await tempProject({ withExample: true });
    const loaded = await loadConfig({ cwd: project.dir });
    // Every request comes from 127.0.0.1: the per-IP limit would otherwise stop the signups.
    config = { ...loaded, readers: { ...loaded.readers, perIpPerHour: 100_000, perAddressPerHour: 100 } };
    const taxonomy = await loadTaxonomy(config.rolesFile);
    // Both start at once: the schema is migrated once, whichever wins.
    const backends = await Promise.all(
      ['a', 'b'].map(() => openServeBackend({ kind: 'postgres', url: databaseUrl() }, { secret: SECRET })),
    );
    for (const [i, backend] of backends.entries()) {
      const log: string[] = [];
      const readers = readerRoutes({
        config,
        taxonomy,
        store: backend.store,
        suppressions: backend.suppressions,
        limiters: backend.limiters,
        secret: SECRET,
        mailer: { send: async (mail) => void mails.push(mail) },
        log: (line) => log.push(line),
      });
      const server = await startUnsubscribeServer({
        config,
        secret: SECRET,
        suppressions: backend.suppressions,
        port: 0,
        routes: readers.routes,
        log: (line) => log.push(line),
        maxConnections: 1024,
        // A loaded machine can stall the event loop for seconds: no connection is closed under the
        // client as it sends its next request (a POST is not retried on a reset).
        timeouts: { headersMs: 120_000, requestMs: 120_000, keepAliveMs: 120_000, idleMs: 240_000 },
      });
      replicas.push({ name: `replica ${i}`, backend, readers, server, origin: new URL(server.url).origin, log });
    }
  });

  afterAll(() => closeReplicas(replicas, project));

  const rows = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  /** Runs the tasks `width` at a time. */
  async function inParallel<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
    const results: T[] = new Array(tasks.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < tasks.length) {
          const i = next++;
          results[i] = await tasks[i]!();
        }
      }),
    );
    return results;
  }

  const form = (fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return body.toString();
  };
  const postForm = (replica: Replica, path: string, body: string) =>
    fetch(`${replica.origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    }).then(async (response) => {
      await response.arrayBuffer();
      return response.status;
    });

  it('5,000 mixed one-click POSTs over both replicas leave exactly the right suppressions, each announced once', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const addresses = Array.from({ length: 1500 }, (_, i) => `reader${i}@example.com`);
    // Already suppressed for a bounce: keeps its record. Erased: stays a hash, never stored again.
    await rows("INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'bounce', 'import', 'then')", [
      'reader7@example.com',
    ]);
    await a.backend.store.forget('reader8@example.com', new Date());
    const token = (email: string, listId = config.listId, secret = SECRET) => signToken({ email, listId }, secret);
    const requests: { path: string; valid: string | undefined }[] = [];
    // Every address at least once, then duplicates at random; invalid tokens mixed in.
    for (const email of addresses) requests.push({ path: `?token=${token(email)}`, valid: email });
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    while (requests.length < 5000) {
      const pick = random();
      const email = addresses[Math.floor(random() * addresses.length)]!;
      if (pick < 0.1) requests.push({ path: `?token=${token(email, 'another-list')}`, valid: undefined });
      else if (pick < 0.2)
        requests.push({ path: `?token=${token(email, config.listId, 'x'.repeat(40))}`, valid: undefined });
      else if (pick < 0.25) requests.push({ path: '?token=not-a-token', valid: undefined });
      else requests.push({ path: `?token=${token(email)}`, valid: email });
    }
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    const started = performance.now();
    const statuses = await inParallel(
      requests.map((request, i) => () => {
        const replica = i % 2 === 0 ? a : b;
        return fetch(`${replica.server.url}${request.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        }).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        });
      }),
      32,
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `two serve replicas: ${requests.length} one-click POSTs in ${seconds.toFixed(2)} s (${Math.round(requests.length / seconds)}/s)`,
    );

    const expected = requests.map((r) => (r.valid ? 200 : 400));
    expect(statuses).toEqual(expected);
    const stored = await rows<{ email: string; reason: string; source: string }>(
      'SELECT email, reason, source FROM suppressions ORDER BY email',
    );
    const plain = stored.filter((r) => !r.email.startsWith('sha256:'));
    expect(plain).toHaveLength(addresses.length - 1);
    expect(new Set(plain.map((r) => r.email))).toEqual(new Set(addresses.filter((e) => e !== 'reader8@example.com')));
    expect(stored.find((r) => r.email === 'reader7@example.com')).toMatchObject({ reason: 'bounce' });
    expect(stored.filter((r) => r.email.startsWith('sha256:')).map((r) => r.email)).toEqual([
      hashedAddress('reader8@example.com'),
    ]);
    // "unsubscribed r…@example.com" is logged by the one replica whose insert recorded it, once per address.
    const announced = [...a.log, ...b.log].filter((line) => line.startsWith('unsubscribed '));
    expect(announced).toHaveLength(addresses.length - 2);
    expect(a.log.length > 0 && b.log.length > 0).toBe(true);
  }, 180_000);

  it('signups, confirmations and preference changes sent to both replicas at once are each recorded once', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const emails = Array.from({ length: 40 }, (_, i) => `signup${i}@example.com`);
    // The same signup reaches both replicas at the same time.
    await Promise.all(
      emails.flatMap((email) =>
        [a, b].map((r) => postForm(r, '/subscribe', form({ email, roles: 'Executive', name: 'S' }))),
      ),
    );
    const storeOf = a.backend.store;
    const nonceOf = (mail: ReaderMail) => {
      const check = verifyConfirmToken(new URL(mail.url).searchParams.get('token')!, SECRET, config.listId, new Date());
      return check.ok ? check.claims.nonce : undefined;
    };
    // Signups are stored after the answer: wait until both requests of each address are in the
    // audit log, and its valid link has been mailed.
    const subscribeAudits = async () =>
      (await rows<{ n: number }>("SELECT COUNT(*)::int AS n FROM reader_audit WHERE page = 'subscribe'"))[0]!.n;
    for (let i = 0; i < 1000; i++) {
      const readers = await storeOf.list({ status: 'pending' });
      const ready = readers.filter((r) => mails.some((m) => m.to === r.email && nonceOf(m) === r.confirmNonce));
      if (ready.length === emails.length && (await subscribeAudits()) >= 2 * emails.length) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await subscribeAudits()).toBe(2 * emails.length);
    const pending = await rows<{ email: string; n: number }>(
      "SELECT email, COUNT(*)::int AS n FROM readers WHERE status = 'pending' GROUP BY email ORDER BY email",
    );
    expect(pending.map((r) => r.email).sort()).toEqual([...emails].sort());

    // Every link mailed for an address, each posted to both replicas at once: one confirms.
    const confirmations = await Promise.all(
      emails.map(async (email) => {
        const links = mails.filter((m) => m.to === email).map((m) => new URL(m.url).searchParams.get('token')!);
        const statuses = await Promise.all(
          links.flatMap((token) => [a, b].map((r) => postForm(r, '/confirm', form({ token })))),
        );
        return statuses.sort();
      }),
    );
    for (const statuses of confirmations) {
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 410)).toBe(true);
    }
    const audits = await rows<{ page: string; change: string; n: number }>(
      `SELECT page, change, COUNT(*)::int AS n FROM reader_audit WHERE email LIKE 'signup%' AND page = 'confirm'
       GROUP BY page, change`,
    );
    expect(audits).toEqual([{ page: 'confirm', change: 'status: pending → active', n: emails.length }]);
    expect(await storeOf.list({ status: 'active' })).toHaveLength(emails.length);

    // Two different changes at once on the two replicas: both land. The same unsubscribe twice: once.
    const now = new Date();
    const preferences = (r: Replica, email: string, fields: Record<string, string | string[]>) => {
      const path = `${r.readers.paths.preferences}?${new URLSearchParams({ token: signToken({ email, listId: config.listId }, SECRET) })}`;
      return postForm(r, path, form({ ...fields, csrf: signCsrf(email, SECRET, now) }));
    };
    const half = emails.length / 2;
    const answers = await Promise.all(
      emails.flatMap((email, i) =>
        i < half
          ? [
              preferences(a, email, { roles: 'CTO', name: 'Changed' }),
              preferences(b, email, { do: 'pause', weeks: '2' }),
            ]
          : [preferences(a, email, { do: 'unsubscribe' }), preferences(b, email, { do: 'unsubscribe' })],
      ),
    );
    expect(answers.every((s) => s === 303)).toBe(true);
    for (const [i, email] of emails.entries()) {
      const reader = (await storeOf.get(email))!;
      const changes = (await storeOf.auditOf(email)).filter((e) => e.page === 'preferences').map((e) => e.change);
      if (i < half) {
        expect(reader).toMatchObject({ roles: ['CTO'], name: 'Changed', status: 'paused' });
        expect(changes).toHaveLength(2);
      } else {
        expect(reader.status).toBe('unsubscribed');
        expect(changes).toEqual(['status: active → unsubscribed']);
      }
    }
    const left = await rows<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM suppressions WHERE email LIKE 'signup%' AND source = 'preferences'",
    );
    expect(left[0]!.n).toBe(half);
  }, 180_000);

  it('a link of a reader signing up again after leaving, posted to both replicas at once, brings them back once', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const emails = Array.from({ length: 20 }, (_, i) => `returning${i}@example.com`);
    const tokenOf = (mail: ReaderMail) => new URL(mail.url).searchParams.get('token')!;
    const mailsTo = (email: string) => mails.filter((m) => m.to === email);
    const nthMail = async (email: string, n: number) => {
      for (let i = 0; i < 1000 && mailsTo(email).length < n; i++) await new Promise((r) => setTimeout(r, 20));
      return mailsTo(email)[n - 1]!;
    };
    const now = new Date();
    for (const email of emails) {
      await postForm(a, '/subscribe', form({ email, roles: 'CTO' }));
      expect(await postForm(b, '/confirm', form({ token: tokenOf(await nthMail(email, 1)) }))).toBe(200);
      const path = `${a.readers.paths.preferences}?${new URLSearchParams({ token: signToken({ email, listId: config.listId }, SECRET) })}`;
      expect(await postForm(a, path, form({ do: 'unsubscribe', csrf: signCsrf(email, SECRET, now) }))).toBe(303);
      await postForm(b, '/subscribe', form({ email, roles: 'CTO' }));
    }
    const statuses = await Promise.all(
      emails.map(async (email) => {
        const token = tokenOf(await nthMail(email, 2));
        return (await Promise.all([a, b].map((r) => postForm(r, '/confirm', form({ token }))))).sort();
      }),
    );
    expect(statuses).toEqual(emails.map(() => [200, 410]));
    const back = await rows<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM reader_audit WHERE email LIKE 'returning%' AND change LIKE '%signed up again'",
    );
    expect(back[0]!.n).toBe(emails.length);
    const left = await rows<{ n: number }>("SELECT COUNT(*)::int AS n FROM suppressions WHERE email LIKE 'returning%'");
    expect(left[0]!.n).toBe(0);
    for (const email of emails) expect((await a.backend.store.get(email))?.status).toBe('active');
  }, 180_000);

  it('the signup limits are one quota for all replicas, keyed by an HMAC rather than the address', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const clock = () => Date.parse('2026-12-01T10:00:00Z');
    const limiters = [a, b].map((r) => r.backend.limiters!('test', 5, 3600_000, clock));
    const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => limiters[i % 2]!.take('limited@example.com')));
    expect(taken.filter(Boolean)).toHaveLength(5);
    // A new window starts the count again (the hour is over by the database's clock).
    await rows("UPDATE rate_limits SET reset_at = reset_at - 3600000 WHERE scope = 'test'");
    expect(await limiters[0]!.take('limited@example.com')).toBe(true);
    const keys = await rows<{ key: string }>("SELECT key FROM rate_limits WHERE scope = 'test'");
    expect(keys).toHaveLength(1);
    expect(keys[0]!.key).not.toContain('limited');
  });

  it("Mailgun's token bindings are shared: a token replayed at the other replica with another body is refused", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const now = new Date();
    const at = Math.floor(now.getTime() / 1000);
    expect(await a.backend.tokenBindings!.bind('tok-1', 'body-1', at, now, 900)).toBe(true);
    // The provider's retry of the same call, at either replica, is accepted.
    expect(await b.backend.tokenBindings!.bind('tok-1', 'body-1', at, now, 900)).toBe(true);
    expect(await b.backend.tokenBindings!.bind('tok-1', 'forged', at, now, 900)).toBe(false);
    expect(await a.backend.tokenBindings!.bind('tok-1', 'forged', at, now, 900)).toBe(false);
  });
});
