import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A change on the preferences page that `serve` cannot keep (its state file was restored under it,
 * and the page is written to no more until serve is restarted): the reader was shown the generic
 * "Something went wrong" in English, whatever their language, with a 500. They are now told, in
 * their language, that their change was not saved and nothing changed, with a 503 and a Retry-After.
 */

const SECRET = 'prefs-not-saved-secret-0123456789abcdef';
const READER = 'jonas@example.org';
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  const stateFile = join(h.config.stateDirAbs, 'state.db');
  // A reader of the subscribers file, written before serve started.
  const file = await h.project.write('list.json', JSON.stringify([{ email: READER, roles: ['CTO'] }]));
  const before = new Date(Date.now() - 3600_000);
  await utimes(file, before, before);
  // Restored from a backup as the README says: the copy moved into place, the old log and index deleted.
  const backup = h.project.path('backup.db');
  h.db.prepare('VACUUM INTO ?').run(backup);
  copyFileSync(backup, `${stateFile}.restoring`);
  renameSync(`${stateFile}.restoring`, stateFile);
  rmSync(`${stateFile}-wal`, { force: true });
  rmSync(`${stateFile}-shm`, { force: true });
});
afterEach(() => h.close());

async function pause(language: string): Promise<Response> {
  const path = `/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
  const page = await (await fetch(`${h.origin}${path}`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return h.post(path, form({ csrf, action: 'pause', weeks: '2' }), { 'accept-language': language });
}

describe('a preferences change serve cannot keep', () => {
  it.each([
    ['en', 'Your change was not saved'],
    ['de', 'Ihre Änderung wurde nicht gespeichert'],
  ])('tells the reader (%s) it was not saved, and to come back', async (language, said) => {
    const response = await pause(language);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('300');
    expect(await response.text()).toContain(said);
    expect(h.logs.join('\n')).toContain('a change on the preferences page was not saved');
  });
});
