import { readdir, readFile, utimes } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { runMain } from '../helpers/project.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/** Readers of a subscribers file whose first change on the preferences page makes their stored record. */

const SECRET = 'file-reader-prefs-secret-0123456789abcdef';
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
});
afterEach(() => h.close());

async function press(email: string, fields: Record<string, string | string[]>) {
  const path = `/preferences?${new URLSearchParams({ token: signToken({ email, listId: h.config.listId }, SECRET) })}`;
  const page = await (await fetch(`${h.origin}${path}`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  expect((await h.post(path, form({ csrf, ...fields }))).status).toBe(303);
}

describe('a reader of a subscribers file who pauses and resumes on the preferences page', () => {
  it('gets the next issue with the roles, name and language the file gives them', async () => {
    const file = await h.project.write(
      'list.json',
      JSON.stringify([
        { email: 'jonas@example.org', name: 'Jonas Becker', roles: ['CTO'], locale: 'de-DE' },
        { email: 'ann@example.com', name: 'Ann Lee', roles: ['Executive'] },
      ]),
    );
    const before = new Date(Date.now() - 3600_000);
    await utimes(file, before, before);
    // The page never saw the file: it shows no roles and no name, and stores none.
    await press('jonas@example.org', { action: 'pause', weeks: '1' });
    await press('jonas@example.org', { action: 'resume', do: 'resume' });
    expect(await h.store.get('jonas@example.org')).toMatchObject({ status: 'active', roles: [], consent: null });
    h.db.close();

    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(sent.err).not.toMatch(/get nothing/);
    expect((await readdir(h.project.path('outbox/2026-W48'))).sort()).toEqual([
      'ann@example.com.eml',
      'jonas@example.org.eml',
    ]);
    const mail = await simpleParser(await readFile(h.project.path('outbox/2026-W48/jonas@example.org.eml')));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([
      { address: 'jonas@example.org', name: 'Jonas Becker' },
    ]);
    expect(mail.html).toMatch(/<html[^>]* lang="de/);
    expect(mail.text).toMatch(/CTO/);
    expect(`${mail.html}${mail.text}`).not.toMatch(/ann@example\.com|Ann Lee/);
  });

  it('keeps roles and a name they did choose on the page', async () => {
    const file = await h.project.write(
      'list.json',
      JSON.stringify([{ email: 'jonas@example.org', name: 'Jonas Becker', roles: ['CTO'] }]),
    );
    const before = new Date(Date.now() - 3600_000);
    await utimes(file, before, before);
    await press('jonas@example.org', {
      action: 'save',
      email: 'jonas@example.org',
      name: 'J. Becker',
      roles: 'Executive',
      timezone: 'Europe/Berlin',
      locale: 'en',
    });
    h.db.close();
    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    const report = JSON.parse(sent.out) as { segments: { segment: string; sent: number }[] };
    expect(report.segments.filter((s) => s.sent > 0).map((s) => s.segment)).toEqual(['Executive']);
    const mail = await simpleParser(await readFile(h.project.path('outbox/2026-W48/jonas@example.org.eml')));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : '').toBe('J. Becker');
  });

  it('keeps the time zone and language the file gives when they save new roles with the page as shown', async () => {
    const file = await h.project.write(
      'list.json',
      JSON.stringify([{ email: 'jonas@example.org', roles: ['CTO'], timezone: 'America/New_York', locale: 'de-DE' }]),
    );
    const before = new Date(Date.now() - 3600_000);
    await utimes(file, before, before);
    // The page shows the list's own zone and language (Europe/Berlin, English): the form sends them back.
    await press('jonas@example.org', {
      action: 'save',
      email: 'jonas@example.org',
      roles: 'Executive',
      timezone: h.config.timezone,
      locale: 'en',
    });
    expect(await h.store.get('jonas@example.org')).toMatchObject({
      roles: ['Executive'],
      timezone: null,
      locale: null,
    });
    h.db.close();
    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json']);
    expect(sent.code, sent.all).toBe(0);
    const mail = await simpleParser(await readFile(h.project.path('outbox/2026-W48/jonas@example.org.eml')));
    expect(mail.html).toMatch(/<html[^>]* lang="de/);
  });

  it('still gets the file’s roles once a signup of theirs is confirmed, which keeps the record the page made', async () => {
    const file = await h.project.write(
      'list.json',
      JSON.stringify([{ email: 'jonas@example.org', name: 'Jonas Becker', roles: ['CTO'] }]),
    );
    const before = new Date(Date.now() - 3600_000);
    await utimes(file, before, before);
    await press('jonas@example.org', { action: 'pause', weeks: '1' });
    await press('jonas@example.org', { action: 'resume', do: 'resume' });
    await h.post('/subscribe', form({ email: 'jonas@example.org', roles: 'Executive' }));
    expect(await h.mailCount(1)).toBe(1);
    const token = new URL(h.mails[0]!.url).searchParams.get('token')!;
    expect((await h.post('/confirm', form({ token }))).status).toBe(200);
    expect(await h.store.get('jonas@example.org')).toMatchObject({ roles: [], consent: expect.anything() });
    h.db.close();
    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48', '--subscribers', 'list.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    const mail = await simpleParser(await readFile(h.project.path('outbox/2026-W48/jonas@example.org.eml')));
    expect(mail.text).toContain('For CTO');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : '').toBe('Jonas Becker');
  });
});
