import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileReaders, startFileReaders } from './_file-readers.js';

/**
 * What an older message's links can still do once its reader of a subscribers file moved to a new
 * address: whoever holds such a message (a forward, a later owner of the old mailbox) must not
 * take the reader's mail elsewhere.
 */

let h: FileReaders;
beforeAll(async () => {
  h = await startFileReaders();
}, 60_000);
afterAll(() => h?.close());

/** Asks for `to` on `from`'s preferences page and confirms it from the mail sent to `to`. */
async function moveAddress(from: string, to: string) {
  const page = await h.preferences(from);
  await page.getByLabel('Email address').fill(to);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('We sent a confirmation email to your new address.').waitFor({ timeout: 5000 });
  const mail = (await h.mailsTo(to)).at(-1) ?? (await h.waitForMail(to));
  const link = /https?:\/\/\S+\/confirm\?token=[\w.-]+/.exec(mail.parsed.text ?? '')?.[0];
  expect(link).toBeDefined();
  await page.goto(link!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'You are subscribed' }).waitFor({ timeout: 5000 });
  await page.close();
}

const send = async (list: string) => {
  const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', list, '--json']);
  expect(sent.code, sent.all).toBe(0);
};

describe('an older message of a reader who moved to a new address', () => {
  it('does not let its holder move the address on, away from where the reader went', async () => {
    await h.writeList('steal.json', [{ email: 'ida.old@example.com', name: 'Ida', roles: ['CTO'] }]);
    await moveAddress('ida.old@example.com', 'ida.new@example.com');
    // Whoever holds an older message (or now owns the old mailbox) asks for an address of theirs.
    await moveAddress('ida.old@example.com', 'mallory@example.com');

    await send('steal.json');
    expect(await h.mailsTo('mallory@example.com')).toHaveLength(1);
    // The confirmation, then the issue.
    expect(await h.mailsTo('ida.new@example.com')).toHaveLength(2);
  });
});
