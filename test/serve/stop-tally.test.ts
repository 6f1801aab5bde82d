import { afterEach, describe, expect, it } from 'vitest';
import type { SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A stop answers the requests still waiting on the database 503 and says how many unsubscribes were
 * among them. "Unsubscribe from everything" on the preferences page was counted among the "other
 * requests", so the operator was not told that a reader's unsubscribe may not have been recorded.
 */

const SECRET = 'stop-tally-secret-0123456789abcdefghijkl';
const READER = 'jonas@example.org';
let h: SignupServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the requests a stop answers, by kind', () => {
  it('counts an unsubscribe on the preferences page as an unsubscribe, a saved change as another request', async () => {
    let waiting = 0;
    const hanging = (store: SubscriberStore): SubscriberStore => ({
      ...store,
      transaction: () => {
        waiting++;
        return new Promise(() => {});
      },
    });
    h = await startSignupServer({ secret: SECRET, now: () => new Date(), wrap: hanging });
    const path = `/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
    const page = await (await fetch(`${h.origin}${path}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const answers = [
      h.post(path, form({ csrf, action: 'unsubscribe' })),
      h.post(path, form({ csrf, action: 'pause' })),
    ].map((answer) => answer.then((response) => response.status));
    for (let i = 0; i < 400 && waiting < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(waiting).toBe(2);
    const stopping = h;
    h = undefined;
    await stopping.close();
    expect(await Promise.all(answers)).toEqual([503, 503]);
    expect(stopping.logs).toContain(
      '1 unsubscribe(s) were answered 503 (try again): the database had not answered their write when serve stopped',
    );
    expect(stopping.logs).toContain('1 other request(s) were answered 503 (try again) as serve stopped');
  });
});
