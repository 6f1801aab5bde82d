import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../helpers/smtp.js';
import { type FileReaders, startFileReaders } from './_file-readers.js';

/**
 * What an older message's links can still do once its reader of a subscribers file moved to a new
 * address: whoever holds such a message (a forward, a later owner of the old mailbox) must not
 * take the reader's mail elsewhere, and a List-Unsubscribe in it stops their mail as the page does.
 */

let h: FileReaders;
beforeAll(async () => {
  h = await startFileReaders();
}, 60_000);
afterAll(() => h?.close());

/** The https URL of a message's List-Unsubscribe header. */
function oneClickUrl(message: ReceivedMessage): string {
  const header = message.raw.replace(/\r?\n[ \t]+/g, ' ');
  const url = /^List-Unsubscribe:.*<(https?:\/\/[^>]+)>/im.exec(header)?.[1];
  expect(url).toBeDefined();
  return url!;
}

const send = async (list: string) => {
  const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', list, '--json']);
  expect(sent.code, sent.all).toBe(0);
};

describe('an older message of a reader who moved to a new address', () => {
  it('stops their mail at the new address through its one-click List-Unsubscribe', async () => {
    await h.writeList('click.json', [{ email: 'hal.old@example.com', name: 'Hal', roles: ['CTO'] }]);
    await send('click.json');
    const older = await h.waitForMail('hal.old@example.com');
    await h.moveAddress('hal.old@example.com', 'hal.new@example.com');

    const response = await fetch(oneClickUrl(older), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain('hal.new@example.com');

    await send('click.json');
    expect(await h.mailsTo('hal.old@example.com')).toHaveLength(1);
    // Only the confirmation.
    expect(await h.mailsTo('hal.new@example.com')).toHaveLength(1);
  });

  it('does not let its holder move the address on, away from where the reader went', async () => {
    await h.writeList('steal.json', [{ email: 'ida.old@example.com', name: 'Ida', roles: ['CTO'] }]);
    await h.moveAddress('ida.old@example.com', 'ida.new@example.com');
    // Whoever holds an older message (or now owns the old mailbox) asks for an address of theirs.
    await h.moveAddress('ida.old@example.com', 'mallory@example.com');

    await send('steal.json');
    expect(await h.mailsTo('mallory@example.com')).toHaveLength(1);
    // The confirmation, then the issue.
    expect(await h.mailsTo('ida.new@example.com')).toHaveLength(2);
  });
});

describe('an address one reader of the file moved away from and another moved to', () => {
  it('mails each of them once, where they are now', async () => {
    await h.writeList('swap.json', [
      { email: 'desk@example.com', name: 'Jo', roles: ['CTO'] },
      { email: 'kim.home@example.com', name: 'Kim', roles: ['Executive'] },
    ]);
    await h.moveAddress('desk@example.com', 'jo@example.com');
    // The shared mailbox passes to Kim.
    await h.moveAddress('kim.home@example.com', 'desk@example.com');

    await send('swap.json');
    expect(await h.mailsTo('kim.home@example.com')).toEqual([]);
    const jo = await h.mailsTo('jo@example.com');
    expect(jo).toHaveLength(2);
    expect(jo[1]!.parsed.text).toContain('For CTO');
    // The confirmation, then the issue.
    const desk = await h.mailsTo('desk@example.com');
    expect(desk).toHaveLength(2);
    expect(desk[1]!.parsed.text).toContain('For Executive');
  });
});

describe('erasure of the address a reader of the file moved to', () => {
  it('leaves the old address the file lists unmailed too, and nothing of either stored', async () => {
    await h.writeList('erase.json', [{ email: 'lu.old@example.com', name: 'Lu', roles: ['CTO'] }]);
    await h.moveAddress('lu.old@example.com', 'lu.new@example.com');
    const forgot = await h.run(['subscribers', 'forget', 'lu.new@example.com']);
    expect(forgot.code, forgot.all).toBe(0);

    await send('erase.json');
    expect(await h.mailsTo('lu.old@example.com')).toEqual([]);
    const db = new Database(h.project.path('.rolecast/state.db'), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      const rows = tables.flatMap(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all());
      expect(JSON.stringify(rows)).not.toMatch(/lu\.(old|new)@/);
    } finally {
      db.close();
    }
  });
});
