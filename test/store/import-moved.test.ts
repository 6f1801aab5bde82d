import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { runMain } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/** A list imported after a reader moved to a new address does not bring the old one back as a second reader. */

const SECRET = 'import-moved-secret-0123456789abcdefghij';
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
});
afterEach(() => h.close());

/** Stores a consented reader at `from` and moves them to `to` on the preferences page, confirmed. */
async function move(from: string, to: string) {
  await h.store.insert(
    readerRecord(from, {
      name: 'Ann',
      roles: ['CTO'],
      consent: { at: '2026-12-01T10:00:00.000Z', method: 'cli', wording: null },
    }),
  );
  const path = `/preferences?${new URLSearchParams({ token: signToken({ email: from, listId: h.config.listId }, SECRET) })}`;
  const page = await (await fetch(`${h.origin}${path}`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const asked = await h.post(path, form({ csrf, do: 'save', email: to, name: 'Ann', roles: 'CTO' }));
  expect(asked.status).toBe(303);
  expect(await h.mailCount(1)).toBe(1);
  const token = new URL(h.mails[0]!.url).searchParams.get('token')!;
  expect((await h.post('/confirm', form({ token }))).status).toBe(200);
}

describe('subscribers import after a reader moved', () => {
  it('leaves the old address out, says so, and the next send mails the reader once, at the new one', async () => {
    await h.store.insert(
      readerRecord('old@example.com', {
        name: 'Ann',
        roles: ['CTO'],
        consent: { at: '2026-12-01T10:00:00.000Z', method: 'cli', wording: null },
      }),
    );
    const path = `/preferences?${new URLSearchParams({ token: signToken({ email: 'old@example.com', listId: h.config.listId }, SECRET) })}`;
    const page = await (await fetch(`${h.origin}${path}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const asked = await h.post(path, form({ csrf, do: 'save', email: 'new@example.com', name: 'Ann', roles: 'CTO' }));
    expect(asked.status).toBe(303);
    expect(await h.mailCount(1)).toBe(1);
    const token = new URL(h.mails[0]!.url).searchParams.get('token')!;
    expect((await h.post('/confirm', form({ token }))).status).toBe(200);

    // The editor imports a list exported before the move.
    await h.project.write(
      'old-export.json',
      JSON.stringify([{ email: 'old@example.com', name: 'Ann', roles: ['CTO'] }]),
    );
    const imported = await runMain(h.project.dir, ['subscribers', 'import', 'old-export.json']);
    expect(imported.code, imported.all).toBe(0);
    expect(imported.out).toMatch(/1 address\(es\) left out whose reader moved to a new one/);
    expect(await h.store.get('old@example.com')).toBeUndefined();

    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(h.project.path('outbox/2026-W48'))).toEqual(['new@example.com.eml']);
  });

  it('unsubscribes the reader at the new address when the list says the old one left', async () => {
    await move('old@example.com', 'new@example.com');
    // The reader asked the editor, who marks the address they know.
    await h.project.write(
      'left.json',
      JSON.stringify([{ email: 'old@example.com', roles: ['CTO'], status: 'unsubscribed' }]),
    );
    const imported = await runMain(h.project.dir, ['subscribers', 'import', 'left.json']);
    expect(imported.code, imported.all).toBe(0);
    expect(await h.store.get('old@example.com')).toBeUndefined();
    expect((await h.store.get('new@example.com'))?.status).toBe('unsubscribed');

    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(await readdir(h.project.path('outbox/2026-W48')).catch(() => [])).toEqual([]);
    expect(sent.all).not.toContain('new@example.com');
  });

  it('leaves the old address out also once its older page was saved after the move', async () => {
    await move('old@example.com', 'new@example.com');
    // The reader opens an older message's page (the old address's own) and picks a role there.
    const path = `/preferences?${new URLSearchParams({ token: signToken({ email: 'old@example.com', listId: h.config.listId }, SECRET) })}`;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(`${h.origin}${path}`)).text())?.[1] ?? '';
    expect((await h.post(path, form({ csrf, do: 'save', roles: 'Executive' }))).status).toBe(303);

    await h.project.write('old-export.json', JSON.stringify([{ email: 'old@example.com', roles: ['CTO'] }]));
    const imported = await runMain(h.project.dir, ['subscribers', 'import', 'old-export.json']);
    expect(imported.code, imported.all).toBe(0);
    expect(imported.out).toMatch(/1 address\(es\) left out whose reader moved to a new one/);
    expect((await h.store.get('old@example.com'))?.consent).toBeNull();

    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(h.project.path('outbox/2026-W48'))).toEqual(['new@example.com.eml']);
  });
});
