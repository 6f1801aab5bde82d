import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { addExampleSummary, runMain } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A role roles.yaml does not list ("Space Cadet") still reaches the readers who hold it (see
 * README "Roles"). The preferences page shows it among their roles, and a save keeps it.
 */

const SECRET = 'unlisted-roles-prefs-secret-0123456789ab';
const READER = 'cadet@example.com';
let h: SignupServer;
let path: string;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  const consent = { at: '2026-12-01T10:00:00.000Z', method: 'import' as const, wording: 'list.json' };
  await h.store.insert(readerRecord(READER, { name: 'Cadet', roles: ['Space Cadet', 'CTO'], consent }));
  path = `/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
});
afterEach(() => h.close());

async function save(fields: Record<string, string | string[]>) {
  const page = await (await fetch(`${h.origin}${path}`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  expect((await h.post(path, form({ csrf, action: 'save', email: READER, ...fields }))).status).toBe(303);
  return page;
}

describe('a role the taxonomy does not list, held by a stored reader', () => {
  it('is shown checked, kept by a save, and reaches the reader in the next send', async () => {
    // The reader only changes their name; the checked boxes go back as shown.
    const page = await save({ name: 'Captain Cadet', roles: ['Space Cadet', 'CTO'] });
    expect(page).toMatch(/<input type="checkbox" name="roles" id="[^"]+" value="Space Cadet" checked/);
    expect(await h.store.get(READER)).toMatchObject({ name: 'Captain Cadet', roles: ['Space Cadet', 'CTO'] });
    await addExampleSummary(h.project, 'orbit-notes', {
      title: 'Notes From Orbit',
      summary: 'What a week in low orbit teaches about on-call rotations.',
      roles: ['space cadet'],
    });
    h.db.close();
    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    const mail = await simpleParser(await readFile(h.project.path(`outbox/2026-W48/${READER}.eml`)));
    expect(mail.text).toContain('Notes From Orbit');
  });

  it('is kept alone when the reader unticks every other role, since summaries naming it still reach them', async () => {
    await save({ roles: ['Space Cadet'] });
    expect((await h.store.get(READER))?.roles).toEqual(['Space Cadet']);
  });

  it('goes when the reader unticks it, and a post cannot add a role the page never showed', async () => {
    await save({ roles: ['CTO', 'Made Up Role'] });
    expect((await h.store.get(READER))?.roles).toEqual(['CTO']);
  });
});
