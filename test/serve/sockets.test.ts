import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { trimmedPath } from '../../src/config/served-paths.js';
import { clientCapExemption } from '../../src/serve/connections.js';
import {
  type SuppressionList,
  startUnsubscribeServer,
  type UnsubscribeServer,
  type UnsubscribeServerOptions,
} from '../../src/serve/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { serveConfig } from '../helpers/serve-project.js';

/**
 * The endpoint faces the internet: idle, slow and piled-up connections must never starve it.
 * Real sockets on 127.0.0.1; the server's timeouts and cap are shortened through its options.
 */

const SECRET = 'sockets-test-secret-0123456789abcdef';
const LIST_ID = 'weekly.rolecast.example';
const config = serveConfig(LIST_ID, 'Rolecast Weekly', { unsubscribe: 'https://news.example.com/unsubscribe' });

const added: string[] = [];
const suppressions: SuppressionList = {
  isSuppressed: () => false,
  isErased: () => false,
  add: (email) => {
    added.push(email);
  },
};

let server: UnsubscribeServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
  added.length = 0;
});

async function start(options: Partial<UnsubscribeServerOptions> = {}): Promise<UnsubscribeServer> {
  server = await startUnsubscribeServer({ config, secret: SECRET, suppressions, port: 0, ...options });
  return server;
}

interface Tracked {
  socket: Socket;
  closed: Promise<void>;
  isClosed: () => boolean;
  received: () => string;
}

/** A socket to the server; `from` picks the loopback address it comes from (127.0.0.2: another client). */
async function open(port: number, from = '127.0.0.1'): Promise<Tracked> {
  const socket = connect({ host: '127.0.0.1', port, localAddress: from });
  sockets.push(socket);
  let closed = false;
  let data = '';
  socket.on('data', (chunk) => {
    data += chunk;
  });
  socket.on('error', () => {});
  const done = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, closed: done, isClosed: () => closed, received: () => data };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` for up to 10 s (a bound for a loaded machine; the assertion after it decides). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await sleep(25);
}

/** Resolves with true when `promise` settles within `ms`, false otherwise. */
const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);

/** One plain HTTP/1.1 request on a fresh socket, read to the end of the response. */
async function request(port: number, path: string): Promise<string> {
  const client = await open(port);
  client.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  await client.closed;
  return client.received();
}

describe('connection limits of the unsubscribe endpoint', () => {
  it('answers /healthz with 300 idle sockets open, closing the longest-idle ones to make room', async () => {
    const { port } = await start({ maxConnections: 50 });
    const idle: Tracked[] = [];
    for (let i = 0; i < 300; i++) idle.push(await open(port));
    const health = await request(port, '/healthz');
    expect(health).toMatch(/^HTTP\/1\.1 200 /);
    expect(health).toContain('{"status":"ok"}');
    // The server keeps at most 50 connections: the oldest idle ones were closed, the newest kept.
    const closedCount = () => idle.filter((c) => c.isClosed()).length;
    await until(() => closedCount() >= 251);
    expect(closedCount()).toBeGreaterThanOrEqual(251);
    expect(idle[0]!.isClosed()).toBe(true);
    expect(idle[299]!.isClosed()).toBe(false);
  });

  it('never closes a connection with a request in flight to make room', async () => {
    const { port } = await start({ maxConnections: 5 });
    const token = signToken({ email: 'ellen.park@example.com', listId: LIST_ID }, SECRET);
    const busy = await open(port);
    const body = 'List-Unsubscribe=One-Click';
    // Headers and half the body: a request the server is in the middle of reading.
    busy.socket.write(
      `POST /unsubscribe?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await sleep(50);
    const idle: Tracked[] = [];
    for (let i = 0; i < 20; i++) idle.push(await open(port));
    expect((await request(port, '/healthz')).startsWith('HTTP/1.1 200 ')).toBe(true);
    expect(busy.isClosed()).toBe(false);
    busy.socket.write(body.slice(10));
    await busy.closed;
    expect(busy.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(added).toEqual(['ellen.park@example.com']);
    await until(() => idle.filter((c) => c.isClosed()).length >= 16);
    expect(idle.filter((c) => c.isClosed()).length).toBeGreaterThanOrEqual(16);
  });
});

