import { cp } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { type FileReaders, onEveryBackend, toName } from './_file-readers.js';

/**
 * A field a reader of a subscribers file set on the preferences page stays theirs when the file is
 * written again without that field changing (another line fixed, a copy with a new time, a time in
 * the future), and is the file's again once its editor changes that field.
 */

function scenario(start: () => FileReaders) {
  it('keeps the reader’s own name and roles through a rewrite of the file, and takes the editor’s later change', async () => {
    const h = start();
    for (const week of ['2026-W49', '2026-W50'])
      await cp(h.project.path('issues/2026-W48'), h.project.path('issues', week), { recursive: true });
    const send = async (issue: string) => {
      const sent = await h.run(['send', `issues/${issue}`, '--subscribers', 'list.json', '--json']);
      expect(sent.code, sent.all).toBe(0);
    };
    const ann = { email: 'ann@example.com', name: 'Ann Lee', roles: ['CTO'] };
    await h.writeList('list.json', [ann, { email: 'bo@example.com', name: 'Bo', roles: ['Executive'] }]);
    const page = await h.preferences('ann@example.com');
    await page.getByLabel('Name (optional)', { exact: true }).fill('Annie');
    await page.getByLabel('Executive', { exact: true }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor({ timeout: 5000 });
    await page.close();
    await send('2026-W48');

    // The editor fixes another reader's line; the file's time ends up ahead of the clock.
    await h.writeList('list.json', [ann, { email: 'bo@example.com', name: 'Bo Berg', roles: ['Executive'] }], -600);
    await send('2026-W49');
    // Then corrects Ann's name in the file, leaving her roles as they were.
    await h.writeList(
      'list.json',
      [
        { ...ann, name: 'Ann Lee-Smith' },
        { email: 'bo@example.com', name: 'Bo Berg', roles: ['Executive'] },
      ],
      -1200,
    );
    await send('2026-W50');

    const mails = await h.mailsTo('ann@example.com');
    expect(mails).toHaveLength(3);
    for (const mail of mails.slice(0, 2)) {
      expect(toName(mail)).toBe('Annie');
      expect(mail.parsed.text).toContain('For Executive');
      expect(mail.parsed.text).not.toContain('For CTO');
    }
    expect(toName(mails[2]!)).toBe('Ann Lee-Smith');
    expect(mails[2]!.parsed.text).toContain('For Executive');
    expect(mails[2]!.parsed.text).not.toContain('For CTO');
    expect((await h.mailsTo('bo@example.com')).map(toName)).toEqual(['Bo', 'Bo Berg', 'Bo Berg']);
  });
}

onEveryBackend('a reader’s own fields over a subscribers file written again', 'file_rewrites', scenario);
