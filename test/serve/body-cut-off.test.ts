import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { exchange } from '../helpers/raw-http.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A client whose request body never arrived whole (one cut off by the request timeout as it
 * trickled its body, one that hung up halfway) was logged as "unsubscribe endpoint error: aborted",
 * on every route, as if serve had failed: a slow-body attack filled the log with errors the
 * operator could do nothing about. Such a request is now dropped without a line. Real sockets on
 * 127.0.0.1, a real state file and reader pages.
 */

const SECRET = 'body-cut-off-secret-0123456789abcdefghij';
let h: SignupServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Headers and the first bytes of a body of 100, then `then` on the socket; what came back once it closed. */
async function halfBody(port: number, path: string, then: (socket: Socket) => void): Promise<string> {
  const sent = exchange(
    port,
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nList-Unsub`,
    then,
  );
  await sent.closed;
  return sent.received();
}

describe('a request whose body never arrives whole', () => {
  const paths = () => [
    `/unsubscribe?token=${signToken({ email: 'ana@example.org', listId: h!.config.listId }, SECRET)}`,
    '/subscribe',
    `/preferences?token=${signToken({ email: 'ben@example.org', listId: h!.config.listId }, SECRET)}`,
  ];

  it('is answered 408 by the request timeout, and logged as no error', async () => {
    h = await startSignupServer({
      secret: SECRET,
      now: () => new Date(),
      timeouts: { headersMs: 200, requestMs: 200 },
    });
    const answers = await Promise.all(paths().map((path) => halfBody(h!.server.port, path, () => {})));
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // One request after them all: their handlers have run to the end.
    expect((await fetch(`${h.origin}/healthz`)).status).toBe(200);
    expect(h.logs).toEqual([]);
  });

  it('is logged as no error when the client hangs up halfway', async () => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date() });
    const answers = await Promise.all(paths().map((path) => halfBody(h!.server.port, path, (socket) => socket.end())));
    // Node itself answers a body cut short by the client's end 400, before any handler could.
    for (const answer of answers) expect(answer).toMatch(/^(HTTP\/1\.1 400 |$)/);
    expect((await fetch(`${h.origin}/healthz`)).status).toBe(200);
    expect(h.logs).toEqual([]);
  });
});
