import { expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

/** The editor edition's lead line counts its reads in words that fit the count, one as well as many. */

const reader = {
  email: 'editor@example.com',
  name: 'Eda Editor',
  unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
  preferencesUrl: 'https://test.example/preferences?token=abc',
};

async function editorLead(ids: string[]) {
  const project = fixtureProject({ summaries: ids.map((id) => ({ id, roles: ['CTO'] })) });
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), undefined);
  const { html, text } = (await (await createRenderer(project)).compile(variant)).personalise(reader);
  return { html, text: text.replace(/\s+/g, ' ') };
}

it('says "the one read" of an issue of one summary, and counts two or more', async () => {
  const one = await editorLead(['solo']);
  expect(one.html).toContain('The one read of this issue: “Title solo”.');
  expect(one.text).toContain('The one read of this issue: “Title solo”.');
  expect(one.html).not.toContain('All 1 reads');
  const two = await editorLead(['first', 'second']);
  expect(two.html).toContain('All 2 reads of this issue, starting with “Title first”.');
});
