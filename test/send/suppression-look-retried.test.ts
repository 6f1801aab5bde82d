import { readdirSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LOOK_FAILED_STOP } from '../../src/send/retry.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * On the state file the last look before each message reads its change counter. One read that
 * failed for a moment (a file descriptor short in a busy send, an EIO retried by the disk) stopped
 * a long send there; the look is now made again for a few seconds, and the message goes only once
 * a look succeeded. A counter that stays unreadable still stops the send, nothing unlooked sent.
 */

/** After `okReads` good reads of the change counter, the next `failReads` fail with EMFILE. */
const fault = { reads: 0, okReads: Number.POSITIVE_INFINITY, failReads: 0, failed: 0 };

vi.mock('../../src/state/sqlite/suppressions.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/state/sqlite/suppressions.js')>();
  return {
    ...real,
    sqliteSuppressions: (...args: Parameters<typeof real.sqliteSuppressions>) => {
      const store = real.sqliteSuppressions(...args);
      const instant = store.instant!;
      const version = () => {
        fault.reads++;
        if (fault.reads > fault.okReads && fault.failed < fault.failReads) {
          fault.failed++;
          throw Object.assign(new Error('EMFILE: too many open files, read'), { code: 'EMFILE' });
        }
        return instant.version();
      };
      return { ...store, instant: { ...instant, version } };
    },
  };
});

// Test files share one module registry: load the send afresh so it sees the mock, and leave none behind.
vi.resetModules();
const { openStateDb, sendIssue } = await import('../../src/send/index.js');
afterAll(() => {
  vi.doUnmock('../../src/state/sqlite/suppressions.js');
  vi.resetModules();
});

let fixture: SendFixture | undefined;

afterEach(async () => {
  Object.assign(fault, { reads: 0, okReads: Number.POSITIVE_INFINITY, failReads: 0, failed: 0 });
  await fixture?.cleanup();
  fixture = undefined;
});

async function send(lookPatienceMs?: number) {
  fixture = await sendFixture(10, { concurrency: 1 });
  const outbox = fixture.temp.path('outbox');
  const report = await sendIssue({
    issueDir: fixture.issueDir,
    subscribersFile: fixture.subscribersFile,
    cwd: fixture.dir,
    env: sendEnv(),
    outbox,
    lateSuppressionCheckMs: 60_000,
    ...(lookPatienceMs === undefined ? {} : { lookPatienceMs }),
  });
  const files = readdirSync(outbox).filter((name) => name.endsWith('.eml'));
  const db = openStateDb(`${fixture.dir}/.rolecast/state.db`);
  const rows = db.prepare("SELECT email FROM deliveries WHERE status = 'sent'").pluck().all() as string[];
  db.close();
  return { report, files, rows };
}

describe('the last look on the state file failing for a moment', () => {
  it('is made again, and the send goes on: every reader mailed once', async () => {
    fault.okReads = 3;
    fault.failReads = 4;
    const { report, files, rows } = await send();
    const readers = await eligible(fixture!);
    expect(fault.failed).toBe(4);
    expect(report.stopped).toBeUndefined();
    expect(report.total.sent).toBe(readers.length);
    expect(files).toHaveLength(readers.length);
    expect([...rows].sort()).toEqual(readers);
  });

  it('stops the send when the counter stays unreadable: nothing sent without a look', async () => {
    fault.okReads = 3;
    fault.failReads = Number.POSITIVE_INFINITY;
    const { report, files, rows } = await send(200);
    const readers = await eligible(fixture!);
    expect(report.stopped).toMatch(new RegExp(`^${LOOK_FAILED_STOP}.*EMFILE`));
    // The three messages whose looks succeeded, and none after.
    expect(files).toHaveLength(3);
    expect(rows).toHaveLength(3);
    expect(report.total.sent).toBe(3);
    expect(report.total.pending).toBe(readers.length - 3);
  });
});
