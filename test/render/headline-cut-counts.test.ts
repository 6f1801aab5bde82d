import { describe, expect, it } from 'vitest';
import { BUSY_WEEK_ROLES, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * A copy cut to headlines counts what it holds: a band over a section cut short said "3 reads" over
 * two cards, and the contents "20 reads · about 20 mins" over ten cards in full. Each band now counts
 * the cards under it ("2 of 3 reads"), and the contents the stories in full and their minutes.
 */

/** Each band's heading and the number of full cards under it, in the HTML. */
function bandsOfHtml(html: string): { heading: string; cards: number }[] {
  const body = html.slice(0, html.indexOf('more stories in this issue'));
  return body
    .split('class="rc-band"')
    .slice(1)
    .map((part) => ({
      heading: /<h2\b[^>]*>([^<]*)<\/h2>/.exec(part)![1]!,
      cards: part.match(/<table\b[^>]* id="rc-/g)?.length ?? 0,
    }));
}

/** Each band line and the number of card titles under it, in the plain text (the contents' heading is no band). */
function bandsOfText(text: string): { heading: string; cards: number }[] {
  const body = text.slice(0, text.search(/^== \d+ more stories in this issue ==/m));
  return body
    .split(/^== /m)
    .slice(1)
    .filter((part) => !part.startsWith('In this issue =='))
    .map((part) => ({ heading: part.slice(0, part.indexOf(' ==')), cards: part.match(/^## /gm)?.length ?? 0 }));
}

/** The number of stories a band's heading counts in the copy: "3 reads" or "2 of 3 reads". */
const shownBy = (heading: string) => Number(/· (\d+)(?: of \d+)? reads?$/.exec(heading)?.[1]);

describe('the counts of a copy cut to headlines', () => {
  it('a reader of eight roles: each band counts the cards under it, the contents the stories in full', async () => {
    // Compact cards under a 90 KB limit: about nine stories in full, the fourth section cut short.
    const copy = await busyWeekCopy(BUSY_WEEK_ROLES, { cards: { style: 'compact' }, sizeLimitKb: 90, sizeWarnKb: 80 });
    const { html, text } = copy.personalise(SAMPLE_READERS[0]!);
    const full = copy.fullCards!;
    expect(full).toBeGreaterThan(1);
    expect(full).toBeLessThan(20);
    for (const bands of [bandsOfHtml(html), bandsOfText(text)]) {
      expect(bands.length).toBeGreaterThan(1);
      for (const band of bands) expect(shownBy(band.heading), band.heading).toBe(band.cards);
      expect(bands.reduce((sum, band) => sum + band.cards, 0)).toBe(full);
      // The section cut short says how many of its stories it shows.
      expect(bands.at(-1)!.heading).toMatch(/· [12] of 3 reads$/);
    }
    const minutes = full; // each of these cards is a minute's read
    expect(html).toContain(`20 reads, ${full} in full · about ${minutes} mins`);
    expect(text).toContain(`== In this issue ==\n20 reads, ${full} in full · about ${minutes} mins\n`);
  });

  it('a reader of one role: the contents count the stories in full; a copy that fits counts them all', async () => {
    const cut = await busyWeekCopy(['CTO'], { sizeLimitKb: 50, sizeWarnKb: 40 });
    const full = cut.fullCards!;
    expect(full).toBeGreaterThan(0);
    const { html, text } = cut.personalise(SAMPLE_READERS[0]!);
    expect(html.match(/class="rc-box"/g)).toHaveLength(full + 2); // the contents' box and the headlines'
    expect(text).toContain(`== In this issue ==\n8 reads, ${full} in full · about ${full} min`);
    const whole = (await busyWeekCopy(['CTO'])).personalise(SAMPLE_READERS[0]!);
    expect(whole.text).toContain('== In this issue ==\n8 reads · about 8 mins\n');
    expect(whole.html).not.toContain('in full');
  });
});
