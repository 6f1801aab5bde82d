import { describe, expect, it } from 'vitest';
import { classifyFailure, isThrottling } from '../../src/send/retry.js';

/**
 * A reader's full mailbox is that reader's refusal, not a pace the server asks of the run: the
 * reader fails (or is retried) on their own, and the run keeps its pace. A sending quota is a pace.
 */

function refusal(responseCode: number, response: string, command: string) {
  return Object.assign(new Error(response), { code: 'EENVELOPE', responseCode, response, command });
}

describe('a quota in a refusal', () => {
  it.each([
    [552, '552 Mailbox quota exceeded', 'DATA'],
    [550, '550 User quota exceeded', 'RCPT TO'],
    [552, '552 sorry, recipient is over quota', 'RCPT TO'],
    [552, '552 Quota exceeded: the mailbox is full', 'DATA'],
  ])('%i "%s" fails the reader and slows nobody', (code, reply, command) => {
    const failure = classifyFailure(refusal(code, reply, command));
    expect(failure.kind).toBe('permanent');
    expect(isThrottling(failure)).toBe(false);
  });

  it.each([
    [452, '452 Mailbox over quota, try again later', 'RCPT TO'],
    [452, '452 User quota exceeded', 'RCPT TO'],
  ])('%i "%s" is the reader\'s, not a pace for the run', (code, reply, command) => {
    const failure = classifyFailure(refusal(code, reply, command));
    expect(failure.kind).toBe('temporary');
    expect(isThrottling(failure)).toBe(false);
  });

  it.each([
    [554, '554 5.7.1 Hourly sending quota exceeded, try again later', 'DATA'],
    [550, '550 Message quota for this hour exceeded', 'MAIL FROM'],
    [554, '554 Your account has exceeded its sending quota for the hour', 'DATA'],
    [451, '451 User sending quota exceeded, slow down', 'MAIL FROM'],
  ])('%i "%s" is a pace', (code, reply, command) => {
    const failure = classifyFailure(refusal(code, reply, command));
    expect(failure.kind).toBe('temporary');
    expect(isThrottling(failure)).toBe(true);
  });
});
