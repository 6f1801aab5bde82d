import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import type { Language } from '../../src/i18n/index.js';
import { encodedSizes } from '../../src/render/encoded-size.js';
import { createRenderer, sampleFields } from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

/**
 * A reader whose locale is another language the product has gets their copy in it: German labels
 * are longer than English ones, so the size gate measures every language a variant is compiled in.
 * Copies are compiled without the cut to headlines (headline-cut.ts), so the gate's verdict shows.
 */

/** A reader of two sections: both bands hold German words too (a reader of one section has none). */
async function compileTwoSections(sizeLimitKb: number, languages: Language[]) {
  const project = fixtureProject({ config: { sizeLimitKb, sizeWarnKb: sizeLimitKb } });
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO', 'Executive']);
  return { project, compiled: await (await createRenderer(project, { languages, headlines: false })).compile(variant) };
}

const sizeErrors = (compiled: { problems: { severity: string; message: string }[] }) =>
  compiled.problems.filter((p) => p.severity === 'error' && /KB limit/.test(p.message));

describe('the size gate and readers of another language', () => {
  it('refuses a variant whose German copy is over the limit, naming it, though the English one is under', async () => {
    const { project, compiled } = await compileTwoSections(1000, ['de']);
    const sample = sampleFields(project.config, project.issue.id, 'a-secret');
    const english = (await encodedSizes(compiled.personalise(sample))).htmlBytes;
    const german = (await encodedSizes(compiled.personalise({ ...sample, locale: 'de-DE' }))).htmlBytes;

    // A limit the English copy passes with its room for the longest reader, by the gate's own count.
    const [measured] = sizeErrors((await compileTwoSections(1, [])).compiled);
    const englishKb = Number(/HTML is ([\d.]+) KB/.exec(measured!.message)![1]);
    const limitKb = englishKb + 0.06;
    expect(sizeErrors((await compileTwoSections(limitKb, [])).compiled)).toEqual([]);
    expect((german - english) / 1024).toBeGreaterThan(0.12);
    const gated = await compileTwoSections(limitKb, ['de']);
    const [error] = sizeErrors(gated.compiled);
    expect(error?.message).toMatch(/in the copy for readers in German/);
  });
});
