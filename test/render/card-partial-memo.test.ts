import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createSplicedTemplates } from '../../src/render/splice.js';
import { loadTemplates } from '../../src/render/templates.js';
import { buildView, type CardView, createSharedViews, type DigestView } from '../../src/render/view.js';
import { fixtureProject, SUMMARIES } from './_fixtures.js';

/**
 * A section is written anew for each role set whose cards mark other roles as the reader's; a card
 * in it that reads the same (the same shared view) is written once, whichever section shows it.
 */

describe('a card shared by sections of many role sets', () => {
  it('is rendered once, and every variant still reads as rendered whole', async () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const order = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
    const templates = await loadTemplates(undefined);
    const spliced = createSplicedTemplates(templates, 'feedc0de');
    const shared = createSharedViews();
    const views: DigestView[] = [];
    for (let mask = 1; mask < 2 ** order.length; mask++) {
      const roles = order.filter((_, bit) => mask & (1 << bit));
      const variant = buildVariant(project.issue.summaries, order, roles);
      views.push(buildView(project.config, project.taxonomy, project.issue, variant, undefined, { shared }));
    }
    // The card shown in the most distinct sections, each section first in its variant.
    const sectionsOf = new Map<CardView, Set<object>>();
    for (const view of views)
      for (const section of view.sections.slice(0, 1))
        for (const card of section.cards) {
          const seen = sectionsOf.get(card) ?? new Set();
          sectionsOf.set(card, seen.add(section));
        }
    const [card, sections] = [...sectionsOf].sort((a, b) => b[1].size - a[1].size)[0]!;
    expect(sections.size).toBeGreaterThan(2);
    const showing = views.filter((view) => view.sections[0]!.cards.includes(card));

    let reads = 0;
    const title = card.title;
    Object.defineProperty(card, 'title', {
      get: () => {
        reads++;
        return title;
      },
    });
    const sources = showing.map((view) => spliced.html(view)?.whole());
    // The first variant is compared with its ordinary render inside: that render reads it once more.
    expect(reads).toBe(2);
    for (const [i, source] of sources.entries()) expect(source).toBe(templates.renderHtml(showing[i]!));
  });
});
