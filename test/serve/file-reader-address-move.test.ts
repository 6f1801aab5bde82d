import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type FileReaders, startFileReaders, toName } from './_file-readers.js';

/**
 * A reader of a subscribers file who moves to a new address on the preferences page: once they
 * confirm it, a send from the file (which still lists the old one) mails them at the new one, once.
 */

let h: FileReaders;
beforeAll(async () => {
  h = await startFileReaders();
}, 60_000);
afterAll(() => h?.close());

describe('a reader of a subscribers file who confirms a new address', () => {
  it('gets the next issue at the new address, with the file’s settings, and the old address gets nothing', async () => {
    await h.writeList('list.json', [
      { email: 'ann.old@example.com', name: 'Ann Lee', roles: ['CTO'] },
      { email: 'bo@example.com', name: 'Bo Berg', roles: ['Executive'] },
    ]);
    await h.moveAddress('ann.old@example.com', 'ann.new@example.com');

    const dry = await h.run(['send', 'issues/2026-W48', '--subscribers', 'list.json', '--dry-run']);
    expect(dry.code, dry.all).toBe(0);
    expect(dry.all).toMatch(/1 address\(es\) in the file moved to a new one their reader confirmed/);

    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'list.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(JSON.parse(sent.out).readers).toMatchObject({ source: 'file', moved: 1 });
    expect(await h.mailsTo('ann.old@example.com')).toEqual([]);
    // The confirmation, then the issue.
    const issue = await h.waitForMail('ann.new@example.com', 2);
    expect(issue.envelope.to).toEqual(['ann.new@example.com']);
    expect(toName(issue)).toBe('Ann Lee');
    expect(issue.parsed.text).toContain('For CTO');
    expect(`${issue.parsed.text}${issue.parsed.html}`).not.toMatch(/ann\.old@|bo@example\.com|Bo Berg/);
    expect(await h.mailsTo('bo@example.com')).toHaveLength(1);

    // The editor sees where the address went.
    const status = await h.run(['status', 'issues/2026-W48']);
    expect(status.out).toMatch(/ann\.old@example\.com → ann\.new@example\.com/);
    expect(JSON.parse((await h.run(['status', 'issues/2026-W48', '--json'])).out).addressMoves).toEqual([
      { email: 'ann.old@example.com', movedTo: 'ann.new@example.com', at: expect.any(String) },
    ]);
    const listed = await h.run(['subscribers', 'list']);
    expect(listed.err).toContain('ann.old@example.com moved to ann.new@example.com');
    const json = JSON.parse((await h.run(['subscribers', 'list', '--json'])).out) as {
      email: string;
      movedFrom: { email: string }[];
    }[];
    expect(json.find((r) => r.email === 'ann.new@example.com')?.movedFrom).toEqual([
      { email: 'ann.old@example.com', at: expect.any(String) },
    ]);

    // The link in an older message (perhaps forwarded) does not tell where the reader went.
    const page = await h.preferences('ann.old@example.com');
    expect(await page.getByLabel('Email address').inputValue()).toBe('ann.old@example.com');
    expect(await page.content()).not.toContain('ann.new@example.com');
    await page.close();
  });

  it('is mailed once when the file lists the new address too', async () => {
    await h.writeList('both.json', [
      { email: 'cy.old@example.com', name: 'Cy Old', roles: ['CTO'] },
      { email: 'cy.new@example.com', name: 'Cy New', roles: ['Executive'] },
    ]);
    await h.moveAddress('cy.old@example.com', 'cy.new@example.com');
    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'both.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(await h.mailsTo('cy.old@example.com')).toEqual([]);
    const mails = await h.mailsTo('cy.new@example.com');
    // The confirmation, then one issue: the new address's own entry.
    expect(mails).toHaveLength(2);
    expect(toName(mails[1]!)).toBe('Cy New');
    expect(mails[1]!.parsed.text).toContain('For Executive');
  });

  it('is mailed at the new address the file says left before the move, until its editor changes that entry', async () => {
    const list = (minutesAgo: number, before = 'Someone Before', more: unknown[] = []) =>
      h.writeList(
        'left.json',
        [
          { email: 'hu.old@example.com', name: 'Hu Old', roles: ['CTO'] },
          { email: 'hu.new@example.com', name: before, roles: ['Executive'], status: 'unsubscribed' },
          ...more,
        ],
        minutesAgo,
      );
    await list(60);
    await h.moveAddress('hu.old@example.com', 'hu.new@example.com');
    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'left.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(await h.mailsTo('hu.old@example.com')).toEqual([]);
    const mails = await h.mailsTo('hu.new@example.com');
    // The confirmation, then the issue, as the reader who moved there gets it.
    expect(mails).toHaveLength(2);
    expect(toName(mails[1]!)).toBe('Hu Old');
    expect(mails[1]!.parsed.text).toContain('For CTO');

    // A newer file that only adds another reader (a weekly export) still speaks of someone before them.
    await list(-1, 'Someone Before', [{ email: 'hu.colleague@example.com', roles: ['CTO'] }]);
    const resent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'left.json', '--resend', '--json']);
    expect(resent.code, resent.all).toBe(0);
    expect(await h.mailsTo('hu.new@example.com')).toHaveLength(3);

    // The editor writes that entry again after the move: the newer file is followed.
    await list(-2, 'Hu New');
    const again = await h.run(['send', 'issues/2026-W48', '--subscribers', 'left.json', '--resend', '--json']);
    expect(again.code, again.all).toBe(0);
    expect(await h.mailsTo('hu.new@example.com')).toHaveLength(3);
  });

  it('stops mailing the new address when the reader unsubscribes from an older message’s page', async () => {
    await h.writeList('leave.json', [{ email: 'gus.old@example.com', name: 'Gus', roles: ['CTO'] }]);
    await h.moveAddress('gus.old@example.com', 'gus.new@example.com');
    const page = await h.preferences('gus.old@example.com');
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await page.getByText('You are unsubscribed.').waitFor({ timeout: 5000 });
    expect(await page.content()).not.toContain('gus.new@example.com');
    await page.close();
    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'leave.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(await h.mailsTo('gus.old@example.com')).toEqual([]);
    // Only the confirmation.
    expect(await h.mailsTo('gus.new@example.com')).toHaveLength(1);
  });

  it('reaches the old address again once the editor removes the moved reader', async () => {
    await h.writeList('undo.json', [{ email: 'di.old@example.com', name: 'Di Old', roles: ['CTO'] }]);
    await h.moveAddress('di.old@example.com', 'di.new@example.com');
    expect((await h.run(['subscribers', 'remove', 'di.new@example.com'])).code).toBe(0);
    const sent = await h.run(['send', 'issues/2026-W48', '--subscribers', 'undo.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(await h.mailsTo('di.old@example.com')).toHaveLength(1);
    // Only the confirmation.
    expect(await h.mailsTo('di.new@example.com')).toHaveLength(1);
  });
});

