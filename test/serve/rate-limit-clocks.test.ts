import { afterAll, beforeAll, expect, it } from 'vitest';
import { openServeBackend, type ServeBackend } from '../../src/serve/backend.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * The signup limits `serve` replicas share count their windows by the database's clock: a replica
 * whose clock runs hours ahead must not end a window the others are in, which gave a script
 * spreading its posts over the replicas a fresh allowance at that replica whenever it liked.
 */

const SECRET = 'rate-limit-clocks-secret-0123456789abcdef';
const HOUR = 3600_000;

describePostgres('shared signup limits and replicas whose clocks differ', () => {
  const databaseUrl = useFreshDatabase('rate_limit_clocks');
  let backends: ServeBackend[] = [];

  beforeAll(async () => {
    backends = await Promise.all(
      ['right', 'fast'].map(() => openServeBackend({ kind: 'postgres', url: databaseUrl() }, { secret: SECRET })),
    );
  });
  afterAll(async () => {
    for (const backend of backends) await backend.close();
  });

  it('a replica whose clock runs ahead does not end the window the others counted', async () => {
    const [right, fast] = backends as [ServeBackend, ServeBackend];
    const onTime = right.limiters!('address', 3, HOUR, () => Date.now());
    const ahead = fast.limiters!('address', 3, HOUR, () => Date.now() + 2 * HOUR);
    const taken = [];
    for (let i = 0; i < 3; i++) taken.push(await onTime.take('limited@example.com'));
    expect(taken).toEqual([true, true, true]);
    expect(await ahead.take('limited@example.com')).toBe(false);
    expect(await onTime.take('limited@example.com')).toBe(false);
  });

  it('nor does a replica whose clock runs behind keep a window the database has ended', async () => {
    const [right, fast] = backends as [ServeBackend, ServeBackend];
    const behind = right.limiters!('ip', 2, 1000, () => Date.now() - 2 * HOUR);
    const onTime = fast.limiters!('ip', 2, 1000, () => Date.now());
    expect(await behind.take('203.0.113.0/24')).toBe(true);
    expect(await onTime.take('203.0.113.0/24')).toBe(true);
    expect(await behind.take('203.0.113.0/24')).toBe(false);
    // A second later by the database's clock, the window is over wherever it is asked.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await behind.take('203.0.113.0/24')).toBe(true);
  });
});
