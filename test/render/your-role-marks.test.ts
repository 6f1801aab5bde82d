import { describe, expect, it } from 'vitest';
import { BUSY_WEEK_ROLES, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * A card marks the reader's own roles among its "Best for" where that tells them something: a story
 * under the band "For CTO" is for CTO, and a reader of one section was told their role by the lead.
 * A reader of six roles saw "(your role)" on every card of a busy week, the band's role each time;
 * now a card marks only the reader's other roles it is for, in the HTML and the plain text alike.
 */

const READERS: { name: string; roles: string[] }[] = [
  { name: 'one role', roles: ['CTO'] },
  { name: 'two roles', roles: ['CTO', 'AI Lead'] },
  { name: 'six roles', roles: BUSY_WEEK_ROLES.slice(0, 6) },
];

const CONFIG = { sizeLimitKb: 600, sizeWarnKb: 500 };

/** Each card's section role (undefined without bands) and the roles it marks as the reader's, in the HTML. */
function marksOfHtml(html: string): { band: string | undefined; marked: string[] }[] {
  const out: { band: string | undefined; marked: string[] }[] = [];
  let band: string | undefined;
  for (const part of html.split(/(?=class="rc-band")|(?=<table\b[^>]* id="rc-)/)) {
    const heading = /^class="rc-band"[\s\S]*?<h2\b[^>]*>For (.+?) · /.exec(part);
    if (heading) band = heading[1];
    else if (/^<table\b[^>]* id="rc-/.test(part))
      out.push({ band, marked: [...part.matchAll(/<strong class="rc-mine"[^>]*>([^<]*)</g)].map((m) => m[1]!) });
  }
  return out;
}

/** The same, read from the plain text's bands and "Best for:" lines. */
function marksOfText(text: string): { band: string | undefined; marked: string[] }[] {
  const out: { band: string | undefined; marked: string[] }[] = [];
  let band: string | undefined;
  for (const line of text.split('\n')) {
    const heading = /^== For (.+?) · \d+ reads? ==$/.exec(line);
    if (heading) band = heading[1];
    const best = /^Best for: (.*)$/.exec(line);
    if (best)
      out.push({
        band,
        marked: best[1]!
          .split(', ')
          .filter((role) => /\(your\srole\)$/.test(role))
          .map((role) => role.replace(/\s\(your\srole\)$/, '')),
      });
  }
  return out;
}

describe('the reader’s roles marked on a card', () => {
  for (const reader of READERS)
    it(`${reader.name}: only the reader’s roles other than the card’s section are marked`, async () => {
      const copy = await busyWeekCopy(reader.roles, CONFIG);
      const { html, text } = copy.personalise(SAMPLE_READERS[0]!);
      const fromHtml = marksOfHtml(html);
      const fromText = marksOfText(text);
      expect(fromHtml.length).toBeGreaterThan(0);
      expect(fromText).toEqual(fromHtml);
      const sections = new Set(fromHtml.map((card) => card.band));
      // A reader of one section has no band: the lead names their role.
      const own = (band: string | undefined) => band ?? reader.roles[0];
      expect(sections.size === 1 ? [...sections] : [], reader.name).toEqual(
        reader.roles.length === 1 ? [undefined] : [],
      );
      for (const card of fromHtml) {
        expect(card.marked).not.toContain(own(card.band));
        for (const role of card.marked) expect(reader.roles).toContain(role);
      }
      if (reader.roles.length > 1) expect(fromHtml.some((card) => card.marked.length > 0)).toBe(true);
      else expect(fromHtml.every((card) => card.marked.length === 0)).toBe(true);
    });
});
