import { describe, expect, it } from 'vitest';
import { isGreylisting } from '../../src/send/greylist.js';
import { classifyFailure, isThrottling } from '../../src/send/retry.js';
import { isIdleClose } from '../../src/send/wire/idle-close.js';
import { isSessionMessageCap } from '../../src/send/wire/session-cap.js';

/**
 * A reply that asks for a slower pace is read so wherever it is read: as throttling (not a refusal of
 * the reader), never as greylisting, a cap on the session's messages or a session ended for its
 * idle time. Each reply below was caught by one of these readings and missed by another.
 */

function refusal(responseCode: number, response: string, command: string) {
  return Object.assign(new Error(response), { code: 'EENVELOPE', responseCode, response, command });
}

describe('the words of a pace, read the same everywhere', () => {
  it.each([
    // Was read as a refusal of the reader (the quota missed), while greylisting read it as a pace.
    [554, '554 5.7.1 Hourly sending quota exceeded, try again later', 'DATA'],
    // Was a cap on the session's messages (its "ratelimit" missed), while throttling read it as a pace.
    [452, '452 4.5.3 Too many recipients, ratelimit in effect', 'RCPT TO'],
    // Was greylisting (its "per day" missed), while an idle close read it as a pace.
    [451, '451 4.7.1 Greylisted: at most 500 messages per day, try again later', 'RCPT TO'],
    // Was greylisting ("slowing down" missed everywhere but as throttling's "slow down").
    [450, '450 4.7.1 Slowing down: try again later', 'RCPT TO'],
  ])('%i "%s" to %s is throttling', (code, reply, command) => {
    const failure = classifyFailure(refusal(code, reply, command));
    expect(failure.kind).toBe('temporary');
    expect(isThrottling(failure)).toBe(true);
    expect(isGreylisting(failure, true)).toBe(false);
    expect(isSessionMessageCap(refusal(code, reply, command))).toBe(false);
  });

  it.each([
    // Postfix names its own host: "rate" inside "corporate" was read as a pace, and the run slowed.
    '421 4.4.2 corporate.example.com Error: timeout exceeded',
    '421 4.4.2 mx.accelerate.example Connection timed out',
  ])('"%s" ends an idle session: no pace is asked for', (reply) => {
    expect(isIdleClose(refusal(421, reply, 'MAIL FROM'))).toBe(true);
  });

  it('"421 4.4.2 Timeout: sending rate exceeded" asks for a pace, not an idle close', () => {
    expect(isIdleClose(refusal(421, '421 4.4.2 Timeout: sending rate exceeded', 'MAIL FROM'))).toBe(false);
  });

  it('a rate of something else is no pace: "554 5.7.1 Message rejected: high bounce rate" fails the reader', () => {
    const failure = classifyFailure(refusal(554, '554 5.7.1 Message rejected: high bounce rate', 'DATA'));
    expect(failure.kind).toBe('permanent');
    expect(isThrottling(failure)).toBe(false);
  });
});
