import { readFile, utimes } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres.js';
import { openStateDb } from '../../src/send/store.js';
import { fileFieldHash } from '../../src/store/fields.js';
import {
  migrateSubscriberStorePg,
  postgresSubscriberStore,
  type SubscriberStore,
  sqliteSubscriberStore,
} from '../../src/store/index.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A release before this one noted the roles a subscribers file gave a reader who chose their own
 * only as roles.yaml read them, not as the file writes them. After an upgrade, roles.yaml making
 * an alias the file uses a role of its own (before any send noted the text) is no change of the
 * file's editor when the file has not been written since the reader's choice: the reader keeps
 * their roles. An editor who does write the file still wins them.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');
/** The note an earlier release made: the file's "Head of ML" read as Director of AI/ML, no text. */
const OLD_NOTE = JSON.stringify({
  roles: {
    at: CHOSE_AT,
    said: fileFieldHash({ email: 'ann@example.com', roles: ['Director of AI/ML'], status: 'active' }, 'roles'),
  },
});

interface Backend {
  env(): Record<string, string>;
  /** Works on the store, the reader's noted fields written as the earlier release wrote them. */
  withStore<T>(
    project: TempProject,
    work: (store: SubscriberStore, writeOldNote: () => Promise<void>) => Promise<T>,
  ): Promise<T>;
}

const sqlite: Backend = {
  env: () => ({}),
  async withStore(project, work) {
    const db = openStateDb(project.path('.rolecast/state.db'));
    try {
      return await work(sqliteSubscriberStore(db), async () => {
        db.prepare('UPDATE readers SET file_fields = ? WHERE email = ?').run(OLD_NOTE, 'ann@example.com');
      });
    } finally {
      db.close();
    }
  },
};

function postgres(url: () => string): Backend {
  return {
    env: () => ({ DATABASE_URL: url() }),
    async withStore(_project, work) {
      const pool = await openPostgres(url(), { max: 1 });
      try {
        await migrateSubscriberStorePg(pool);
        return await work(postgresSubscriberStore(pool), async () => {
          await pool.query('UPDATE readers SET file_fields = $1 WHERE email = $2', [OLD_NOTE, 'ann@example.com']);
        });
      } finally {
        await pool.end();
      }
    },
  };
}

function scenarios(backend: () => Backend) {
  let project: TempProject | undefined;
  let smtp: TestSmtpServer | undefined;
  afterEach(async () => {
    await smtp?.close();
    await project?.cleanup();
  });

  async function start() {
    project = await tempProject({ withExample: true });
    smtp = await startSmtpServer();
    const p = project;
    const file = await p.write(
      'subscribers.json',
      JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles: ['Head of ML'] }]),
    );
    await utimes(file, WRITTEN_AT, WRITTEN_AT);
    await backend().withStore(p, async (store, writeOldNote) => {
      for (const reader of await store.list()) await store.remove(reader.email);
      await store.insert(
        readerRecord('ann@example.com', {
          roles: ['CTO'],
          readerChangedAt: CHOSE_AT,
          readerFields: { roles: CHOSE_AT },
        }),
      );
      await writeOldNote();
    });
    // roles.yaml makes Head of ML a role of its own, before any send of this release.
    const roles = await readFile(p.path('roles.yaml'), 'utf8');
    await p.write(
      'roles.yaml',
      `${roles.replace('Head of AI, Head of ML,', 'Head of AI,')}\n  - name: Head of ML\n    group: AI and data\n`,
    );
    const env = { SMTP_URL: smtp.url(), ROLECAST_SECRET: 'old-notes-secret-0123456789abcdefghij', ...backend().env() };
    const server = smtp;
    const send = async (): Promise<string> => {
      const before = (await server.messages()).length;
      // Every send mails again: a PostgreSQL database holds the ledger of the tests before.
      const sent = await runMain(
        p.dir,
        ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--resend'],
        env,
      );
      expect(sent.code, sent.all).toBe(0);
      const mails = (await server.messages()).slice(before).filter((m) => m.envelope.to.includes('ann@example.com'));
      expect(mails).toHaveLength(1);
      return mails[0]?.parsed.text ?? '';
    };
    const stored = () => backend().withStore(p, (store) => store.get('ann@example.com'));
    return { project: p, file, send, stored };
  }

  it('the file not written since the reader’s choice: they keep their roles, and the note gets its text', async () => {
    const { send, stored } = await start();
    expect(await send()).toContain('sent to ann@example.com for CTO.');
    const reader = await stored();
    expect(reader?.readerFields).toEqual({ roles: CHOSE_AT });
    expect(reader?.roles).toEqual(['CTO']);
    expect(reader?.fileFields?.roles?.written).toBeDefined();
    expect(await send()).toContain('sent to ann@example.com for CTO.');
  });

  it('the editor who wrote other roles since still wins them', async () => {
    const { project: p, send, stored } = await start();
    await p.write(
      'subscribers.json',
      JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles: ['Head of ML', 'Executive'] }]),
    );
    expect(await send()).toMatch(/sent to ann@example\.com for [^\n]*Executive/);
    expect((await stored())?.readerFields).toEqual({});
  });
}

describe('a note of an earlier release, after roles.yaml splits an alias out (state file)', () => {
  scenarios(() => sqlite);
});

describePostgres('a note of an earlier release, after roles.yaml splits an alias out (PostgreSQL)', () => {
  const url = useFreshDatabase('old_notes');
  const backend = postgres(url);
  scenarios(() => backend);
});
