import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The look for journaled unsubscribes before each message lists the state folder only when it may
 * have changed. A listing that failed (too many open files in a busy send, say) was kept as an
 * empty folder until the folder changed again, so a journal already there was never seen and its
 * readers were mailed; the journal is now looked at whatever the listing says, and a failed
 * listing is tried again at the next look.
 */

let failing: NodeJS.ErrnoException | undefined;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((path: unknown, ...rest: unknown[]) => {
    if (failing) throw failing;
    return (fs.readdirSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});

vi.resetModules();
const { appendToJournal, journalPath } = await import('../../src/send/journal.js');
const { journaledAddresses } = await import('../../src/send/journal-watch.js');

afterAll(() => {
  vi.doUnmock('node:fs');
  vi.resetModules();
});

let dir: string;
let stateFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-journal-listing-failed-'));
  stateFile = join(dir, 'state.db');
  failing = undefined;
  vi.useFakeTimers({ toFake: ['Date', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
  failing = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the look for journaled unsubscribes when listing the state folder failed', () => {
  it.each(['EMFILE', 'ENFILE', 'ENOMEM'])('sees a journal already there while listing fails and after (%s)', (code) => {
    appendToJournal(journalPath(stateFile), {
      email: 'leaver@example.com',
      reason: 'unsubscribe',
      source: 'one-click',
      at: new Date().toISOString(),
    });
    const journaled = journaledAddresses(stateFile);
    failing = Object.assign(new Error(`${code}: listing failed`), { code });
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
    vi.advanceTimersByTime(3_000);
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
    vi.advanceTimersByTime(3_000);
    failing = undefined;
    expect(journaled('leaver@example.com')).toBe('unsubscribe');
  });
});
