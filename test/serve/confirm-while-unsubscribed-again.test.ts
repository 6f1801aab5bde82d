import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/store-sqlite.js';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { loadTaxonomy } from '../../src/roles/taxonomy.js';
import { openStateDb } from '../../src/send/store.js';
import { openServeBackend, type ServeBackend } from '../../src/serve/backend.js';
import { startUnsubscribeServer, type UnsubscribeServer } from '../../src/serve/index.js';
import type { ReaderMail } from '../../src/serve/readers/mail.js';
import { type ReaderRoutes, readerRoutes } from '../../src/serve/routes/index.js';
import type { AddOutcome, SuppressionList } from '../../src/serve/suppressions.js';
import type { SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { closeReplicas, describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A confirmation of a signup made after the reader's unsubscribe reads when they unsubscribed, then
 * lifts that unsubscribe. An unsubscribe of theirs landing in between (a one-click on another
 * replica, a mail to the List-Unsubscribe address read by `bounces import`) dates the entry anew, so
 * the link no longer applies: it was lifted all the same, and a reader just told "unsubscribed" was
 * active and mailed again. The lift now takes only an entry no newer than the one the link was
 * checked against, and the confirmation, lifting nothing, answers 410.
 */

const SECRET = 'confirm-while-unsubscribed-again-secret';
/** The one-click endpoint of the SQLite server dates its entry by the real clock: the pages follow minutes later. */
const START = Date.now();
let clock = new Date(START);
const at = (minutes: number) => new Date(START + minutes * 60_000);

/** Once, on the confirmation's first call of `hooked`, runs `meanwhile` before the store's own. */
function interleave(
  store: SubscriberStore,
  hooked: 'transaction' | 'liftOwnUnsubscribe',
  meanwhile: () => Promise<void>,
): SubscriberStore {
  let armed = false;
  const original = store[hooked].bind(store) as (...args: unknown[]) => Promise<unknown>;
  const wrapped = async (...args: unknown[]) => {
    if (armed) {
      armed = false;
      await meanwhile();
    }
    return original(...args);
  };
  return Object.assign(Object.create(store) as SubscriberStore, {
    [hooked]: wrapped,
    arm: () => {
      armed = true;
    },
  });
}
const arm = (store: SubscriberStore) => (store as SubscriberStore & { arm(): void }).arm();

/** A promise and the function that settles it. */
function opened(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

const oneClick = (origin: string, path: string, email: string, listId: string) =>
  fetch(`${origin}${path}?${new URLSearchParams({ token: signToken({ email, listId }, SECRET) })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

const post = (origin: string, path: string, fields: Record<string, string>) =>
  fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(fields),
    redirect: 'manual',
  });

const activeReader = (email: string) =>
  readerRecord(email, {
    status: 'active',
    roles: ['CTO'],
    consent: { at: '2026-11-01T09:00:00.000Z', method: 'form', wording: 'Yes' },
    confirmedAt: '2026-11-01T09:05:00.000Z',
  });

describe('one serve on a SQLite state file', () => {
  let h: SignupServer | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a mail to the List-Unsubscribe address between the read and the lift keeps the reader out (SQLite)', async () => {
    const reader = 'between.sqlite@example.com';
    let store: SubscriberStore | undefined;
    h = await startSignupServer({
      secret: SECRET,
      now: () => clock,
      wrap: (plain) => {
        // `bounces import` in another process, taking the state file as the confirmation waits for it.
        store = interleave(plain, 'transaction', async () => {
          const other = openStateDb(h!.db.name);
          try {
            const outcome = await sqliteBounceStore(other).suppress(reader, {
              reason: 'unsubscribe',
              source: 'mailto',
              at: at(10).toISOString(),
            });
            expect(outcome).toBe(false);
          } finally {
            other.close();
          }
        });
        return store;
      },
    });
    const server = h;
    await server.store.insert(activeReader(reader));
    clock = at(0);
    expect((await oneClick(server.origin, '/unsubscribe', reader, server.config.listId)).status).toBe(200);
    clock = at(5);
    expect((await server.post('/subscribe', form({ email: reader, roles: 'CTO' }))).status).toBe(200);
    expect(await server.mailCount(1)).toBe(1);
    const token = new URL(server.mails[0]!.url).searchParams.get('token')!;

    clock = at(11);
    arm(store!);
    expect((await server.post('/confirm', form({ token }))).status).toBe(410);
    expect(server.db.prepare('SELECT created_at FROM suppressions WHERE email = ?').get(reader)).toEqual({
      created_at: at(10).toISOString(),
    });
    expect((await server.store.get(reader))?.confirmedAt).toBe('2026-11-01T09:05:00.000Z');
  });
});

describePostgres('two serve replicas on PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('confirm_unsub_again');
  let project: TempProject;
  let config: ResolvedConfig;
  const mails: ReaderMail[] = [];
  const replicas: {
    backend: ServeBackend;
    readers: ReaderRoutes;
    server: UnsubscribeServer;
    store: SubscriberStore;
  }[] = [];
  /** What replica b does while replica a's confirmation is about to lift the unsubscribe. */
  let meanwhile: () => Promise<void> = async () => {};
  /** Replica b's one-click has stored its unsubscribe, and waits for `carryOn` to spend the signup link. */
  let stored = opened();
  let carryOn: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    project = await tempProject({ withExample: true });
    config = await loadConfig({ cwd: project.dir });
    const taxonomy = await loadTaxonomy(config.rolesFile);
    for (const name of ['a', 'b']) {
      const backend = await openServeBackend({ kind: 'postgres', url: databaseUrl() }, { secret: SECRET });
      const store = name === 'a' ? interleave(backend.store, 'liftOwnUnsubscribe', () => meanwhile()) : backend.store;
      const suppressions: SuppressionList =
        name === 'b'
          ? {
              ...backend.suppressions,
              add: async (email, details) => {
                const outcome = await backend.suppressions.add(email, details);
                stored.resolve();
                return outcome as AddOutcome;
              },
            }
          : backend.suppressions;
      const readers = readerRoutes({
        config,
        taxonomy,
        store,
        suppressions,
        limiters: backend.limiters,
        secret: SECRET,
        mailer: { send: async (mail) => void mails.push(mail) },
        now: () => clock,
      });
      const server = await startUnsubscribeServer({
        config,
        secret: SECRET,
        suppressions,
        port: 0,
        routes: readers.routes,
        afterUnsubscribe: async (email) => {
          await carryOn;
          await readers.unsubscribed(email);
        },
        now: () => clock,
      });
      replicas.push({ backend, readers, server, store });
    }
  });

  afterAll(() => closeReplicas(replicas, project));

  const origin = (i: number) => new URL(replicas[i]!.server.url).origin;
  const path = () => replicas[0]!.server.path;

  /** Unsubscribed at 0, signed up again at 5 on replica a; the token of the link that signup mailed. */
  async function signedUpAgain(reader: string): Promise<string> {
    await replicas[0]!.backend.store.insert(activeReader(reader));
    clock = at(0);
    expect((await oneClick(origin(1), path(), reader, config.listId)).status).toBe(200);
    clock = at(5);
    const before = mails.length;
    expect((await post(origin(0), '/subscribe', { email: reader, roles: 'CTO' })).status).toBe(200);
    for (let i = 0; i < 200 && mails.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    const mail = mails.find((m) => m.to === reader);
    expect(mail).toBeDefined();
    return new URL(mail!.url).searchParams.get('token')!;
  }

  async function confirmWhile(reader: string, token: string, other: () => Promise<void>) {
    meanwhile = other;
    clock = at(11);
    arm(replicas[0]!.store);
    const status = (await post(origin(0), '/confirm', { token })).status;
    meanwhile = async () => {};
    return {
      status,
      suppressed: await replicas[0]!.backend.suppressions.isSuppressed(reader),
      confirmedAt: (await replicas[0]!.backend.store.get(reader))?.confirmedAt,
    };
  }

  it('a one-click on the other replica as the confirmation lifts the unsubscribe keeps the reader out', async () => {
    const reader = 'one.click.between@example.com';
    const token = await signedUpAgain(reader);
    // Its unsubscribe stored, the one-click is held before it spends the signup link.
    const held = opened();
    let answered: Promise<Response> | undefined;
    stored = opened();
    carryOn = held.promise;
    const after = await confirmWhile(reader, token, async () => {
      clock = at(10);
      answered = oneClick(origin(1), path(), reader, config.listId);
      await stored.promise;
      clock = at(11);
    });
    held.resolve();
    expect((await answered!).status).toBe(200);
    expect(after).toEqual({ status: 410, suppressed: true, confirmedAt: '2026-11-01T09:05:00.000Z' });
    expect(await replicas[0]!.backend.suppressions.isSuppressed(reader)).toBe(true);
  });

  it('a mail to the List-Unsubscribe address as the confirmation lifts the unsubscribe keeps the reader out', async () => {
    const reader = 'mailto.between@example.com';
    const token = await signedUpAgain(reader);
    const after = await confirmWhile(reader, token, async () => {
      const outcome = await replicas[1]!.backend.bounces.suppress(reader, {
        reason: 'unsubscribe',
        source: 'mailto',
        at: at(10).toISOString(),
      });
      expect(outcome).toBe(false);
    });
    expect(after).toEqual({ status: 410, suppressed: true, confirmedAt: '2026-11-01T09:05:00.000Z' });
  });

  it('with nothing in between, the link made after the unsubscribe still brings the reader back', async () => {
    const reader = 'nothing.between@example.com';
    const token = await signedUpAgain(reader);
    const after = await confirmWhile(reader, token, async () => {});
    expect(after).toMatchObject({ status: 200, suppressed: false });
  });
});
