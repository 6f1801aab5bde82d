import { readdir, rm, utimes } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { openStateDb } from '../../src/send/store.js';
import { fileEntryHash, fileFieldHash } from '../../src/store/fields.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A subscribers file writes a time zone link in lower case ("us/eastern"). Earlier releases read it
 * as written, and a send noted that text for a reader who had chosen their own zone; it is now read
 * as the zone it names ("America/New_York"). The file's text is the same, so it is no change of its
 * editor's: the reader keeps the zone they chose, and a reader who moved onto an address that entry
 * says left keeps their mail there. An editor who does change the zone still wins it.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

const annAsNoted: Subscriber = { email: 'ann@example.com', roles: ['CTO'], timezone: 'us/eastern', status: 'active' };

async function writeFile(entries: unknown[]) {
  const file = await project.write('subscribers.json', JSON.stringify(entries));
  await utimes(file, WRITTEN_AT, WRITTEN_AT);
}

async function send() {
  await rm(project.path('outbox'), { recursive: true, force: true });
  const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--resend']);
  expect(sent.code, sent.all).toBe(0);
  return sent;
}

async function stored(email: string) {
  const db = openStateDb(project.path('.rolecast/state.db'));
  try {
    const store = sqliteSubscriberStore(db);
    return { reader: await store.get(email), audit: (await store.auditOf(email)).map((entry) => entry.change) };
  } finally {
    db.close();
  }
}

async function insertAnn() {
  const db = openStateDb(project.path('.rolecast/state.db'));
  await sqliteSubscriberStore(db).insert(
    readerRecord('ann@example.com', {
      roles: ['CTO'],
      timezone: 'Europe/Berlin',
      readerChangedAt: CHOSE_AT,
      readerFields: { timezone: CHOSE_AT },
      // What a send of an earlier release noted: the zone as the file writes it.
      fileFields: { timezone: { at: CHOSE_AT, said: fileFieldHash(annAsNoted, 'timezone') } },
    }),
  );
  db.close();
}

describe('a zone link a send noted in lower case, now read as the zone it names', () => {
  it('is no change of the file: the reader keeps the zone they chose', async () => {
    await writeFile([{ email: 'ann@example.com', roles: ['CTO'], timezone: 'us/eastern' }]);
    await insertAnn();
    await send();
    const { reader, audit } = await stored('ann@example.com');
    expect(reader?.timezone).toBe('Europe/Berlin');
    expect(reader?.readerFields).toEqual({ timezone: CHOSE_AT });
    expect(audit.join('\n')).not.toMatch(/editor changed/);
  });

  it('the editor who does change the zone still wins it', async () => {
    await writeFile([{ email: 'ann@example.com', roles: ['CTO'], timezone: 'Asia/Tokyo' }]);
    await insertAnn();
    await send();
    const { reader, audit } = await stored('ann@example.com');
    expect(reader?.timezone).toBe('Asia/Tokyo');
    expect(audit.join('\n')).toMatch(/timezone: the subscribers file's from now on \(its editor changed it\)/);
  });

  it('an entry saying the address left still gives way to the reader who moved onto it', async () => {
    const left: Subscriber = {
      email: 'bob@home.example',
      roles: ['CTO'],
      timezone: 'us/eastern',
      status: 'unsubscribed',
    };
    await writeFile([
      { email: 'bob@work.example', roles: ['CTO'] },
      { email: 'bob@home.example', roles: ['CTO'], timezone: 'us/eastern', status: 'unsubscribed' },
    ]);
    const db = openStateDb(project.path('.rolecast/state.db'));
    const store = sqliteSubscriberStore(db);
    await store.insert(readerRecord('bob@work.example', { roles: ['CTO'] }));
    expect(await store.rename('bob@work.example', 'bob@home.example', new Date(CHOSE_AT))).toBe(true);
    // What a send of an earlier release noted for the entry the move took the place of.
    await store.update(
      'bob@home.example',
      { fileFields: { movedOnto: { at: CHOSE_AT, said: fileEntryHash(left) } } },
      new Date(CHOSE_AT),
    );
    db.close();
    await send();
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['bob@home.example.eml']);
  });
});
