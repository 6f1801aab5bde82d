import { describe, expect, it } from 'vitest';
import { isGreylisting } from '../../src/send/greylist.js';
import { classifyFailure } from '../../src/send/retry.js';

/**
 * A server at a sending limit answers every reader alike, often with the greylisters' own status
 * and "try again later": that is a limit on the run, retried as such, never greylisting, which would
 * go on through the whole list at full pace and set each reader aside with their message.
 */
describe('a sending limit worded as "try again later"', () => {
  const failure = (responseCode: number, response: string) =>
    classifyFailure(
      Object.assign(new Error(response), { responseCode, response, command: 'RCPT TO', code: 'EENVELOPE' }),
    );
  it.each<[number, string]>([
    [451, '451 4.7.1 Sending limit reached, try again later'],
    [452, '452 4.2.0 Daily sending limit reached, try again later'],
    [451, '451 4.7.1 Hourly message limit exceeded, please try again later'],
    [450, '450 4.2.0 Recipient limit exceeded for this sender, try again later'],
  ])('%i %s at a first try is not greylisting', (code, response) => {
    expect(isGreylisting(failure(code, response), true)).toBe(false);
  });
  it.each<[number, string]>([
    [450, '450 4.2.0 <limit@b.example>: Recipient address rejected: Greylisted'],
    [451, '451 4.7.1 Please try again later'],
    [450, '450 4.7.1 Greylisted for 5 minutes'],
    [451, '451 4.7.1 Greylisting in action, please come back in 00:05:00'],
  ])('%i %s is greylisting still', (code, response) => {
    expect(isGreylisting(failure(code, response), true)).toBe(true);
  });
});
