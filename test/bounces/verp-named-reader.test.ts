import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyEvents,
  type BounceEvent,
  type BounceStore,
  emptyHints,
  sqliteBounceStore,
  verpAddress,
} from '../../src/bounces/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A provider's notification about a reader mailed with a VERP address (SES gives it as the mail's
 * source) is tied to its reader by that address. The reader the notification names is checked
 * first, so serve does not work out the token of every reader of the issue on each call.
 */

const SECRET = 'verp-named-reader-secret-0123456789';
const DOMAIN = 'bounces.rolecast.example';
const LIST = 'weekly.rolecast.example';
const ISSUE = '2026-W48';
const READERS = 300;

let dir: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-verp-named-'));
  db = openStateDb(join(dir, 'state.db'));
  const insert = db.prepare(
    "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, updated_at) VALUES (?, 'smtp', ?, 'cto', 'sent', '2026-11-30T08:00:00.000Z')",
  );
  db.transaction(() => {
    for (let i = 0; i < READERS; i++) insert.run(ISSUE, `reader${i}@example.com`);
  })();
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bounce store, counting how often an issue's whole recipient list is read. */
function countingStore(): { store: BounceStore; listsRead: () => number } {
  const store = sqliteBounceStore(db);
  let reads = 0;
  return {
    store: {
      ...store,
      recipients: (issueId) => {
        reads++;
        return store.recipients(issueId);
      },
    },
    listsRead: () => reads,
  };
}

function sesBounce(id: string, address: string, mailedTo: string): BounceEvent {
  const hints = emptyHints();
  hints.verpCandidates.push(verpAddress(DOMAIN, SECRET, ISSUE, mailedTo, LIST));
  return {
    eventId: `ses:${id}`,
    kind: 'hard',
    address,
    status: '5.1.1',
    diagnostic: 'smtp; 550 5.1.1 user unknown',
    source: 'ses',
    at: new Date('2026-11-30T08:05:00Z'),
    hints,
  };
}

const options = {
  softLimit: 3,
  secret: SECRET,
  verpDomain: DOMAIN,
  listId: LIST,
  authenticated: true,
  now: new Date('2026-11-30T09:00:00Z'),
};

describe('a VERP address on a provider notification', () => {
  it('suppresses the reader it names without reading the issue’s whole list', async () => {
    const { store, listsRead } = countingStore();
    const [decision] = await applyEvents(
      store,
      [sesBounce('a', 'Reader7@example.com', 'reader7@example.com')],
      options,
    );
    expect(decision).toMatchObject({ outcome: 'suppressed', email: 'reader7@example.com', issueId: ISSUE });
    expect(listsRead()).toBe(0);
    expect(await store.isSuppressed('reader8@example.com')).toBe(false);
  });

  it('still finds the reader whose mail bounced from another address (forwarded)', async () => {
    const { store, listsRead } = countingStore();
    const [decision] = await applyEvents(
      store,
      [sesBounce('b', 'forwarded@elsewhere.example', 'reader9@example.com')],
      options,
    );
    expect(decision).toMatchObject({ outcome: 'suppressed', email: 'reader9@example.com' });
    expect(listsRead()).toBe(1);
    expect(await store.isSuppressed('forwarded@elsewhere.example')).toBe(false);
  });

  it('names another reader of the list: the token decides, not the named address', async () => {
    const { store } = countingStore();
    // The notification names reader3 but went out with reader4's address: reader4 is who it is about.
    const [decision] = await applyEvents(
      store,
      [sesBounce('c', 'reader3@example.com', 'reader4@example.com')],
      options,
    );
    expect(decision).toMatchObject({ outcome: 'suppressed', email: 'reader4@example.com' });
    expect(await store.isSuppressed('reader3@example.com')).toBe(false);
  });

  it('a token for a reader the issue never reached suppresses nobody through the named address', async () => {
    const { store } = countingStore();
    const [decision] = await applyEvents(
      store,
      [{ ...sesBounce('d', 'stranger@example.com', 'stranger@example.com'), kind: 'hard' }],
      { ...options, authenticated: false },
    );
    expect(decision).toMatchObject({ outcome: 'unmatched' });
    expect(await store.isSuppressed('stranger@example.com')).toBe(false);
  });
});
