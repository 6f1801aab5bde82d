import { expect, it } from 'vitest';
import { type FileReaders, onEveryBackend } from './_file-readers.js';

/**
 * An address handed on, whose new holder moves on again: an unsubscribe there (from the newer
 * holder's older message) is theirs, and never reaches the reader who left the address first.
 */

function scenario(start: () => FileReaders) {
  it('an unsubscribe at the address reaches its latest holder where they went, not its first', async () => {
    const h = start();
    await h.writeList('list.json', [
      { email: 'bob@work.example', name: 'Bob', roles: ['CTO'] },
      { email: 'ann@example.com', name: 'Ann', roles: ['CTO'] },
    ]);
    await h.moveAddress('bob@work.example', 'bob@home.example');
    // Bob's old work mailbox is handed on to Ann, who moves there, then moves on again.
    await h.moveAddress('ann@example.com', 'bob@work.example');
    await h.moveAddress('bob@work.example', 'ann@new.example');
    // Ann unsubscribes from a message she got at the work address.
    const page = await h.preferences('bob@work.example');
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await page.getByText('You are unsubscribed.').waitFor({ timeout: 5000 });
    await page.close();

    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'list.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    const issueTo = async (address: string) =>
      (await h.mailsTo(address)).filter((m) => m.parsed.text?.includes('For CTO'));
    expect(await issueTo('bob@home.example')).toHaveLength(1);
    expect(await issueTo('ann@new.example')).toEqual([]);
    expect(await issueTo('bob@work.example')).toEqual([]);
    const suppressed = (await h.run(['suppress', 'list'])).all;
    expect(suppressed).not.toContain('bob@home.example');
    expect(suppressed).toContain('ann@new.example');
  });
}

onEveryBackend('an address handed on whose new holder moves on again', 'handed_on_again', scenario);
