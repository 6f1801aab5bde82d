import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickClaims, signClickToken, signClickVariant } from '../../src/analytics/token.js';
import type { StateDb } from '../../src/send/store.js';
import { type ClickServe, startClickServe } from '../helpers/click-serve.js';

const OLD = 'old-click-key-0123456789abcdefghijklmnop';
const NEW = 'new-click-key-ZYXWVUTSRQPONMLKJIHGFEDCBA9876';
const STRANGER = 'nobody-knows-this-key-0123456789abcdefgh';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const CLAIMS: ClickClaims = {
  issueId: '2026-W48',
  summaryId: 'pricing-experiments',
  role: 'CTO',
  variantId: 'cto',
  kind: 'article',
  target: 'https://example.com/pricing-experiments',
};
const NOW = new Date('2026-12-01T10:00:00Z');

let serve: ClickServe;
let db: StateDb;
let origin: string;

beforeAll(async () => {
  serve = await startClickServe({ secret: NEW, previousSecrets: [OLD], now: () => NOW });
  ({ db, origin } = serve);
});

afterAll(() => serve?.close());

const link = (key: string) =>
  `${origin}/c/${signClickToken(CLAIMS, key)}?v=${signClickVariant(CLAIMS.issueId, CLAIMS.variantId, key)}`;
const get = (url: string) => fetch(url, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });

describe('article links of mail sent before ROLECAST_SECRET was changed', () => {
  it('still lead to the article, and the click counts for its role set', async () => {
    const response = await get(link(OLD));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(CLAIMS.target);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(db.prepare('SELECT variant_id FROM clicks').all()).toEqual([{ variant_id: 'cto' }]);
  });

  it('links signed with the new key open as before', async () => {
    expect((await get(link(NEW))).status).toBe(302);
  });

  it('a link signed with a key serve never had is still refused', async () => {
    const response = await get(link(STRANGER));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
