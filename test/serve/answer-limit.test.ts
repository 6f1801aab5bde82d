import { afterEach, describe, expect, it } from 'vitest';
import type { SuppressionList } from '../../src/serve/index.js';
import type { AddOutcome } from '../../src/serve/suppressions.js';
import type { SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { type Exchange, exchange, until } from '../helpers/raw-http.js';
import { ONE_CLICK_BODY, oneClickPath } from '../helpers/serve-project.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A request whose handler never answered (a store call that never settles: a PostgreSQL query stuck
 * past its timeouts, a driver that lost its callback) was exempt from the idle cut and held its
 * connection for as long as serve ran; a few of them filled the connection cap, and one-click
 * unsubscribes and the health check were refused. Such a request is now answered 503 with
 * Retry-After once the answer limit has passed, its connection closed, and its write, if the store
 * takes it later, still stands. Real sockets on 127.0.0.1, a real state file and reader pages.
 */

const SECRET = 'answer-limit-secret-0123456789abcdefghij';
const READERS = ['ana@example.org', 'ben@example.org', 'chloe@example.org'];

let h: SignupServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Writes that wait until the test lets each go (`release`) or fail (`refuse`), as a store that never answers. */
function heldWrites() {
  const held: { go: () => void; fail: (error: Error) => void }[] = [];
  const wrap = (list: SuppressionList): SuppressionList => ({
    ...list,
    add: (email, details) =>
      new Promise<AddOutcome>((resolve, reject) => {
        held.push({
          go: () => Promise.resolve(list.add(email, details)).then((outcome) => resolve(outcome ?? 'added'), reject),
          fail: reject,
        });
      }),
  });
  return { wrap, held };
}

const answers = (text: string) => text.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];

function oneClick(port: number, email: string): Exchange {
  return exchange(
    port,
    `POST ${oneClickPath({ listId: 'weekly.rolecast.example' }, SECRET, email)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${ONE_CLICK_BODY.length}\r\n\r\n${ONE_CLICK_BODY}`,
  );
}

/** A reader store whose reads never answer. */
const hanging = (store: SubscriberStore): SubscriberStore => ({ ...store, get: () => new Promise(() => {}) });

/** The reader pages and the endpoint, their requests answered for them after 300 ms. */
const start = (options: Partial<Parameters<typeof startSignupServer>[0]>) =>
  startSignupServer({ secret: SECRET, now: () => new Date(), timeouts: { answerMs: 300 }, ...options });

describe('a request its handler never answers', () => {
  it('answers one-click unsubscribes 503 once the limit passes, frees their connections, and keeps the late write', async () => {
    const { wrap, held } = heldWrites();
    h = await start({
      wrapSuppressions: wrap,
      timeouts: { answerMs: 300, idleMs: 100 },
      maxConnections: READERS.length,
    });
    const { port } = h.server;
    const posts = READERS.map((email) => oneClick(port, email));
    await until(() => held.length === READERS.length);
    expect(held).toHaveLength(READERS.length);
    await until(() => posts.every((post) => post.isClosed()));
    for (const post of posts) {
      expect(post.isClosed()).toBe(true);
      expect(answers(post.received())).toEqual(['HTTP/1.1 503']);
      expect(post.received()).toMatch(/\r\nRetry-After: 60\r\n/i);
    }
    // The cap's connections are free again: the health check gets in.
    const health = exchange(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await until(health.isClosed);
    expect(answers(health.received())).toEqual(['HTTP/1.1 200']);
    const cuts = h.logs.filter((line) => line.startsWith('an unsubscribe had no answer'));
    expect(cuts).toHaveLength(READERS.length);
    expect(cuts.join('\n')).not.toContain('@');
    // The database takes the writes after all: recorded, logged, and no second answer tried.
    for (const write of held) write.go();
    await until(() => h!.logs.filter((line) => line.includes('(after it was answered 503)')).length === READERS.length);
    for (const email of READERS)
      expect(h.db.prepare('SELECT 1 FROM suppressions WHERE email = ?').get(email)).toBeTruthy();
    expect(h.logs.filter((line) => line.includes('(after it was answered 503)'))).toHaveLength(READERS.length);
    expect(h.logs.join('\n')).not.toContain('endpoint error');
  });

  it('keeps its one answer when the write fails after it', async () => {
    const { wrap, held } = heldWrites();
    h = await start({ wrapSuppressions: wrap });
    const post = oneClick(h.server.port, READERS[0]!);
    await until(post.isClosed);
    expect(answers(post.received())).toEqual(['HTTP/1.1 503']);
    held[0]!.fail(new Error('connection terminated'));
    await until(() => h!.logs.some((line) => line.startsWith('could not record')));
    expect(h.logs.filter((line) => line.startsWith('could not record'))).toEqual([
      'could not record the unsubscribe of a••••@example.org: connection terminated',
    ]);
    expect(h.logs.join('\n')).not.toContain('endpoint error');
  });

  it('answers 503 an unsubscribe recorded whose carry to a moved reader never ends, so the retry carries it on', async () => {
    h = await start({ wrap: hanging });
    const post = oneClick(h.server.port, READERS[2]!);
    await until(post.isClosed);
    expect(answers(post.received())).toEqual(['HTTP/1.1 503']);
    expect(h.db.prepare('SELECT 1 FROM suppressions WHERE email = ?').get(READERS[2])).toBeTruthy();
    expect(h.logs).toContain(
      'an unsubscribe was recorded, but carrying it on to the address its reader moved to had no answer after 300 ms: answered 503 (try again), and the retry carries it on',
    );
  });

  it('answers a reader page whose store never answers 503, naming the method only', async () => {
    h = await start({ wrap: hanging });
    const token = signToken({ email: READERS[1]!, listId: h.config.listId }, SECRET);
    const page = exchange(h.server.port, `GET /preferences?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await until(page.isClosed);
    expect(answers(page.received())).toEqual(['HTTP/1.1 503']);
    expect(page.received()).toMatch(/\r\nRetry-After: 60\r\n/i);
    expect(h.logs).toContain('a GET request had no answer after 300 ms: answered 503 (try again)');
  });
});
