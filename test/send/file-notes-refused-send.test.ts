import { utimes } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres.js';
import { openStateDb } from '../../src/send/store.js';
import type { StateLocation } from '../../src/state/location.js';
import { migrateState } from '../../src/state/postgres/index.js';
import { newReader, openSubscriberStoreAt } from '../../src/store/index.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A send notes what the subscribers file says for a field a reader set themselves only when it goes
 * ahead: one that `--strict` or another host's send lock refuses notes nothing, so the editor's
 * change before the next real send still counts as theirs.
 */

const SECRET = 'file-notes-refused-secret-0123456789abcdef';
const CHOSE_AT = '2026-12-01T10:00:00.000Z';

let project: TempProject;
let smtp: TestSmtpServer;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
  smtp = await startSmtpServer();
  // Written before Ann chose her own name: the name is hers until a send notes the file's.
  await project.write(
    'list.json',
    JSON.stringify([
      { email: 'ann@example.com', name: 'Ann Lee', roles: ['CTO'] },
      { email: 'bo@example.com', name: 'Bo', roles: ['Astronaut'] },
    ]),
  );
  const at = new Date('2026-11-20T10:00:00.000Z');
  await utimes(project.path('list.json'), at, at);
});

afterEach(async () => {
  await smtp.close();
  await project.cleanup();
});

async function storeAnn(location: StateLocation): Promise<void> {
  const located = await openSubscriberStoreAt(location);
  try {
    // The database of the PostgreSQL suite outlives one test: Ann starts over in each.
    await located.store.remove('ann@example.com');
    await located.store.insert(
      newReader('ann@example.com', new Date(CHOSE_AT), {
        name: 'Annie',
        roles: ['CTO'],
        readerChangedAt: CHOSE_AT,
        readerFields: { name: CHOSE_AT },
      }),
    );
  } finally {
    await located.close();
  }
}

async function notedOfAnn(location: StateLocation) {
  const located = await openSubscriberStoreAt(location);
  try {
    return (await located.store.get('ann@example.com'))?.fileFields ?? null;
  } finally {
    await located.close();
  }
}

function send(env: Record<string, string>, ...extra: string[]) {
  return runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json', ...extra], {
    SMTP_URL: smtp.url(),
    ROLECAST_SECRET: SECRET,
    ...env,
  });
}

function scenario(location: () => StateLocation, env: () => Record<string, string>, holdLock: () => Promise<void>) {
  it('notes nothing when --strict refuses the send, and notes it when the send goes ahead', async () => {
    await storeAnn(location());
    // Bo's unknown role is a warning, which --strict refuses.
    const refused = await send(env(), '--strict');
    expect(refused.code, refused.all).not.toBe(0);
    expect(refused.all).toContain('--strict');
    expect(await smtp.messages()).toHaveLength(0);
    expect(await notedOfAnn(location())).toBeNull();

    const sent = await send(env());
    expect(sent.code, sent.all).toBe(0);
    expect(await notedOfAnn(location())).toEqual({ name: { at: CHOSE_AT, said: expect.any(String) } });
  });

  it('notes nothing when another host holds the send lock', async () => {
    await storeAnn(location());
    await holdLock();
    const refused = await send(env());
    expect(refused.code, refused.all).not.toBe(0);
    expect(refused.all).toContain('elsewhere.example');
    expect(await smtp.messages()).toHaveLength(0);
    expect(await notedOfAnn(location())).toBeNull();
  });
}

const LOCK = `INSERT INTO locks (issue_id, pid, host, token, started_at) VALUES ('2026-W48', 42, 'elsewhere.example', 'remote', '2026-12-05T07:00:00.000Z')`;

describe('a refused send and the notes of a subscribers file, with the state in a SQLite file', () => {
  const location = (): StateLocation => ({ kind: 'sqlite', file: project.path('.rolecast/state.db') });
  scenario(
    location,
    () => ({}),
    async () => {
      const db = openStateDb(project.path('.rolecast/state.db'));
      try {
        db.exec(LOCK);
      } finally {
        db.close();
      }
    },
  );
});

describePostgres('a refused send and the notes of a subscribers file, with the state in PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('file_notes_refused');
  const location = (): StateLocation => ({ kind: 'postgres', url: databaseUrl() });
  scenario(
    location,
    () => ({ DATABASE_URL: databaseUrl() }),
    async () => {
      const pool = await openPostgres(databaseUrl());
      try {
        await migrateState(pool);
        await pool.query(LOCK);
      } finally {
        await pool.end();
      }
    },
  );
});
