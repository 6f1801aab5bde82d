import { readFile, utimes } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres.js';
import { migrateSubscriberStorePg, postgresSubscriberStore, type SubscriberStore } from '../../src/store/index.js';
import { perTest } from '../helpers/per-test.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * What a send notes of a subscribers file for fields readers set, with the state in PostgreSQL:
 * the roles as the file writes them (so roles.yaml splitting an alias out is no editor's change),
 * and a field the editor did change handed back, the reader's record taking the file's value.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');

describePostgres('noted subscribers-file fields, with the state in PostgreSQL', () => {
  const url = useFreshDatabase('noted_fields');
  const opened = perTest<{ project: TempProject; smtp: TestSmtpServer }>(['project', 'smtp']);

  async function withStore<T>(work: (store: SubscriberStore) => Promise<T>): Promise<T> {
    const pool = await openPostgres(url(), { max: 1 });
    try {
      await migrateSubscriberStorePg(pool);
      return await work(postgresSubscriberStore(pool));
    } finally {
      await pool.end();
    }
  }

  async function start(entries: unknown[]) {
    const project = await tempProject({ withExample: true });
    opened.project = project;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    await withStore(async (store) => {
      await store.transaction(async () => {
        for (const reader of await store.list()) await store.remove(reader.email);
      });
    });
    const writeList = async (list: unknown[]) => {
      const file = await project.write('subscribers.json', JSON.stringify(list));
      await utimes(file, WRITTEN_AT, WRITTEN_AT);
    };
    await writeList(entries);
    const env = { SMTP_URL: smtp.url(), ROLECAST_SECRET: 'noted-fields-secret-0123456789abcdef', DATABASE_URL: url() };
    let sends = 0;
    const send = async (): Promise<string> => {
      // Every send mails again: the same database holds the ledger of the tests before.
      sends++;
      const sent = await runMain(
        project.dir,
        ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--resend'],
        env,
      );
      expect(sent.code, sent.all).toBe(0);
      const mails = (await smtp.messages()).filter((m) => m.envelope.to.includes('ann@example.com'));
      expect(mails).toHaveLength(sends);
      return mails.at(-1)?.parsed.text ?? '';
    };
    return { project, send, writeList };
  }

  it('a role roles.yaml splits out of an alias the file uses is no change: the reader keeps their roles', async () => {
    const { project, send } = await start([{ email: 'ann@example.com', name: 'Ann', roles: ['Head of ML'] }]);
    await withStore((store) =>
      store.insert(
        readerRecord('ann@example.com', {
          roles: ['CTO'],
          readerChangedAt: CHOSE_AT,
          readerFields: { roles: CHOSE_AT },
        }),
      ),
    );
    expect(await send()).toContain('sent to ann@example.com for CTO.');
    const noted = await withStore((store) => store.get('ann@example.com'));
    expect(noted?.fileFields?.roles?.at).toBe(CHOSE_AT);
    expect(noted?.fileFields?.roles?.written).toBeDefined();

    const roles = await readFile(project.path('roles.yaml'), 'utf8');
    await project.write(
      'roles.yaml',
      `${roles.replace('Head of AI, Head of ML,', 'Head of AI,')}\n  - name: Head of ML\n    group: AI and data\n`,
    );
    expect(await send()).toContain('sent to ann@example.com for CTO.');
    const { reader, audit } = await withStore(async (store) => ({
      reader: await store.get('ann@example.com'),
      audit: await store.auditOf('ann@example.com'),
    }));
    expect(reader?.readerFields).toEqual({ roles: CHOSE_AT });
    expect(reader?.roles).toEqual(['CTO']);
    expect(audit.map((entry) => entry.change).join('\n')).not.toMatch(/editor changed/);
  });

  it('the file respelling the roles with an alias, then roles.yaml splitting it out, is no change either', async () => {
    const { project, send, writeList } = await start([
      { email: 'ann@example.com', name: 'Ann', roles: ['Director of AI/ML'] },
    ]);
    await withStore((store) =>
      store.insert(
        readerRecord('ann@example.com', {
          roles: ['CTO'],
          readerChangedAt: CHOSE_AT,
          readerFields: { roles: CHOSE_AT },
        }),
      ),
    );
    expect(await send()).toContain('sent to ann@example.com for CTO.');
    await writeList([{ email: 'ann@example.com', name: 'Ann', roles: ['Head of ML'] }]);
    expect(await send()).toContain('sent to ann@example.com for CTO.');
    const roles = await readFile(project.path('roles.yaml'), 'utf8');
    await project.write(
      'roles.yaml',
      `${roles.replace('Head of AI, Head of ML,', 'Head of AI,')}\n  - name: Head of ML\n    group: AI and data\n`,
    );
    expect(await send()).toContain('sent to ann@example.com for CTO.');
    expect((await withStore((store) => store.get('ann@example.com')))?.readerFields).toEqual({ roles: CHOSE_AT });
  });

  it('a field the editor changes is handed back, and the reader’s record takes the file’s value', async () => {
    const { send, writeList } = await start([{ email: 'ann@example.com', name: 'Ann Lee', roles: ['CTO'] }]);
    await withStore((store) =>
      store.insert(
        readerRecord('ann@example.com', {
          name: 'Annie',
          roles: ['Executive'],
          readerChangedAt: CHOSE_AT,
          readerFields: { name: CHOSE_AT, roles: CHOSE_AT },
        }),
      ),
    );
    expect(await send()).toContain('sent to ann@example.com for Executive.');
    await writeList([{ email: 'ann@example.com', name: 'Ann Lee-Smith', roles: ['Software Engineer'] }]);
    expect(await send()).toContain('sent to ann@example.com for Software Engineer.');
    const reader = await withStore((store) => store.get('ann@example.com'));
    expect(reader).toMatchObject({ name: 'Ann Lee-Smith', roles: ['Software Engineer'], readerFields: {} });
    const audit = await withStore((store) => store.auditOf('ann@example.com'));
    expect(audit.map((entry) => entry.change).join('\n')).toMatch(/roles.*editor changed/);
  });
});
