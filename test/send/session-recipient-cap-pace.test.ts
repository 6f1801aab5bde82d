import { describe, expect, it } from 'vitest';
import { isSessionMessageCap } from '../../src/send/wire/session-cap.js';

/**
 * "Too many recipients" asking for a slower pace is throttling, not a cap on a connection's
 * messages: the run slows down, and no cap is learnt that would renew every later connection.
 */
describe('"too many recipients" to RCPT TO that asks for a slower pace', () => {
  it.each<[string, boolean]>([
    ['452 4.5.3 Too many recipients, slow down', false],
    ['452 4.5.3 Too many recipients: slow down and try again later', false],
    ['452 4.5.3 Too many recipients, you are being throttled', false],
    ['452 4.5.3 Too many recipients', true],
  ])('%s: a cap on the connection: %s', (response, expected) => {
    expect(isSessionMessageCap({ responseCode: 452, response, command: 'RCPT TO' })).toBe(expected);
  });
});
