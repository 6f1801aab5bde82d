import { describe, expect, it } from 'vitest';
import { ctoMessage } from './_fixtures.js';

/**
 * A reader with one story and an issue without a preheader gets the story's first sentence as the
 * inbox preview line, cut to 140 characters. The cut falls between whole characters as a reader
 * sees them: never inside an emoji (a surrogate pair cut in two reaches the inbox as "�"), between
 * a letter and its accent, or inside an emoji sequence; and an isolate it cuts through is closed,
 * so the "…" after it stays at the end.
 */

const FSI = '\u2068';
const PDI = '\u2069';
const REST = ' and the sentence goes on well past what an inbox preview shows of it.';

async function preheaderFor(insights: string): Promise<string> {
  const { html } = await ctoMessage(
    [{ id: 'one', roles: ['CTO'], title: 'One', summary: 'Text.', insights, url: 'https://news.example/one' }],
    { preheader: undefined },
  );
  // What the reader's mail carries: the message as UTF-8 bytes, read back.
  const sent = Buffer.from(html, 'utf8').toString('utf8');
  const line = /<div class="rc-preheader"[^>]*>([^&<]*)/.exec(sent)?.[1];
  expect(line, 'a preheader').toBeDefined();
  return line!;
}

const graphemes = (text: string) =>
  [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

describe('a preheader cut from a long first sentence', () => {
  it.each([
    { name: 'an emoji whose two halves straddle the cut', kept: 'x'.repeat(137), cutThrough: ' 👩🏽‍💻' },
    {
      name: 'an emoji sequence (skin tone, joiner) the cut falls inside',
      kept: 'x'.repeat(135),
      cutThrough: ' 👩🏽‍💻',
    },
    { name: 'a letter with combining accents', kept: 'x'.repeat(137), cutThrough: ' e\u0301\u0323' },
    { name: 'a flag of two regional indicators', kept: 'x'.repeat(136), cutThrough: ' 🇩🇪' },
  ])('keeps $name whole or leaves it out whole', async ({ kept, cutThrough }) => {
    const insights = `${kept}${cutThrough}${REST}`;
    const line = await preheaderFor(insights);
    expect(line).not.toContain('\ufffd');
    expect(line.endsWith('…'), line).toBe(true);
    const shown = line.slice(0, -1);
    expect(shown.length).toBeLessThanOrEqual(139);
    expect(insights.startsWith(shown)).toBe(true);
    // The cut is at a boundary of what a reader sees as one character.
    const whole = graphemes(insights);
    let at = 0;
    const ends = new Set(whole.map((g) => (at += g.length)));
    expect(ends.has(shown.length) || shown.length === 0, JSON.stringify(shown.slice(-4))).toBe(true);
  });

  it('closes an isolate it cuts through, before the "…"', async () => {
    const line = await preheaderFor(`${'x'.repeat(120)} ${FSI}مقالة طويلة جداً عن بوابات النماذج اللغوية${PDI}${REST}`);
    expect(line).toMatch(new RegExp(`${PDI}…$`));
    expect(line.split(FSI).length).toBe(line.split(PDI).length);
  });

  it('leaves a first sentence that fits as it is', async () => {
    expect(await preheaderFor('Short 👩🏽‍💻 line.')).toBe('Short 👩🏽‍💻 line.');
  });
});
