import { afterEach, describe, expect, it } from 'vitest';
import { type PreviewFixture, rawGet, startFixture } from './_fixture.js';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Addresses the list accepts whose URL, decoded more than once, looks like traversal. */
const READERS = ['100%@example.com', 'a/../b@example.com', 'x%5c@example.com'];

describe('a reader whose address holds a percent sign or a slash', () => {
  it.each(READERS)('%s has a view and a message, linked from the index', async (address) => {
    fixture = await startFixture({
      files: { 'list.json': JSON.stringify([{ email: address, name: 'Odd Address', roles: ['CTO'] }]) },
      subscribers: 'list.json',
    });
    const key = encodeURIComponent(address);
    const index = await rawGet(fixture.preview.port, '/');
    expect(index.body).toContain(`href="/subscriber/${key}"`);
    const view = await rawGet(fixture.preview.port, `/subscriber/${key}`);
    expect(view.status).toBe(200);
    expect(view.body).toContain('<h1 id="view-title">Odd Address</h1>');
    expect((await rawGet(fixture.preview.port, `/message/subscriber/${key}/text`)).status).toBe(200);
    // Not a door for anything else: the same shapes naming no reader are still refused.
    expect((await rawGet(fixture.preview.port, '/subscriber/a%2F..%2Fc%40example.com')).status).toBe(400);
  });
});
