import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { type FileReaders, onEveryBackend, toName } from './_file-readers.js';

/**
 * A new address confirmed on the preferences page that the store already holds a record for: a
 * reader's own (a subscribers file's reader who saved settings, or one added with consent) refuses
 * the move and says why; a record that left (unsubscribed) or never confirmed gives way to it.
 */

/** Asks for `to` on `from`'s page and presses Confirm in the mail sent to `to`; the page answered. */
async function confirmMove(h: FileReaders, from: string, to: string) {
  const page = await h.preferences(from);
  const before = (await h.mailsTo(to)).length;
  await page.getByLabel('Email address').fill(to);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('We sent a confirmation email to your new address.').waitFor({ timeout: 5000 });
  const mail = await h.waitForMail(to, before + 1);
  const link = /https?:\/\/\S+\/confirm\?token=[\w.-]+/.exec(mail.parsed.text ?? '')?.[0];
  expect(link).toBeDefined();
  await page.goto(link!);
  const [answer] = await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST'),
    page.getByRole('button', { name: 'Confirm' }).click(),
  ]);
  const heading = await page.getByRole('heading', { level: 1 }).textContent();
  const text = await page.locator('main').textContent();
  await page.close();
  return { status: answer.status(), heading, text: text ?? '' };
}

function scenario(start: () => FileReaders) {
  it('refuses a move onto a reader’s own record, saying why, and mails both where they were', async () => {
    const h = start();
    await h.writeList('held.json', [
      { email: 'ann.old@example.com', name: 'Ann Lee', roles: ['CTO'] },
      { email: 'bo@example.com', name: 'Bo Berg', roles: ['CTO'] },
    ]);
    // Bo keeps settings of his own in the store.
    const page = await h.preferences('bo@example.com');
    await page.getByLabel('Executive', { exact: true }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor({ timeout: 5000 });
    await page.close();
    expect((await h.run(['subscribers', 'add', 'cy@example.com', '--roles', 'Executive'])).code).toBe(0);

    for (const to of ['bo@example.com', 'cy@example.com']) {
      const answer = await confirmMove(h, 'ann.old@example.com', to);
      expect(answer.status).toBe(409);
      expect(answer.heading).toBe('This address already has a subscription');
      expect(answer.text).toMatch(/use the preferences link in an email sent to it/);
      expect(answer.text).not.toContain('ann.old');
    }
    const status = JSON.parse((await h.run(['status', 'issues/2026-W48', '--json'])).out);
    expect(status.addressMoves).toEqual([]);

    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'held.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    const [ann] = await h.mailsTo('ann.old@example.com');
    expect(toName(ann!)).toBe('Ann Lee');
    const bo = (await h.mailsTo('bo@example.com')).filter((m) => !/confirm/i.test(m.parsed.subject ?? ''));
    expect(bo).toHaveLength(1);
    expect(toName(bo[0]!)).toBe('Bo Berg');
    expect(bo[0]!.parsed.text).toContain('For Executive');
    expect(`${bo[0]!.parsed.text}${bo[0]!.parsed.html}`).not.toMatch(/Ann Lee|ann\.old/);
  });

  it('moves onto a record that left or never confirmed, and mails the reader there once', async () => {
    const h = start();
    await h.writeList('left.json', [{ email: 'dee@example.com', name: 'Dee Left', status: 'unsubscribed' }]);
    expect((await h.run(['subscribers', 'import', 'left.json'])).code).toBe(0);
    const config = JSON.parse(await readFile(h.project.path('rolecast.config.json'), 'utf8'));
    // A signup of the address nobody confirms (anyone may type one on the form).
    const signup = await fetch(new URL('/subscribe', config.urls.preferences), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'eve@example.com', name: 'Not Eve', roles: 'Executive' }),
    });
    expect(signup.status).toBe(200);
    await h.writeList('movers.json', [
      { email: 'dan.old@example.com', name: 'Dan', roles: ['CTO'] },
      { email: 'eva.old@example.com', name: 'Eva', roles: ['CTO'] },
    ]);
    for (const [from, to] of [
      ['dan.old@example.com', 'dee@example.com'],
      ['eva.old@example.com', 'eve@example.com'],
    ] as const) {
      const answer = await confirmMove(h, from, to);
      expect(answer.status).toBe(200);
      expect(answer.heading).toBe('You are subscribed');
    }
    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'movers.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(JSON.parse(sent.out).readers).toMatchObject({ moved: 2 });
    for (const [old, now, name] of [
      ['dan.old@example.com', 'dee@example.com', 'Dan'],
      ['eva.old@example.com', 'eve@example.com', 'Eva'],
    ] as const) {
      expect(await h.mailsTo(old)).toEqual([]);
      const issues = (await h.mailsTo(now)).filter((m) => m.parsed.text?.includes('For CTO'));
      expect(issues).toHaveLength(1);
      expect(toName(issues[0]!)).toBe(name);
    }
  });
}

onEveryBackend('a move onto an address the store already holds', 'move_onto_stored', scenario);
