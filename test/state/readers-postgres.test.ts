import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres.js';
import { loadProject } from '../../src/load/project.js';
import { sendIssue } from '../../src/send/index.js';
import { openState } from '../../src/state/open.js';
import { migrateSubscriberStorePg, postgresSubscriberStore } from '../../src/store/postgres.js';
import type { Reader } from '../../src/store/types.js';
import { perTest } from '../helpers/per-test.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { generateSubscribers, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * With DATABASE_URL, the commands that read the audience (`send`, `build`, `check`, the preview)
 * take the readers and the suppressions from PostgreSQL: a worker host sends to the readers who
 * signed up on the `serve` replicas, and skips whom they unsubscribed.
 */

function reader(email: string, roles: string[], status: Reader['status'] = 'active'): Reader {
  const at = '2026-11-01T00:00:00.000Z';
  const consent = { at, method: 'form', wording: null } as const;
  return readerRecord(email, { roles, status, createdAt: at, confirmedAt: at, updatedAt: at, consent });
}

describePostgres('the audience read from PostgreSQL', () => {
  const url = useFreshDatabase('readers');
  const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

  it('sends to the readers stored in PostgreSQL, minus its suppressions, with no --subscribers', async () => {
    const generated = generateSubscribers(6).filter((s) => s.status === 'active');
    const fixture = await sendFixture(0, {}, []);
    opened.fixture = fixture;
    const pool = await openPostgres(url(), { max: 1 });
    try {
      await migrateSubscriberStorePg(pool);
      const store = postgresSubscriberStore(pool);
      for (const s of generated) await store.insert(reader(s.email, s.roles));
      await store.insert(reader('pending@example.test', generated[0]!.roles, 'pending'));
    } finally {
      await pool.end();
    }
    const state = await openState({ kind: 'postgres', url: url() });
    await state.suppressions.add(generated[1]!.email, { reason: 'unsubscribe' });
    await state.close();
    const env = { ...sendEnv(), DATABASE_URL: url() };

    const project = await loadProject({ issueDir: fixture.issueDir, cwd: fixture.dir, env });
    expect(project.readers?.source).toBe('store');
    expect(project.subscribers?.map((s) => s.email).sort()).toEqual(generated.map((s) => s.email).sort());

    // build counts recipients as a send would: the suppressed reader is left out.
    const built = await runMain(fixture.dir, ['build', 'issues/2026-W48', '--out', 'out'], { DATABASE_URL: url() });
    expect(built.code, built.all).toBe(0);
    const manifest = JSON.parse(await readFile(fixture.temp.path('out/manifest.json'), 'utf8')) as {
      recipients?: number;
      skipped?: Record<string, number>;
    };
    expect(manifest.skipped?.suppressed, JSON.stringify(manifest.skipped)).toBe(1);
    const planned = manifest.recipients ?? 0;
    expect(planned).toBeGreaterThan(0);

    const server = await startSmtpServer();

    opened.server = server;
    const report = await sendIssue({
      issueDir: fixture.issueDir,
      cwd: fixture.dir,
      env: { ...sendEnv(server.url()), DATABASE_URL: url() },
    });
    const accepted = (await server.messages()).map((m) => m.envelope.to[0]!);
    expect(accepted).toHaveLength(planned);
    expect(accepted).not.toContain(generated[1]!.email);
    expect(accepted).not.toContain('pending@example.test');
    for (const email of accepted) expect(generated.map((s) => s.email)).toContain(email);
    expect(report.total.sent).toBe(planned);
    expect(existsSync(`${fixture.dir}/.rolecast/state.db`)).toBe(false);
  });
});
