import { appendFile, mkdir, readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * Messages a stopped run listed as "accepted by the server, not recorded" are never sent again:
 * a dry run counts them as sent, and the next real run records them before it plans. This holds
 * for runs to a named outbox folder too, whose ledger channel carries the folder.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  await project.write(
    'readers.json',
    JSON.stringify([
      { email: 'cto@example.com', roles: ['CTO'] },
      { email: 'Exec@Example.com', roles: ['Executive'] },
    ]),
  );
});
afterEach(() => project.cleanup());

async function run(...argv: string[]) {
  return runMain(project.dir, argv);
}

async function listAsUnrecorded(email: string) {
  const line = {
    issueId: '2026-W48',
    channel: `outbox:${project.path('out')}`,
    email,
    variantId: 'executive',
    messageId: '<lost@example.com>',
    at: '2026-12-01T10:00:00.000Z',
  };
  await appendFile(project.path('.rolecast/state.db.unrecorded.jsonl'), `${JSON.stringify(line)}\n`);
}

describe('accepted but unrecorded messages', () => {
  it('a dry run counts them as sent; the real run records them and sends only the rest', async () => {
    // A stopped run to the "out" folder listed this reader as accepted but not recorded.
    await mkdir(project.path('.rolecast'), { recursive: true });
    await listAsUnrecorded('exec@example.com');

    const dry = await run(
      'send',
      'issues/2026-W48',
      '--subscribers',
      'readers.json',
      '--outbox',
      'out',
      '--dry-run',
      '--json',
    );
    expect(dry.code, dry.err).toBe(0);
    const plan = JSON.parse(dry.out) as { total: { skipped: Record<string, number>; pending: number } };
    expect(plan.total.pending).toBe(1);

    const real = await run('send', 'issues/2026-W48', '--subscribers', 'readers.json', '--outbox', 'out');
    expect(real.code, real.err).toBe(0);
    const written = await readdir(project.path('out'));
    expect(written.filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(written.join(' ')).not.toMatch(/exec/i);
  });

  it('an address erased since the run stopped is not written back to the ledger', async () => {
    await mkdir(project.path('.rolecast'), { recursive: true });
    await listAsUnrecorded('exec@example.com');
    expect((await run('subscribers', 'forget', 'Exec@Example.com')).code).toBe(0);
    const real = await run('send', 'issues/2026-W48', '--subscribers', 'readers.json', '--outbox', 'out');
    expect(real.code, real.err).toBe(0);
    const db = openStateDb(project.path('.rolecast/state.db'));
    try {
      expect(db.prepare('SELECT email FROM deliveries').pluck().all()).toEqual(['cto@example.com']);
    } finally {
      db.close();
    }
  });
});
