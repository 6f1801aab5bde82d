import { type AddressInfo, connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createWirePool, type WirePool } from '../../src/send/wire/pool.js';

/**
 * Connections opened ahead of the first message (while the issue renders): what a server does to
 * them meanwhile (caps how many, drops idle ones) must cost no message.
 */

interface Server {
  port: number;
  /** `tcp`: every connection made, the ones turned away before the greeting included. */
  counts: { connections: number; tcp: number; open: number; accepted: number; logins: number };
  /** Connections the server holds right now. */
  live(): number;
  close(): Promise<void>;
}

const running: { server?: Server; pool?: WirePool }[] = [];
afterEach(async () => {
  for (const { server, pool } of running.splice(0)) {
    pool?.close();
    await server?.close();
  }
});

async function startServer(options: Partial<SMTPServerOptions>): Promise<Server> {
  const counts = { connections: 0, tcp: 0, open: 0, accepted: 0, logins: 0 };
  const server = new SMTPServer({
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, callback) {
      counts.connections++;
      counts.open++;
      callback();
    },
    onClose() {
      counts.open--;
    },
    onAuth(auth, _session, callback) {
      counts.logins++;
      callback(null, { user: auth.username });
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        counts.accepted++;
        callback(null);
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  server.server.on('connection', () => counts.tcp++);
  const live = () => (server as unknown as { connections: Set<unknown> }).connections.size;
  return { port, counts, live, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A server that refuses its `nth` connection at the greeting with 421, as one at its cap does. */
async function refusingNth(nth: number, options: Partial<SMTPServerOptions> = {}): Promise<Server> {
  let connected = 0;
  const server: Server = await startServer({
    onConnect(_session, callback) {
      if (++connected === nth) return callback(Object.assign(new Error('Too many connections'), { responseCode: 421 }));
      server.counts.connections++;
      callback();
    },
    ...options,
  });
  return server;
}

function poolFor(server: Server, lanes: number, socketTimeout = 60_000, retireMs = 60_000): WirePool {
  const pool = createWirePool(
    {
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      auth: { user: 'mailer', pass: 'secret' },
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout,
    },
    lanes,
    { retireMs },
  );
  running.push({ server, pool });
  return pool;
}

/**
 * A server in front of `server` whose connections numbered in `refused` (1-based) greet, then
 * answer EHLO with 421 and close, as a server does that times out a client held up mid-handshake;
 * the others are passed through.
 */
async function refusingEhlo(
  server: Server,
  refused: ReadonlySet<number>,
): Promise<Server & { refusedClosed(): number }> {
  let seen = 0;
  let refusedClosed = 0;
  const sockets = new Set<Socket>();
  const front: NetServer = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (!refused.has(++seen)) {
      const upstream = connect(server.port, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
      return;
    }
    client.on('close', () => refusedClosed++);
    client.write('220 front ESMTP\r\n');
    client.once('data', () => client.end('421 4.4.2 front Error: timeout exceeded\r\n'));
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  return {
    ...server,
    port,
    refusedClosed: () => refusedClosed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await server.close();
    },
  };
}

/** Three lanes opened against a server that allows two connections: the third turned away, retired for `retireMs`. */
async function cappedPool(retireMs: number): Promise<{ server: Server; pool: WirePool }> {
  const server = await startServer({ maxClients: 2 });
  const pool = poolFor(server, 3, 60_000, retireMs);
  await pool.open();
  await until(() => server.counts.tcp === 3 && server.counts.logins === 2, 5_000);
  return { server, pool };
}

function sendMany(pool: WirePool, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      pool
        .send({ from: 'digest@test.example', to: [`reader${i}@test.example`] }, [
          `From: digest@test.example\r\nTo: reader${i}@test.example\r\nSubject: test\r\n\r\n`,
          Buffer.from('hello\r\n'),
        ])
        .then(
          () => 'sent',
          (error: Error) => `failed: ${error.message}`,
        ),
    ),
  );
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('connections opened ahead', () => {
  it('opens every lane, logging in once each, before any message', async () => {
    const server = await startServer({});
    const pool = poolFor(server, 3);
    await pool.open();
    await until(() => server.counts.logins === 3, 5_000);
    expect(await sendMany(pool, 9)).toEqual(Array(9).fill('sent'));
    expect(server.counts.connections).toBe(3);
    expect(server.counts.accepted).toBe(9);
  });

  it('opens no more than asked', async () => {
    const server = await startServer({});
    const pool = poolFor(server, 5);
    await pool.open(2);
    await until(() => server.counts.logins === 2, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.counts.connections).toBe(2);
  });

  it('counts the lanes already open or opening: a second open adds to the first, up to the number asked', async () => {
    const server = await startServer({});
    const pool = poolFor(server, 5);
    const first = pool.open(1);
    // Asked again while the first lane still waits for its greeting: it shares that open.
    await pool.open(3);
    await first;
    await until(() => server.counts.logins === 3, 5_000);
    await pool.open(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.counts.connections).toBe(3);
    expect(await sendMany(pool, 6)).toEqual(Array(6).fill('sent'));
    expect(server.counts.connections).toBe(5);
  });

  it('goes without a connection the server turned away for its cap, and loses no message', async () => {
    const { server, pool } = await cappedPool(60_000);
    // The third connection is answered 421 "too many": it is not opened again by each message.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await sendMany(pool, 8)).toEqual(Array(8).fill('sent'));
    expect(server.counts.accepted).toBe(8);
    expect(server.counts.tcp).toBe(3);
  });

  it('keeps a lane whose handshake got 421 after the greeting (a timeout, not a cap)', async () => {
    const server = await startServer({});
    // The second and third connections (the lanes opened in the background) are timed out at EHLO.
    const front = await refusingEhlo(server, new Set([2, 3]));
    const pool = poolFor(front, 3);
    await pool.open();
    // Both timed-out lanes closed, their 421 read, before any message.
    await until(() => front.refusedClosed() === 2, 5_000);
    expect(await sendMany(pool, 9)).toEqual(Array(9).fill('sent'));
    // Both lanes were opened again by their next message: three connections reached the server.
    expect(server.counts.logins).toBe(3);
    expect(server.counts.accepted).toBe(9);
  });

  it('tries a lane turned away for the cap again later, its message taking another lane', async () => {
    const { server, pool } = await cappedPool(200);
    // Back after 200 ms: the message that lands on it is turned away at the greeting again and
    // goes out on one of the two connections the server allows, not failed and not retried.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await sendMany(pool, 8)).toEqual(Array(8).fill('sent'));
    expect(server.counts.accepted).toBe(8);
    expect(server.counts.tcp).toBe(4);
    expect(server.counts.logins).toBe(2);
  });

  it('sends at once over a capped server, a lane turned away while messages wait on it used once at a time', async () => {
    // Messages take the lanes still opening in the background; the one the cap turns away is
    // retired by its open and by the message that shared it, and comes back while others wait.
    // The cap lifts at once, so the lane that comes back can connect.
    const server = await refusingNth(3, {
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          server.counts.accepted++;
          setTimeout(() => callback(null), 150);
        });
      },
    });
    const pool = poolFor(server, 3, 60_000, 200);
    await pool.open();
    expect(await sendMany(pool, 12)).toEqual(Array(12).fill('sent'));
    expect(server.counts.accepted).toBe(12);
  }, 20_000);

  it('with two lanes and the second turned away, its message waits for the first rather than failing', async () => {
    const server = await refusingNth(2);
    const pool = poolFor(server, 2);
    await pool.open();
    expect(await sendMany(pool, 4)).toEqual(Array(4).fill('sent'));
    expect(server.counts.accepted).toBe(4);
  });

  it('opens again, without a failed message, the connections the server closed while they idled', async () => {
    const server = await startServer({ socketTimeout: 300 });
    const pool = poolFor(server, 3);
    await pool.open();
    await until(() => server.counts.logins === 3, 5_000);
    await until(() => server.counts.open === 0, 5_000);
    expect(await sendMany(pool, 6)).toEqual(Array(6).fill('sent'));
    expect(server.counts.accepted).toBe(6);
  });

  it('closes connections still opening when the pool is closed', async () => {
    let greeted = 0;
    const server = await startServer({
      onConnect(_session, callback) {
        // The first greets at once, the others only after the pool is gone.
        if (greeted++ === 0) callback();
        else setTimeout(callback, 3_000);
      },
    });
    const pool = poolFor(server, 3);
    await pool.open();
    await until(() => server.live() === 3, 5_000);
    pool.close();
    // Long before the two slow greetings would come.
    await until(() => server.live() === 0, 2_000);
    expect(await sendMany(pool, 1)).toEqual(['failed: The connection pool was closed']);
  });
});
