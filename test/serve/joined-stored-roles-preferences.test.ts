import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { addExampleSummary, runMain } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A reader stored with known roles joined in one ("CTO/VP Engineering", imported from a list
 * before such a cell was read as each role) is read as a subscribers file's reader is now: the
 * preferences page shows each role ticked, a save keeps them, and a send mails their stories.
 */

const SECRET = 'joined-roles-prefs-secret-0123456789abcd';
const READER = 'joined@example.com';
let h: SignupServer;
let path: string;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  const consent = { at: '2026-12-01T10:00:00.000Z', method: 'import' as const, wording: 'list.csv' };
  await h.store.insert(readerRecord(READER, { name: 'Jo', roles: ['CTO/VP Engineering'], consent }));
  path = `/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
});
afterEach(() => h.close());

const checked = (page: string, role: string) =>
  new RegExp(`<input type="checkbox" name="roles" id="[^"]+" value="${role}" checked`).test(page);

describe('a stored reader whose one role joins known roles', () => {
  it('sees each role ticked on the preferences page, and a save keeps them', async () => {
    const page = await (await fetch(`${h.origin}${path}`)).text();
    expect(checked(page, 'CTO')).toBe(true);
    expect(checked(page, 'VP of Engineering/Data')).toBe(true);
    expect(page).not.toContain('CTO/VP Engineering');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const roles = ['CTO', 'VP of Engineering/Data'];
    expect((await h.post(path, form({ csrf, action: 'save', email: READER, name: 'Jo', roles }))).status).toBe(303);
    expect((await h.store.get(READER))?.roles).toEqual(roles);
  });

  it('is mailed a story for either role by a send from the store', async () => {
    await addExampleSummary(h.project, 'platform-budgets', {
      title: 'Platform Budgets Explained',
      summary: 'How engineering leaders split a platform budget between teams.',
      roles: ['VP Engineering'],
    });
    h.db.close();
    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    const mail = await simpleParser(await readFile(h.project.path(`outbox/2026-W48/${READER}.eml`)));
    expect(mail.text).toContain('Platform Budgets Explained');
  });
});
