import { expect, it } from 'vitest';
import { onEveryBackend } from './_file-readers.js';
import { joinedAndLeft, statusOf } from './_returning.js';

/**
 * A reader who left by the one-click link of their mail client is on the suppression list, and
 * no send mails them, but their stored record was listed by `rolecast subscribers list` as active
 * (and under `--status active`), so the editor counted them among the readers. The list shows them
 * as unsubscribed, as `subscribers export` writes them. Against `rolecast serve` on SQLite and
 * PostgreSQL.
 */

async function listed(h: Parameters<typeof statusOf>[0], status: string): Promise<string[]> {
  const out = await h.run(['subscribers', 'list', '--status', status, '--json']);
  expect(out.code, out.all).toBe(0);
  return (JSON.parse(out.out) as { email: string }[]).map((r) => r.email);
}

onEveryBackend('subscribers list after a one-click unsubscribe', 'list_one_click', (start) => {
  it('shows the reader as unsubscribed, under --status unsubscribed and not under --status active', async () => {
    const h = start();
    const reader = 'one.click.listed@example.com';
    await joinedAndLeft(h, reader);
    expect(await statusOf(h, reader)).toBe('unsubscribed');
    expect(await listed(h, 'active')).not.toContain(reader);
    expect(await listed(h, 'unsubscribed')).toContain(reader);
    const plain = await h.run(['subscribers', 'list']);
    expect(
      plain.out
        .split('\n')
        .find((line) => line.startsWith(reader))
        ?.split('\t')[1],
    ).toBe('unsubscribed');
  });
});
