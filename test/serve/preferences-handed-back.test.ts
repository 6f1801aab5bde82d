import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { noteFileFields, overlayReaderChanges } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A field a reader of a subscribers file set themselves is handed back to the file once its editor
 * changes it. The preferences page then shows what the reader is mailed, not their old choice.
 */

const secret = 'preferences-handed-back-secret-0123456789';
const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret, now: () => new Date('2026-12-05T08:00:00.000Z') });
});
afterEach(() => h.close());

/** What a send that goes ahead does with the store: lays it over the file, then notes the file. */
async function send(entry: Subscriber, day: number): Promise<Subscriber> {
  const readers = new Map((await h.store.list()).map((reader) => [reader.email, reader]));
  const now = new Date(Date.UTC(2026, 11, day, 8));
  const overlaid = overlayReaderChanges([entry], readers, WRITTEN_AT, now);
  await noteFileFields(h.store, overlaid.notes, now);
  return overlaid.subscribers[0]!;
}

async function page(): Promise<string> {
  const token = signToken({ email: 'ann@example.com', listId: h.config.listId }, secret);
  return (await fetch(`${h.origin}/preferences?${new URLSearchParams({ token })}`)).text();
}

const checked = (html: string) =>
  [...html.matchAll(/<input type="checkbox" name="roles" id="[^"]+" value="([^"]+)" checked/g)].map((m) => m[1]);

describe('the preferences page after the editor changed a field the reader had set', () => {
  it('shows the file’s roles and name the reader is mailed, not their old choice', async () => {
    await h.store.insert(
      readerRecord('ann@example.com', {
        name: 'Annie',
        roles: ['Executive'],
        timezone: 'Asia/Tokyo',
        readerChangedAt: CHOSE_AT,
        readerFields: { name: CHOSE_AT, roles: CHOSE_AT, timezone: CHOSE_AT },
      }),
    );
    const ann: Subscriber = { email: 'ann@example.com', name: 'Ann Lee', roles: ['CTO'], status: 'active' };
    expect(await send(ann, 2)).toMatchObject({ name: 'Annie', roles: ['Executive'], timezone: 'Asia/Tokyo' });
    expect(checked(await page())).toEqual(['Executive']);

    // The editor changes her roles, name and zone: the file's from now on.
    const edited = { ...ann, name: 'Ann Lee-Smith', roles: ['Software Engineer', 'CTO'], timezone: 'Europe/Berlin' };
    expect(await send(edited, 3)).toMatchObject({ name: 'Ann Lee-Smith', roles: ['Software Engineer', 'CTO'] });
    const html = await page();
    expect(checked(html).sort()).toEqual(['CTO', 'Software Engineer']);
    expect(html).toContain('value="Ann Lee-Smith"');
    expect(html).not.toContain('Annie');
    expect(html).toContain('<option selected>Europe/Berlin</option>');
    const stored = await h.store.get('ann@example.com');
    expect(stored?.readerFields).toEqual({});
  });

  it('a field the file leaves out shows as the page shows any the reader never set', async () => {
    await h.store.insert(
      readerRecord('ann@example.com', {
        firstName: 'Annie',
        readerChangedAt: CHOSE_AT,
        readerFields: { firstName: CHOSE_AT },
      }),
    );
    const ann: Subscriber = { email: 'ann@example.com', firstName: 'Ann', roles: ['CTO'], status: 'active' };
    await send(ann, 2);
    const { firstName: _, ...withoutFirstName } = ann;
    expect((await send(withoutFirstName, 3)).firstName).toBeUndefined();
    expect((await h.store.get('ann@example.com'))?.firstName).toBeNull();
    expect(await page()).not.toContain('Annie');
  });
});
