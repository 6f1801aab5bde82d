import { expect, it } from 'vitest';
import { type FileReaders, onEveryBackend } from './_file-readers.js';

/**
 * An address a reader moved away from, which another reader later moves to (a mailbox handed on):
 * what the new holder does on their own page there is theirs, and never reaches the reader who left.
 */

function scenario(start: () => FileReaders) {
  it('an unsubscribe by the address’s new holder does not unsubscribe the reader who moved away from it', async () => {
    const h = start();
    await h.writeList('list.json', [
      { email: 'bob@work.example', name: 'Bob', roles: ['CTO'] },
      { email: 'ann@example.com', name: 'Ann', roles: ['CTO'] },
    ]);
    await h.moveAddress('bob@work.example', 'bob@home.example');
    // Bob's old work mailbox now belongs to Ann, who moves her subscription there.
    await h.moveAddress('ann@example.com', 'bob@work.example');
    const page = await h.preferences('bob@work.example');
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await page.getByText('You are unsubscribed.').waitFor({ timeout: 5000 });
    await page.close();

    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'list.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    const bob = (await h.mailsTo('bob@home.example')).filter((m) => m.parsed.text?.includes('For CTO'));
    expect(bob).toHaveLength(1);
    expect((await h.mailsTo('bob@work.example')).filter((m) => m.parsed.text?.includes('For CTO'))).toEqual([]);
    expect((await h.run(['suppress', 'list'])).all).not.toContain('bob@home.example');
  });
}

onEveryBackend('an address handed on to another reader', 'handed_on', scenario);
