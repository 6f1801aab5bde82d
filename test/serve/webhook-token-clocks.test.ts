import { afterAll, beforeAll, expect, it } from 'vitest';
import { openServeBackend, type ServeBackend } from '../../src/serve/backend.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * Mailgun's signed tokens are bound to their first body in PostgreSQL, for every replica. Bindings
 * past the age any replica accepts are swept (the sweep never ran: its cut-off was a fraction of a
 * second, which a BIGINT column refuses, so the table only grew), by the database's clock: a
 * replica whose clock runs ahead must not sweep bindings the other replicas still accept the token
 * for, or a token replayed there with another body (a forged complaint, which suppresses a reader)
 * would be taken.
 */

const SECRET = 'webhook-token-clocks-secret-0123456789abcd';
const MAX_AGE = 900;

describePostgres('Mailgun token bindings and a replica whose clock runs ahead', () => {
  const databaseUrl = useFreshDatabase('webhook_token_clocks');
  let backends: ServeBackend[] = [];

  beforeAll(async () => {
    backends = await Promise.all(
      ['right', 'fast'].map(() => openServeBackend({ kind: 'postgres', url: databaseUrl() }, { secret: SECRET })),
    );
  });
  afterAll(async () => {
    for (const backend of backends) await backend.close();
  });

  it('sweeps a binding past the age every replica accepts', async () => {
    const [right] = backends as [ServeBackend];
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 500);
    const seconds = Math.floor(now.getTime() / 1000);
    expect(await right.tokenBindings!.bind('ancient-token', 'first', seconds - 3600, now, MAX_AGE)).toBe(true);
    for (let i = 0; i < 199; i++)
      expect(await right.tokenBindings!.bind(`sweep-${i}`, 'body', seconds, now, MAX_AGE)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Gone: bound again to whatever body comes (the signature's age refuses it before this anyway).
    expect(await right.tokenBindings!.bind('ancient-token', 'second', seconds - 3600, now, MAX_AGE)).toBe(true);
  });

  it('keeps a binding the other replicas still accept its token for', async () => {
    const [right, fast] = backends as [ServeBackend, ServeBackend];
    const now = new Date();
    const seconds = Math.floor(now.getTime() / 1000);
    // Signed 14 minutes ago: still fresh for 15 minutes where the clock is right.
    const signedAt = seconds - 840;
    expect(await right.tokenBindings!.bind('old-token', 'genuine', signedAt, now, MAX_AGE)).toBe(true);
    // The fast replica (12 minutes ahead) takes the webhooks of its share, sweeping as it goes.
    const ahead = new Date(now.getTime() + 720_000);
    for (let i = 0; i < 200; i++)
      expect(await fast.tokenBindings!.bind(`token-${i}`, 'body', seconds, ahead, MAX_AGE)).toBe(true);
    // The sweep runs beside the call that starts it, unawaited.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await right.tokenBindings!.bind('old-token', 'forged', signedAt, now, MAX_AGE)).toBe(false);
  });
});
