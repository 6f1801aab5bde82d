import { describe, expect, it } from 'vitest';
import { isGreylisting } from '../../src/send/greylist.js';
import { classifyFailure } from '../../src/send/retry.js';

/**
 * Greylisting is told from a limit on the run: a reply that says "greylist", or a first try of a
 * reader turned away at RCPT TO with "try again later" (4.2.0, 4.7.1), not one about rate, quota or
 * connections, nor a 421, nor a reader's full mailbox.
 */

describe('what counts as greylisting', () => {
  const failure = (responseCode: number, response: string, command: string) =>
    classifyFailure(Object.assign(new Error(response), { responseCode, response, command, code: 'EENVELOPE' }));
  it.each<[number, string, string, boolean, boolean]>([
    [451, '451 4.7.1 Please try again later', 'RCPT TO', true, true],
    [451, '451 4.7.1 Please try again later', 'RCPT TO', false, false],
    [450, '450 4.2.0 <a@b.example>: Recipient address rejected: Greylisted', 'RCPT TO', false, true],
    [451, '451 4.7.1 Greylisted, please try again in 5 minutes', 'DATA', false, true],
    [451, '451 4.7.1 Please try again later', 'DATA', true, false],
    [451, '451 4.7.1 Rate limit exceeded, try again later', 'RCPT TO', true, false],
    [450, '450 4.7.1 Too many messages, slow down', 'RCPT TO', true, false],
    [421, '421 4.7.0 Greylisted, try again later, closing connection', 'RCPT TO', true, false],
    [452, '452 4.2.2 Mailbox full', 'RCPT TO', true, false],
    [451, '451 4.3.0 Temporary local problem', 'RCPT TO', true, false],
    [432, '432 4.3.2 Concurrent connections limit exceeded', 'RCPT TO', true, false],
    [451, '451 4.7.1 Please try again later', 'MAIL FROM', true, false],
    [450, '450 4.2.0 <greylisted@b.example>: Recipient address rejected: mailbox unavailable', 'RCPT TO', false, false],
  ])('%i %s to %s (first try: %s): %s', (code, response, command, firstTry, expected) => {
    expect(isGreylisting(failure(code, response, command), firstTry)).toBe(expected);
  });
});
