import { readdir } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { runMain } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The address as written belongs to the address it spells: a reader who moves is mailed at the new
 * address, never at the old one's spelling, and a record stored before spellings were kept is
 * mailed at its key, as before.
 */

const SECRET = 'address-written-secret-0123456789abcdefg';
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
});
afterEach(() => h.close());

describe('the address as written', () => {
  it('is left behind when the reader moves to a new address', async () => {
    await h.store.insert(
      readerRecord('ann@example.com', {
        writtenEmail: 'Ann@example.com',
        roles: ['CTO'],
        consent: { at: '2026-12-01T10:00:00.000Z', method: 'cli', wording: null },
      }),
    );
    const path = `/preferences?${new URLSearchParams({ token: signToken({ email: 'ann@example.com', listId: h.config.listId }, SECRET) })}`;
    const page = await (await fetch(`${h.origin}${path}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const asked = await h.post(path, form({ csrf, do: 'save', email: 'new@example.com', roles: 'CTO' }));
    expect(asked.status).toBe(303);
    expect(await h.mailCount(1)).toBe(1);
    const token = new URL(h.mails[0]!.url).searchParams.get('token')!;
    expect((await h.post('/confirm', form({ token }))).status).toBe(200);

    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(h.project.path('outbox/2026-W48'))).toEqual(['new@example.com.eml']);
  });

  it('is absent from a record an earlier release stored, which is mailed at its key', async () => {
    await h.project.write('list.json', JSON.stringify([{ email: 'John.Smith@example.com', roles: ['CTO'] }]));
    expect((await runMain(h.project.dir, ['subscribers', 'import', 'list.json'])).code).toBe(0);
    // The file as the release before wrote it: schema 7, no column for the spelling.
    const db = new Database(h.project.path('.rolecast/state.db'));
    db.exec('ALTER TABLE readers DROP COLUMN written_email');
    db.pragma('user_version = 7');
    db.close();

    const listed = await runMain(h.project.dir, ['subscribers', 'list']);
    expect(listed.code, listed.all).toBe(0);
    expect(listed.out).toContain('john.smith@example.com');
    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(h.project.path('outbox/2026-W48'))).toEqual(['john.smith@example.com.eml']);
  });
});
