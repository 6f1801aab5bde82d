import { describe, expect, it } from 'vitest';
import { createSessionCap } from '../../src/send/wire/session-cap.js';

/**
 * A server that counts the transactions it refused as well as the messages it took (a greylisted or
 * rejected recipient) refuses some connections earlier than others: the cap learnt is the most any
 * connection took, never falling towards one message a connection.
 */
const CAP_REPLY = { responseCode: 421, response: '421 4.7.0 Too many messages in this session' };

function takes(cap: ReturnType<typeof createSessionCap>, connection: object, messages: number): void {
  for (let i = 0; i < messages; i++) cap.accepted(connection);
}

describe('the learnt cap on messages per connection', () => {
  it('is the most any refused connection took, so an early refusal does not lower it', () => {
    const heard: number[] = [];
    const cap = createSessionCap((messages) => heard.push(messages));
    const first = {};
    const early = {};
    takes(cap, first, 5);
    expect(cap.reached(first, CAP_REPLY)).toBe(true);
    takes(cap, early, 1);
    // Refused after one message: the message still goes out on a new connection.
    expect(cap.reached(early, CAP_REPLY)).toBe(true);
    expect(cap.learnt()).toBe(5);
    expect(heard).toEqual([5]);
    const next = {};
    takes(cap, next, 4);
    expect(cap.spent(next)).toBe(false);
    cap.accepted(next);
    expect(cap.spent(next)).toBe(true);
  });

  it('rises when a later connection took more before its refusal', () => {
    const cap = createSessionCap();
    const [a, b] = [{}, {}];
    takes(cap, a, 2);
    cap.reached(a, CAP_REPLY);
    takes(cap, b, 7);
    cap.reached(b, CAP_REPLY);
    expect(cap.learnt()).toBe(7);
  });
});