describe('one client against the rest', () => {
  it('lets one client hold only its share of connections, so its slow uploads do not lock others out', async () => {
    // Loopback is exempt by default (a reverse proxy); here 127.0.0.2 plays a client on the internet.
    const { port } = await start({ maxConnections: 30, maxConnectionsPerClient: 8, perClientExempt: () => false });
    const token = signToken({ email: 'ellen.park@example.com', listId: LIST_ID }, SECRET);
    const slow: Tracked[] = [];
    for (let i = 0; i < 40; i++) {
      const client = await open(port, '127.0.0.2');
      // Headers and one byte of the body: each a request in flight, as a trickled upload is.
      client.socket.write(
        `POST /unsubscribe?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\nL`,
      );
      slow.push(client);
    }
    await until(() => slow.filter((c) => c.isClosed()).length >= 32);
    expect(slow.filter((c) => !c.isClosed())).toHaveLength(8);
    const health = await request(port, '/healthz');
    expect(health).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('caps no peer behind a trusted proxy, and only non-loopback peers otherwise', () => {
    expect(clientCapExemption(true)('203.0.113.9')).toBe(true);
    expect(clientCapExemption(true)('2001:db8::1')).toBe(true);
    expect(clientCapExemption(false)('203.0.113.9')).toBe(false);
    expect(clientCapExemption(false)('2001:db8::1')).toBe(false);
    expect(clientCapExemption(false)('127.0.0.1')).toBe(true);
    expect(clientCapExemption(false)('::1')).toBe(true);
  });

  it('refuses a request target longer than any link it hands out, at once', async () => {
    const { port } = await start();
    // A long run of slashes before other text: a trailing-slash pattern would take seconds on it.
    const answer = await request(port, `/x${'/'.repeat(16_000)}y`);
    expect(answer).toMatch(/^HTTP\/1\.1 414 /);
    expect(await request(port, '/healthz///')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('trims trailing slashes only', () => {
    expect(trimmedPath('/a///')).toBe('/a');
    expect(trimmedPath('///')).toBe('/');
    expect(trimmedPath('')).toBe('/');
    expect(trimmedPath('/a/b')).toBe('/a/b');
    expect(trimmedPath(`/x${'/'.repeat(5_000)}y/`)).toBe(`/x${'/'.repeat(5_000)}y`);
  });
});

describe('timeouts of the unsubscribe endpoint', () => {
  const timeouts = { headersMs: 400, requestMs: 800, keepAliveMs: 200, idleMs: 600 };

  it('cuts off a client that trickles its headers byte by byte (slowloris)', async () => {
    const { port } = await start({ timeouts });
    const slow = await open(port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const header = `X-Padding: ${'a'.repeat(400)}`;
    let sent = 0;
    // One byte every 20 ms: the socket is never idle, and the headers would take 8 s to finish.
    const trickle = setInterval(() => {
      if (slow.isClosed() || sent >= header.length) return;
      slow.socket.write(header[sent++]!);
    }, 20);
    try {
      // Generous bound: far below the 8 s the headers need, and the old 30 s check interval.
      expect(await within(slow.closed, 4_000)).toBe(true);
    } finally {
      clearInterval(trickle);
    }
    expect(sent).toBeLessThan(header.length);
    expect(slow.received()).not.toContain('"status":"ok"');
  });

  it('closes a connection that never sends anything', async () => {
    const { port } = await start({ timeouts });
    const silent = await open(port);
    expect(await within(silent.closed, 4_000)).toBe(true);
  });

  it('closes an idle keep-alive connection after a response', async () => {
    const { port } = await start({ timeouts: { ...timeouts, idleMs: 10_000 } });
    const client = await open(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    while (!client.received().includes('{"status":"ok"}')) await sleep(10);
    expect(client.received()).toMatch(/keep-alive/i);
    expect(await within(client.closed, 4_000)).toBe(true);
  });
});
