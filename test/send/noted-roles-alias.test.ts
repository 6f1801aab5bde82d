import { cp, readFile, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newReader, openSubscriberStoreAt } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A reader of a subscribers file who chose their own roles keeps them when `roles.yaml` later makes
 * the role the file gives them an alias of another (a role added, two merged): the file's roles
 * mean what they meant, which is no editor's change.
 */

const SECRET = 'noted-roles-alias-secret-0123456789abcdef';
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
});

afterEach(async () => {
  await smtp.close();
  await project.cleanup();
});

async function writeList(roles: string[]): Promise<void> {
  await project.write('list.json', JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles }]));
  // Written before Ann chose her roles: hers until the file's editor changes them.
  const at = new Date('2026-11-20T10:00:00.000Z');
  await utimes(project.path('list.json'), at, at);
}

async function send(issue: string): Promise<string> {
  const sent = await runMain(project.dir, ['send', `issues/${issue}`, '--subscribers', 'list.json'], {
    SMTP_URL: smtp.url(),
    ROLECAST_SECRET: SECRET,
  });
  expect(sent.code, sent.all).toBe(0);
  const mails = (await smtp.messages()).filter((m) => m.envelope.to.includes('ann@example.com'));
  return mails.at(-1)?.parsed.text ?? '';
}

describe('roles a send noted, under a name roles.yaml later makes an alias', () => {
  it('are no change of the file: the reader keeps the roles they chose', async () => {
    await writeList(['Model Ops']);
    const first = await send('2026-W48');
    expect(first).toContain('For Executive');

    // The taxonomy learns the file's role as another spelling of ML Engineer.
    const rolesFile = project.path('roles.yaml');
    const taxonomy = await readFile(rolesFile, 'utf8');
    const aliased = taxonomy.replace(
      'aliases: [Machine Learning Engineer, MLE,',
      'aliases: [Machine Learning Engineer, Model Ops, MLE,',
    );
    expect(aliased).not.toBe(taxonomy);
    await writeFile(rolesFile, aliased);
    const second = await send('2026-W49');
    expect(second).toContain('For Executive');
    expect(second).not.toContain('For ML Engineer');
  });

  it('are no change of the file when it spells the role otherwise than the alias does (case, spaces)', async () => {
    await writeList(['model  ops']);
    const first = await send('2026-W48');
    expect(first).toContain('For Executive');

    const rolesFile = project.path('roles.yaml');
    const taxonomy = await readFile(rolesFile, 'utf8');
    const aliased = taxonomy.replace(
      'aliases: [Machine Learning Engineer, MLE,',
      'aliases: [Machine Learning Engineer, Model Ops, MLE,',
    );
    expect(aliased).not.toBe(taxonomy);
    await writeFile(rolesFile, aliased);
    const second = await send('2026-W49');
    expect(second).toContain('For Executive');
    expect(second).not.toContain('For ML Engineer');
  });
});
