import { describe, expect, it } from 'vitest';
import { perTest } from '../helpers/per-test.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

const opened = perTest<{ fixture: PreviewFixture }>(['fixture']);

describe('the preview index, variants table', () => {
  it('counts one summary in the singular and more in the plural', async () => {
    const fixture = await startFixture();
    opened.fixture = fixture;
    const page = await (await fetch(fixture.preview.url)).text();
    const counts = [...page.matchAll(/<details><summary>(\d+ \w+)<\/summary>/g)].map((match) => match[1]!);
    expect(
      counts.some((count) => count.startsWith('1 ')),
      counts.join('; '),
    ).toBe(true);
    for (const count of counts) expect(count).toMatch(/^(1 summary|([02-9]|\d\d+) summaries)$/);
  });
});
