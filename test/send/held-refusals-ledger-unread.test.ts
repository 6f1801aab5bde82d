import { expect, it } from 'vitest';
import { unjudgedLine } from '../../src/cli/commands/send.js';
import { refusalStreak, releaseAtEnd } from '../../src/send/held-refusals.js';
import type { HeldRefusal } from '../../src/send/run-types.js';

/**
 * A send worker whose list ends holding refusals asks the ledger whether another worker's message of
 * the issue was accepted. When that read fails, the refusals stay deferred, and the editor is told
 * the database could not be read rather than to check the sending account.
 */

const REPLY = '550 5.7.1 sender rejected';

function held(settled: string[], email: string): HeldRefusal {
  return {
    job: { email } as HeldRefusal['job'],
    outcome: { status: 'failed', attempts: 1, failure: { response: REPLY } } as HeldRefusal['outcome'],
    settle: async (as) => {
      settled.push(`${email} ${as}`);
    },
  };
}

it.each([
  ['the ledger cannot be read', () => Promise.reject(new Error('connection terminated unexpectedly')), true],
  ['the ledger records no acceptance', () => Promise.resolve(false), false],
])('when %s, the refused readers are deferred and the line says why', async (_, elsewhere, unread) => {
  const settled: string[] = [];
  const streak = refusalStreak();
  streak.held.push(held(settled, 'a@example.com'), held(settled, 'b@example.com'));
  await releaseAtEnd(streak, false, { any: false, before: false, elsewhere });
  expect(settled).toEqual(['a@example.com deferred', 'b@example.com deferred']);
  const line = unjudgedLine(streak.unjudged!);
  if (unread) {
    expect(streak.unjudged).toEqual({ readers: 2, response: REPLY, unread: 'connection terminated unexpectedly' });
    expect(line).toContain('the database could not be read (connection terminated unexpectedly)');
    expect(line).toContain('run the same command again once the database answers');
    expect(line).not.toContain('check the sending account');
  } else {
    expect(streak.unjudged).toEqual({ readers: 2, response: REPLY });
    expect(line).toContain('check the sending account');
  }
});
