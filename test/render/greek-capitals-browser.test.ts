import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { browserPerFile } from '../helpers/browser.js';
import { BASE_CONFIG, BUSY_WEEK, fixtureProject, SAMPLE_READERS, type SummaryInput } from './_fixtures.js';

/**
 * The role bands, the contents' role headings and the brand line above the title are shown in
 * capitals. A Greek list's messages carry English labels (there is no Greek catalogue), so the
 * message says lang="en", and Chromium capitalised its Greek role names by English rules, keeping
 * the accents Greek drops in capitals ("ΜΗΧΑΝΙΚΌΣ" for ΜΗΧΑΝΙΚΟΣ). Each name is now marked with
 * the list's language, which capitalises it as Greek does; the labels around it stay English. So are
 * the role headings over the headlines of a copy cut to fit Gmail's clip.
 */

const browser = browserPerFile();

const ENGINEER = 'Μηχανικός Λογισμικού';
const ARCHITECT = 'Αρχιτέκτονας';
/** A heading roles.yaml gives a role, written whole in the list's language. */
const ARCHITECT_HEADING = 'Για αρχιτέκτονες συστημάτων';

const TWO_STORIES: SummaryInput[] = [
  { id: 'one', roles: [ENGINEER], title: 'Γιατί η ομάδα ξανάχτισε τις δοκιμές', url: 'https://example.com/one' },
  { id: 'two', roles: [ARCHITECT], title: 'Πώς μετράμε την ποιότητα', url: 'https://example.com/two' },
];

/** A busy week split between the two roles: over a 60 KB limit, its copy lists its last stories by headline. */
const BUSY_GREEK_WEEK = BUSY_WEEK.map((s, i) => ({ ...s, roles: [i % 2 ? ENGINEER : ARCHITECT] }));

async function greekCopy(stories = TWO_STORIES, config: Record<string, unknown> = {}) {
  const project = fixtureProject({
    config: { locale: 'el-GR', brand: { ...BASE_CONFIG.brand, name: 'Εβδομαδιαίο Δελτίο' }, ...config },
    manifest: { title: 'Τεύχος της εβδομάδας', subject: 'Τεύχος {{week}}' },
    summaries: stories,
  });
  project.taxonomy = createTaxonomy([
    { name: ENGINEER, aliases: [] },
    { name: ARCHITECT, aliases: [], heading: ARCHITECT_HEADING },
  ]);
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), [ENGINEER, ARCHITECT]);
  const compiled = await (await createRenderer(project)).compile(variant);
  expect(compiled.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return compiled.personalise({ ...SAMPLE_READERS[0]!, roles: [ENGINEER, ARCHITECT] });
}

describe('Greek names shown in capitals, in Chromium', () => {
  it('are capitalised by Greek rules in the bands, the contents and the brand line, the labels in English', async () => {
    const { html, text } = await greekCopy();
    const page = await browser().newPage({ viewport: { width: 600, height: 800 } });
    try {
      await page.setContent(html);
      const seen = await page.evaluate(() => {
        const shown = (selector: string) =>
          // biome-ignore lint/performance/useDomNodeTextContent: the capitals as laid out are what a reader sees
          [...document.querySelectorAll(selector)].map((e) => (e as HTMLElement).innerText);
        const upper = [...document.querySelectorAll('[style*="uppercase"], .rc-header div[style*="uppercase"]')];
        return {
          lang: document.documentElement.lang,
          headlines: document.querySelectorAll('li[id]').length,
          bands: shown('.rc-band h2'),
          contents: shown('.rc-contents p[style*="uppercase"]'),
          kicker: shown('.rc-header div[style*="uppercase"]'),
          // Every capitalised Greek letter sits in an element marked Greek.
          greekOutsideGreek: upper.flatMap((e) => {
            const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
            const out: string[] = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode())
              if (/\p{Script=Greek}/u.test(node.textContent!) && !node.parentElement!.closest('[lang^="el"]'))
                out.push(node.textContent!);
            return out;
          }),
        };
      });
      expect(seen.lang).toBe('en');
      expect(seen.headlines).toBe(0);
      expect(seen.bands).toEqual(['FOR ΜΗΧΑΝΙΚΟΣ ΛΟΓΙΣΜΙΚΟΥ · 1 READ', 'ΓΙΑ ΑΡΧΙΤΕΚΤΟΝΕΣ ΣΥΣΤΗΜΑΤΩΝ · 1 READ']);
      expect(seen.contents).toEqual(['FOR ΜΗΧΑΝΙΚΟΣ ΛΟΓΙΣΜΙΚΟΥ', 'ΓΙΑ ΑΡΧΙΤΕΚΤΟΝΕΣ ΣΥΣΤΗΜΑΤΩΝ']);
      expect(seen.kicker).toEqual(['ΕΒΔΟΜΑΔΙΑΙΟ ΔΕΛΤΙΟ']);
      expect(seen.greekOutsideGreek).toEqual([]);
    } finally {
      await page.close();
    }
    // The plain text shows each name as written.
    expect(text).toContain(`== For ${ENGINEER} · 1 read ==`);
    expect(text).toContain(`== ${ARCHITECT_HEADING} · 1 read ==`);
  });

  it('are capitalised by Greek rules over the headlines of a copy cut to fit Gmail’s clip', async () => {
    const { html } = await greekCopy(BUSY_GREEK_WEEK, { cards: { style: 'full' }, sizeLimitKb: 60, sizeWarnKb: 50 });
    const page = await browser().newPage({ viewport: { width: 600, height: 800 } });
    try {
      await page.setContent(html);
      const seen = await page.evaluate(() => {
        const box = document.querySelector('li[id]')!.closest('td')!;
        return {
          // biome-ignore lint/performance/useDomNodeTextContent: the capitals as laid out are what a reader sees
          headings: [...box.querySelectorAll('p[style*="uppercase"]')].map((e) => (e as HTMLElement).innerText),
          unmarked: [...box.querySelectorAll('p[style*="uppercase"]')].filter(
            (e) => !e.querySelector('[lang^="el"]') && !e.closest('[lang^="el"]'),
          ).length,
        };
      });
      expect(seen.headings).toEqual(['ΓΙΑ ΑΡΧΙΤΕΚΤΟΝΕΣ ΣΥΣΤΗΜΑΤΩΝ', 'FOR ΜΗΧΑΝΙΚΟΣ ΛΟΓΙΣΜΙΚΟΥ']);
      expect(seen.unmarked).toBe(0);
    } finally {
      await page.close();
    }
  });
});
