import { afterEach, describe, expect, it } from 'vitest';
import type { Reader, SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { until } from '../helpers/raw-http.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A request answered 503 at serve's answer limit whose handler then failed for a reason of its own
 * (a store call that rejected at last) left no line in the log: every error of a handler answered
 * for was taken for its late answer and dropped. Such a failure is now logged once, without the
 * address, while the late answer a handler that ends well tries to give is still dropped quietly.
 * A real server on 127.0.0.1 with a real state file and the real preferences page.
 */

const SECRET = 'late-error-secret-0123456789abcdefghijkl';

let h: SignupServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Store reads that wait until the test settles each one, as a store that answers only after the limit. */
function heldReads() {
  const held: { go: () => void; fail: (error: Error) => void }[] = [];
  const wrap = (store: SubscriberStore): SubscriberStore => ({
    ...store,
    get: (email) =>
      new Promise<Reader | undefined>((resolve, reject) => {
        held.push({ go: () => Promise.resolve(store.get(email)).then(resolve, reject), fail: reject });
      }),
  });
  return { wrap, held };
}

describe('a handler that fails after the answer limit answered for it', () => {
  it('logs its own failure once, without the address, and not the late answer of one that ended well', async () => {
    const { wrap, held } = heldReads();
    h = await startSignupServer({ secret: SECRET, now: () => new Date(), wrap, timeouts: { answerMs: 300 } });
    const page = (email: string) =>
      fetch(`${h!.origin}/preferences?token=${signToken({ email, listId: h!.config.listId }, SECRET)}`);
    const answers = await Promise.all([page('ana@example.org'), page('ben@example.org')]);
    expect(answers.map((answer) => answer.status)).toEqual([503, 503]);
    expect(held).toHaveLength(2);
    held[0]!.go();
    held[1]!.fail(new Error('connection terminated for ben@example.org'));
    const late = () => h!.logs.filter((line) => line.includes('failed after'));
    await until(() => late().length > 0);
    expect(late()).toEqual([
      'a GET request answered 503 (try again) failed after that: connection terminated for b••••@example.org',
    ]);
    expect(h.logs.join('\n')).not.toContain('ERR_HTTP_HEADERS_SENT');
    expect(h.logs.join('\n')).not.toContain('Cannot set headers');
  });
});
