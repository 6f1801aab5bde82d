import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { roomReaders } from '../../src/render/list-room.js';

const reader = (email: string, fields: Partial<Subscriber> = {}): Subscriber => ({
  email,
  roles: ['CTO'],
  status: 'active',
  ...fields,
});

describe('the readers holding the list’s longest values', () => {
  it('finds each field’s longest on its own, as escaped and encoded', () => {
    const longName = reader('a@example.com', { name: 'Baker, Christabel-Evangeline' });
    const quoted = reader("o'b&c@example.com", { name: 'Al' });
    const idn = reader('zoë@bücher.example', { firstName: 'Zoë' });
    const plainLonger = reader('zzzzzzzzzzzzzzzzzzzz@example.com', { name: 'Bo' });
    const found = roomReaders([longName, quoted, idn, plainLonger]);
    expect(found.greeting).toBe(longName);
    // "o'b&c@…" prints as 25 bytes, "zoë@bücher.example" as 28 once encoded: the plain one's 32 are more.
    expect(found.printed).toBe(plainLonger);
    expect(found.signed).toBe(plainLonger);
    expect(found.nameless).toBeUndefined();
  });

  it('weighs an address by its escaped, encoded bytes and its signed form, not its length', () => {
    const escaped = reader(`${"'".repeat(20)}@example.com`);
    const plain = reader(`${'q'.repeat(40)}@example.com`);
    const found = roomReaders([plain, escaped]);
    // 20 apostrophes print as 100 bytes, more than 40 plain letters.
    expect(found.printed).toBe(escaped);
    expect(found.signed).toBe(plain);
  });

  it('finds a reader greeted by the fallback even behind longer plain names, and a longer name after it', () => {
    const list = [
      reader('a@example.com', { name: 'Christabel Evangeline' }),
      reader('b@example.com', { name: 'Dr. J.' }),
      reader('c@example.com', { name: 'Ann' }),
      reader('d@example.com', { firstName: '龍龍龍' }),
    ];
    const found = roomReaders(list);
    expect(found.nameless).toBe(list[1]);
    // Three characters of three UTF-8 bytes, nine once encoded: 27 bytes, more than "Christabel"'s 10.
    expect(found.greeting).toBe(list[3]);
  });

  it('has nothing to say of an empty list', () => {
    expect(roomReaders([])).toEqual({
      greeting: undefined,
      printed: undefined,
      signed: undefined,
      nameless: undefined,
    });
  });
});
