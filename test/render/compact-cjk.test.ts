import { describe, expect, it } from 'vitest';
import { wordCount } from '../../src/render/_text.js';
import { ctoMessage } from './_fixtures.js';

/**
 * A compact card shows about 60 words of a summary, cut after a sentence. Chinese and Japanese are
 * written without spaces and end sentences with full-width marks (。！？): their summaries are cut
 * as an English one is, after a whole sentence, or between characters when one sentence runs on,
 * and the reader is told there is more, in the HTML and the plain text alike.
 */

const JAPANESE = '大規模言語モデルの評価では、モデルを入れ替える前に評価セットを整備することが重要である。';
const CHINESE_RUN_ON = '在更换模型之前先建立评估集，这一点非常重要';
const ENGLISH = 'An English sentence of about ten words goes here now. ';

function cardText(summary: string): Promise<{ html: string; text: string }> {
  return ctoMessage([{ id: 'one', roles: ['CTO'], title: 'One', summary, url: 'https://news.example/one' }]);
}

/** The card's paragraphs as the HTML shows them. */
const paragraphs = (html: string) =>
  [...html.matchAll(/<p dir="auto" style="margin:0 0 12px">([^<]*)<\/p>/g)].map((m) => m[1]!).join(' ');

describe('a compact card of a long summary', () => {
  it.each([
    { name: 'Japanese, cut after a whole sentence', summary: JAPANESE.repeat(15), ends: '。\u00a0…' },
    { name: 'Chinese in one run-on sentence, cut between characters', summary: CHINESE_RUN_ON.repeat(20), ends: '…' },
    { name: 'English, as before', summary: ENGLISH.repeat(15).trim(), ends: '.\u00a0…' },
  ])('$name', async ({ summary, ends }) => {
    expect(wordCount(summary)).toBeGreaterThan(120);
    const { html, text } = await cardText(summary);
    const shown = paragraphs(html);
    expect(shown.endsWith(ends), shown).toBe(true);
    expect(wordCount(shown)).toBeLessThanOrEqual(62);
    expect(summary.startsWith(shown.replace(/\u00a0?…$/, ''))).toBe(true);
    expect(html).toContain('Read the full summary');
    expect(text).toContain(shown.slice(-12));
    expect(text).not.toContain(summary);
    expect(text).toMatch(/Read the full summary: https:\/\/test\.example\/archive\//);
  });

  it('keeps a short Japanese summary whole', async () => {
    const { html } = await cardText(JAPANESE.repeat(2));
    expect(paragraphs(html)).toBe(JAPANESE.repeat(2));
    expect(html).not.toContain('Read the full summary');
  });
});

describe('a Chinese or Japanese key insight', () => {
  it.each([
    { name: 'Japanese', insights: '評価セットが先である。モデルの交換はその後だ。', teaser: '評価セットが先である。' },
    {
      name: 'Chinese, with a question',
      insights: '为什么先建评估集？因为换模型很便宜。',
      teaser: '为什么先建评估集？',
    },
    { name: 'English, as before', insights: 'Evals come first. Models later.', teaser: 'Evals come first.' },
  ])('gives its first sentence as the teaser and the preheader: $name', async ({ insights, teaser }) => {
    const { html } = await ctoMessage(
      [{ id: 'one', roles: ['CTO'], title: 'One', summary: 'Text.', insights, url: 'https://news.example/one' }],
      { preheader: undefined },
    );
    expect(/font-style:italic">([^<]*)<\/p>/.exec(html)?.[1]).toBe(teaser);
    expect(/<div class="rc-preheader"[^>]*>([^&<]*)/.exec(html)?.[1]).toBe(teaser);
  });
});
