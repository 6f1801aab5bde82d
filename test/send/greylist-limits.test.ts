import { describe, expect, it } from 'vitest';
import { isGreylisting } from '../../src/send/greylist.js';
import { classifyFailure } from '../../src/send/retry.js';

/**
 * Greylisting never names a rate, a count or a quota: a temporary refusal that does is about the
 * run's pace or the reader's mailbox, never waited out as greylisting, even on a first try.
 */

function refusal(responseCode: number, response: string, command: string) {
  return Object.assign(new Error(response), { code: 'EENVELOPE', responseCode, response, command });
}

describe('a temporary refusal that names a rate, a count or a quota', () => {
  it.each([
    [451, '451 4.7.1 Too many recipients from your address, try again later'],
    [450, '450 4.7.1 Rate of incoming mail too high, try again later'],
    [421, '421 4.7.0 Too many errors, try again later'],
    [452, '452 Mailbox over quota, try again later'],
    [451, '451 4.7.1 Too many unknown recipients, come back later'],
  ])('%i "%s" is not greylisting', (code, reply) => {
    expect(isGreylisting(classifyFailure(refusal(code, reply, 'RCPT TO')), true)).toBe(false);
  });

  it('"450 4.7.1 Greylisted, try again later" still is', () => {
    expect(isGreylisting(classifyFailure(refusal(450, '450 4.7.1 Greylisted, try again later', 'RCPT TO')), true)).toBe(
      true,
    );
  });
});
