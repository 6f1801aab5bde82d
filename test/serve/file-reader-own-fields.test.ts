import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { readerRecord } from '../helpers/readers.js';
import { type FileReaders, startFileReaders, toName } from './_file-readers.js';

/**
 * With `--subscribers`, the store gives a file's reader only the fields they set themselves after
 * the file was written; the rest is the file's, and a blank name they chose stays blank.
 */

let h: FileReaders;
beforeAll(async () => {
  h = await startFileReaders();
}, 60_000);
afterAll(() => h?.close());

/** Opens the reader's preferences page, lets `change` fill it in, and saves. */
async function save(email: string, change: (page: Awaited<ReturnType<FileReaders['preferences']>>) => Promise<void>) {
  const page = await h.preferences(email);
  await change(page);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Your changes are saved.').waitFor({ timeout: 5000 });
  await page.close();
}

async function send(list: string) {
  const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', list, '--json']);
  expect(sent.code, sent.all).toBe(0);
  return sent;
}

describe('a reader of a subscribers file who changes some of their settings', () => {
  it('keeps the file’s newer name when they change only their roles after the editor’s edit', async () => {
    await h.writeList('edited.json', [{ email: 'jonas@example.org', name: 'Jonas Becker', roles: ['CTO'] }]);
    await save('jonas@example.org', (page) => page.getByLabel('Name (optional)', { exact: true }).fill('J. Becker'));
    // The editor corrects the name in the file afterwards.
    await h.writeList('edited.json', [{ email: 'jonas@example.org', name: 'Jonas Becker-Schmidt', roles: ['CTO'] }], 0);
    await new Promise((r) => setTimeout(r, 20));
    // Then the reader picks a role; the page still shows the name they typed, left as it is.
    await save('jonas@example.org', (page) => page.getByLabel('Executive', { exact: true }).check());
    await send('edited.json');
    const [mail] = await h.mailsTo('jonas@example.org');
    expect(toName(mail!)).toBe('Jonas Becker-Schmidt');
    expect(mail!.parsed.text).toContain('For Executive');
    expect(mail!.parsed.text).not.toContain('For CTO');
  });

  it('is mailed without a name once they cleared the one they had given', async () => {
    await h.writeList('cleared.json', [{ email: 'kim@example.org', name: 'Kim Park', roles: ['CTO'] }]);
    await save('kim@example.org', (page) => page.getByLabel('Name (optional)', { exact: true }).fill('Kimmy'));
    await save('kim@example.org', (page) => page.getByLabel('Name (optional)', { exact: true }).fill(''));
    await send('cleared.json');
    const [mail] = await h.mailsTo('kim@example.org');
    expect(toName(mail!)).toBe('');
    expect(`${mail!.parsed.text}${mail!.parsed.html}`).not.toContain('Kim Park');
    expect(mail!.parsed.text).toContain('For CTO');
  });

  it('keeps the roles they chose when they untick every one: the page refuses it, and they are mailed as before', async () => {
    await h.writeList('unticked.json', [
      { email: 'lee@example.org', roles: ['CTO'] },
      { email: 'max@example.org', roles: ['CTO'] },
    ]);
    await save('lee@example.org', (page) => page.getByLabel('Executive', { exact: true }).check());
    const page = await h.preferences('lee@example.org');
    await page.getByLabel('Executive', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').getByText('Nothing was saved').waitFor({ timeout: 5000 });
    await page.close();
    await send('unticked.json');
    const [mail] = await h.mailsTo('lee@example.org');
    expect(mail!.parsed.text).toContain('For Executive');
    expect(await h.mailsTo('max@example.org')).toHaveLength(1);
  });

  it('stays paused when the editor saves the file again during the pause', async () => {
    await h.writeList('pause.json', [
      { email: 'pia@example.org', roles: ['CTO'] },
      { email: 'quinn@example.org', roles: ['CTO'] },
    ]);
    const page = await h.preferences('pia@example.org');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Your subscription is paused.').waitFor({ timeout: 5000 });
    await page.close();
    // Another reader's name fixed in the file: a file has no pause, so it does not mean to end hers.
    await h.writeList(
      'pause.json',
      [
        { email: 'pia@example.org', roles: ['CTO'] },
        { email: 'quinn@example.org', name: 'Quinn', roles: ['CTO'] },
      ],
      0,
    );
    const sent = await send('pause.json');
    expect(JSON.parse(sent.out).readers).toMatchObject({ paused: 1 });
    expect(await h.mailsTo('pia@example.org')).toEqual([]);
    expect(await h.mailsTo('quinn@example.org')).toHaveLength(1);
  });

  it('keeps a record from before field times as it was read: what it holds wins, what it left unset is the file’s', async () => {
    await h.writeList('older.json', [{ email: 'ola@example.org', name: 'Ola Nord', roles: ['CTO'] }]);
    const db = openStateDb(join(h.project.dir, '.rolecast/state.db'));
    try {
      await sqliteSubscriberStore(db).insert(
        readerRecord('ola@example.org', { name: 'Ola N.', readerChangedAt: new Date().toISOString() }),
      );
    } finally {
      db.close();
    }
    await send('older.json');
    const [mail] = await h.mailsTo('ola@example.org');
    expect(toName(mail!)).toBe('Ola N.');
    expect(mail!.parsed.text).toContain('For CTO');
  });
});
