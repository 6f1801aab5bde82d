import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { createFieldTokens } from '../../src/render/_personal.js';
import { buildView, createSharedViews } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

/**
 * A section's entry in the contents list prints its heading and its stories' titles and links, not
 * which roles its cards mark as the reader's. Role sets whose sections differ only in those marks
 * share one entry, so the contents list's output for it is worked out once per render.
 */

const sentinel = createFieldTokens().sentinel;

describe('contents entries of sections that differ only in the reader-role marks', () => {
  it('are one object across role sets, reading as an entry built on its own', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
    const shared = createSharedViews();
    const view = (roles: string[]) =>
      buildView(project.config, project.taxonomy, project.issue, buildVariant(summaries, order, roles), sentinel, {
        shared,
      });
    // Every role set of one or two roles: a section shown with other roles marked is another object.
    const groups = new Map<string, { sections: Set<object>; entries: Set<object> }>();
    for (let i = 0; i < order.length; i++)
      for (let j = i; j < order.length; j++) {
        const roles = i === j ? [order[i]!] : [order[i]!, order[j]!];
        const shown = view(roles);
        const alone = buildView(
          project.config,
          project.taxonomy,
          project.issue,
          buildVariant(summaries, order, roles),
          sentinel,
        );
        expect(shown.contents.sections).toEqual(alone.contents.sections);
        shown.sections.forEach((section, k) => {
          const key = `${section.heading}|${section.cards.map((card) => card.anchor).join(',')}`;
          const group = groups.get(key) ?? { sections: new Set(), entries: new Set() };
          group.sections.add(section);
          group.entries.add(shown.contents.sections[k]!);
          groups.set(key, group);
        });
      }
    const marked = [...groups.values()].filter((group) => group.sections.size > 1);
    expect(marked.length).toBeGreaterThan(5);
    for (const group of marked) expect(group.entries.size).toBe(1);
  });

  it('stay apart by language and by what they print', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
    const shared = createSharedViews();
    const view = (roles: string[], language: 'en' | 'de') =>
      buildView(project.config, project.taxonomy, project.issue, buildVariant(summaries, order, roles), sentinel, {
        shared,
        language,
      });
    const en = view(['CTO'], 'en');
    const de = view(['CTO'], 'de');
    expect(de.contents.sections[0]).not.toBe(en.contents.sections[0]);
    const other = view(['Executive'], 'en');
    expect(other.contents.sections[0]).not.toBe(en.contents.sections[0]);
    expect(other.contents.sections[0]!.heading).not.toBe(en.contents.sections[0]!.heading);
  });
});
