import { describe, expect, it } from 'vitest';
import { acceptedAt, occasion, whileRunning } from './_waiting.js';

/**
 * What the send tests wait for had no bound of its own: a send that died before the awaited moment
 * held its test to the test's timeout, which then failed without a word of what it waited for, and
 * the send's own error went unobserved. A moment that never comes now fails naming it, and a run that
 * ends first fails the wait with its own error.
 */

describe('the moments send tests wait for', () => {
  it('an occasion that never happens fails naming what was awaited', async () => {
    await expect(occasion('the first message', 20).done).rejects.toThrow(
      'never happened within 0.02 s: the first message',
    );
  }, 10_000);

  it("a server's acceptance that never comes fails naming the message", async () => {
    await expect(acceptedAt(3, 20).reached).rejects.toThrow(
      "never happened within 0.02 s: the server's acceptance of message 3",
    );
  }, 10_000);

  it('a run that fails first fails the wait with its own error', async () => {
    const moment = occasion('the first message');
    await expect(
      whileRunning(moment.done, Promise.reject(new Error('E_SMTP_CONNECT')), 'the first message'),
    ).rejects.toThrow('E_SMTP_CONNECT');
    moment.happened();
  }, 10_000);

  it('a run that ends first fails the wait naming what it never reached', async () => {
    const moment = occasion('the first message');
    await expect(whileRunning(moment.done, Promise.resolve(), 'the first message')).rejects.toThrow(
      'the run ended before the first message',
    );
    moment.happened();
  }, 10_000);

  it('a moment that happens while the run goes on is waited for and no more', async () => {
    const moment = occasion('the first message');
    const running = new Promise<void>(() => {});
    moment.happened();
    await expect(whileRunning(moment.done, running, 'the first message')).resolves.toBeUndefined();
  }, 10_000);
});
