import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { browserPerFile } from '../helpers/browser.js';
import { BASE_CONFIG, fixtureProject, SAMPLE_READERS } from './_fixtures.js';

/**
 * The role bands, the contents' role headings and the brand line above the title are shown in
 * capitals. A Greek list's messages carry English labels (there is no Greek catalogue), so the
 * message says lang="en", and Chromium capitalised its Greek role names by English rules, keeping
 * the accents Greek drops in capitals ("ΜΗΧΑΝΙΚΌΣ" for ΜΗΧΑΝΙΚΟΣ). Each name is now marked with
 * the list's language, which capitalises it as Greek does; the labels around it stay English.
 */

const browser = browserPerFile();

const ENGINEER = 'Μηχανικός Λογισμικού';
const ARCHITECT = 'Αρχιτέκτονας';
/** A heading roles.yaml gives a role, written whole in the list's language. */
const ARCHITECT_HEADING = 'Για αρχιτέκτονες συστημάτων';

async function greekCopy() {
  const project = fixtureProject({
    config: { locale: 'el-GR', brand: { ...BASE_CONFIG.brand, name: 'Εβδομαδιαίο Δελτίο' } },
    manifest: { title: 'Τεύχος της εβδομάδας', subject: 'Τεύχος {{week}}' },
    summaries: [
      { id: 'one', roles: [ENGINEER], title: 'Γιατί η ομάδα ξανάχτισε τις δοκιμές', url: 'https://example.com/one' },
      { id: 'two', roles: [ARCHITECT], title: 'Πώς μετράμε την ποιότητα', url: 'https://example.com/two' },
    ],
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
});
