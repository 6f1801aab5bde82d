import { describe, expect, it } from 'vitest';
import { isGreylisting } from '../../src/send/greylist.js';
import { classifyFailure } from '../../src/send/retry.js';

/**
 * A server that refuses the sending host for now (no reverse DNS, a HELO it does not like) answers
 * every reader's first RCPT TO with 4.7.1 and "try again later" words: that is the sender's to fix,
 * retried and reported as usual, never each reader set aside for the greylisting delay with their
 * message held.
 */
describe('a refusal of the sending host at a first try', () => {
  const failure = (responseCode: number, response: string) =>
    classifyFailure(
      Object.assign(new Error(response), { responseCode, response, command: 'RCPT TO', code: 'EENVELOPE' }),
    );
  it.each<[number, string]>([
    [450, '450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.7]'],
    [450, '450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.7]'],
    [450, '450 4.7.1 <mx.sender.example>: Helo command rejected: Host not found'],
    [451, '451 4.7.1 Reverse DNS lookup failed for 192.0.2.7, try again later'],
    [451, '451 4.7.1 No PTR record for your address, please try again later'],
  ])('%i %s is not greylisting', (code, response) => {
    expect(isGreylisting(failure(code, response), true)).toBe(false);
  });
  it.each<[number, string]>([
    [450, '450 4.2.0 <reader@b.example>: Recipient address rejected: Greylisted, see https://postgrey.example/'],
    [451, '451 4.7.1 Please try again later'],
  ])('%i %s is greylisting still', (code, response) => {
    expect(isGreylisting(failure(code, response), true)).toBe(true);
  });
});
