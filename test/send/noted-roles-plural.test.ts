import { cp, readFile, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newReader, openSubscriberStoreAt } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A reader of a subscribers file who chose their own roles keeps them when the file gives them a
 * role in the plural that `roles.yaml` later learns in the singular: "ML Platform Engineers" noted
 * as written, then read as the new role "ML Platform Engineer", is no editor's change.
 */

const SECRET = 'noted-roles-plural-secret-0123456789abcdef';
const CHOSE_AT = '2026-12-01T10:00:00.000Z';

let project: TempProject;
let smtp: TestSmtpServer;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
  smtp = await startSmtpServer();
  await cp(project.path('issues/2026-W48'), project.path('issues/2026-W49'), { recursive: true });
  const located = await openSubscriberStoreAt({ kind: 'sqlite', file: project.path('.rolecast/state.db') });
  try {
    await located.store.insert(
      newReader('ann@example.com', new Date(CHOSE_AT), {
        roles: ['Executive'],
        readerChangedAt: CHOSE_AT,
        readerFields: { roles: CHOSE_AT },
      }),
    );
  } finally {
    await located.close();
  }
  await project.write(
    'list.json',
    JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles: ['CTO', 'ml platform engineers'] }]),
  );
  // Written before Ann chose her roles: hers until the file's editor changes them.
  const at = new Date('2026-11-20T10:00:00.000Z');
  await utimes(project.path('list.json'), at, at);
});

afterEach(async () => {
  await smtp.close();
  await project.cleanup();
});

async function send(issue: string): Promise<string> {
  const sent = await runMain(project.dir, ['send', `issues/${issue}`, '--subscribers', 'list.json'], {
    SMTP_URL: smtp.url(),
    ROLECAST_SECRET: SECRET,
  });
  expect(sent.code, sent.all).toBe(0);
  const mails = (await smtp.messages()).filter((m) => m.envelope.to.includes('ann@example.com'));
  return mails.at(-1)?.parsed.text ?? '';
}

async function learn(replace: string, by: string): Promise<void> {
  const rolesFile = project.path('roles.yaml');
  const taxonomy = await readFile(rolesFile, 'utf8');
  const changed = taxonomy.replace(replace, by);
  expect(changed).not.toBe(taxonomy);
  await writeFile(rolesFile, changed);
}

describe('roles a send noted in the plural, which roles.yaml later knows in the singular', () => {
  it('are no change of the file when the singular becomes an alias: the reader keeps the roles they chose', async () => {
    const first = await send('2026-W48');
    expect(first).toContain('For Executive');
    expect(first).not.toContain('For CTO');

    await learn(
      'aliases: [Machine Learning Engineer, MLE,',
      'aliases: [Machine Learning Engineer, ML Platform Engineer, MLE,',
    );
    const second = await send('2026-W49');
    expect(second).toContain('For Executive');
    expect(second).not.toContain('For CTO');
    expect(second).not.toContain('For ML Engineer');
  });

  it('are no change of the file when the singular becomes a role: the reader keeps the roles they chose', async () => {
    const first = await send('2026-W48');
    expect(first).toContain('For Executive');

    await learn(
      '  - name: CTO\n',
      '  - name: ML Platform Engineer\n    group: AI and data\n    aliases: []\n  - name: CTO\n',
    );
    const second = await send('2026-W49');
    expect(second).toContain('For Executive');
    expect(second).not.toContain('For CTO');
  });
});
