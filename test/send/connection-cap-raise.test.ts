import { afterEach, describe, expect, it } from 'vitest';
import { createWirePool, type WirePool } from '../../src/send/wire/pool.js';
import { type RawServer, type RawSession, startRawServer } from './_raw-smtp.js';

/**
 * A server that said the account has too many connections may allow more later, as other clients
 * leave: after a quiet while with no such reply the pool tries one more connection, says so, and
 * uses it once the server takes it.
 */

let server: RawServer | undefined;
let pool: WirePool | undefined;
afterEach(async () => {
  pool?.close();
  pool = undefined;
  await server?.close();
  server = undefined;
});

/** A server admitting `allowed.now` connections at once; the others get a 432 to MAIL FROM. */
async function cappedServer(allowed: { now: number }) {
  const admitted = new Set<number>();
  let most = 0;
  const server = await startRawServer({
    greeting: (session: RawSession) => {
      if (admitted.size < allowed.now) {
        admitted.add(session.connection);
        most = Math.max(most, admitted.size);
        session.socket.once('close', () => admitted.delete(session.connection));
      }
      return undefined;
    },
    command: (line, session) =>
      /^MAIL/i.test(line) && !admitted.has(session.connection)
        ? '432 4.3.2 Concurrent connections limit exceeded\r\n'
        : undefined,
  });
  return { server, most: () => most, resetMost: () => (most = admitted.size) };
}

const message = (n: number) => [`Subject: ${n}\r\nTo: r${n}@example.test\r\n\r\nhello ${n}\r\n`];

describe('a connection closed for the account limit', () => {
  it('comes back after a quiet while: the pool tries one more and uses it once the server allows it', async () => {
    const allowed = { now: 2 };
    const capped = await cappedServer(allowed);
    server = capped.server;
    const events: string[] = [];
    let raised: () => void = () => {};
    const raisedOnce = new Promise<void>((resolve) => (raised = resolve));
    pool = createWirePool(
      { host: '127.0.0.1', port: server.port, secure: false, connectionTimeout: 5_000, greetingTimeout: 5_000 },
      3,
      { capRaiseMs: 100 },
      {
        connectionsCapped: (connections) => events.push(`capped to ${connections}`),
        connectionsRaised: (connections) => {
          events.push(`raised to ${connections}`);
          raised();
        },
      },
    );
    const send = (n: number) => pool!.send({ from: 'list@example.test', to: [`r${n}@example.test`] }, message(n));
    // Three at once: the third connection hears the limit, its message goes on one of the other two.
    await Promise.all([1, 2, 3].map(send));
    expect(events).toEqual(['capped to 2']);
    expect(capped.most()).toBe(2);
    // The other client left: the server takes a third connection now.
    allowed.now = 3;
    await raisedOnce;
    expect(events).toEqual(['capped to 2', 'raised to 3']);
    capped.resetMost();
    await Promise.all([4, 5, 6, 7, 8, 9].map(send));
    expect(capped.most()).toBe(3);
    const accepted = server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
    expect(accepted.sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `r${n}@example.test`).sort());
  }, 10_000);
});
