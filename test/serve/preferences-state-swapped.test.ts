import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { runMain } from '../helpers/project.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The preferences page of a `serve` whose state file was restored from a backup under it: a change
 * written into the file it opened is in no file a send reads. A pause must not be answered as
 * saved; an unsubscribe still takes, through the journal the next send applies.
 */

const SECRET = 'prefs-swapped-secret-0123456789abcdef';
const READER = 'jonas@example.org';
let h: SignupServer;
let stateFile: string;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  stateFile = join(h.config.stateDirAbs, 'state.db');
  const file = await h.project.write(
    'list.json',
    JSON.stringify([
      { email: READER, roles: ['CTO'] },
      { email: 'ann@example.com', roles: ['Executive'] },
    ]),
  );
  const before = new Date(Date.now() - 3600_000);
  await utimes(file, before, before);
  // The backup, restored as the README says: the copy moved into place, the old log and index deleted.
  const backup = h.project.path('backup.db');
  h.db.prepare('VACUUM INTO ?').run(backup);
  copyFileSync(backup, `${stateFile}.restoring`);
  renameSync(`${stateFile}.restoring`, stateFile);
  rmSync(`${stateFile}-wal`, { force: true });
  rmSync(`${stateFile}-shm`, { force: true });
});
afterEach(() => h.close());

async function press(fields: Record<string, string>): Promise<Response> {
  const path = `/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
  const page = await (await fetch(`${h.origin}${path}`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return h.post(path, form({ csrf, ...fields }));
}

async function sent(): Promise<string[]> {
  const result = await runMain(h.project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json']);
  expect(result.code, result.all).toBe(0);
  return readdir(h.project.path('outbox/2026-W48'));
}

describe('the preferences page after the state file was restored under serve', () => {
  it('a pause is answered with an error, never as saved', async () => {
    const response = await press({ action: 'pause', weeks: '2' });
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(response.headers.get('location') ?? '').not.toContain('done=paused');
  });

  it('an unsubscribe still takes: the next send skips the reader', async () => {
    const response = await press({ action: 'unsubscribe' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('done=unsubscribed');
    expect(await sent()).toEqual(['ann@example.com.eml']);
  });
});