describePostgres('a reader of a subscribers file who confirms a new address, with the state in PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('file_moves');
  let pg: FileReaders;
  beforeAll(async () => {
    pg = await startFileReaders({ DATABASE_URL: databaseUrl() });
  }, 60_000);
  afterAll(() => pg?.close());

  it('gets the next issue at the new address only, once', async () => {
    await pg.writeList('list.json', [
      { email: 'eve.old@example.com', name: 'Eve Old', roles: ['CTO'] },
      { email: 'eve.new@example.com', name: 'Eve New', roles: ['Executive'] },
      { email: 'fay@example.com', name: 'Fay', roles: ['CTO'] },
    ]);
    await pg.moveAddress('eve.old@example.com', 'eve.new@example.com');
    const sent = await pg.run(['send', 'issues/2026-W48', '--subscribers', 'list.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    expect(JSON.parse(sent.out).readers).toMatchObject({ source: 'file', moved: 1 });
    expect(await pg.mailsTo('eve.old@example.com')).toEqual([]);
    const mails = await pg.mailsTo('eve.new@example.com');
    expect(mails).toHaveLength(2);
    expect(toName(mails[1]!)).toBe('Eve New');
    expect(await pg.mailsTo('fay@example.com')).toHaveLength(1);
    expect((await pg.run(['subscribers', 'list'])).err).toContain('eve.old@example.com moved to eve.new@example.com');
  });
});
