import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { contrast } from '../../src/render/_colour.js';
import { createRenderer } from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

/**
 * The greeting, the lead line and the issue's intro stand on the page's background, not on a card:
 * with a dark brand background they take a colour that reads on it, as the footer does.
 */

const reader = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
  preferencesUrl: 'https://test.example/preferences?token=abc',
};

/** The colour of the element whose own text starts with `start`. */
function colourOf(html: string, start: string): string | undefined {
  const at = html.indexOf(`>${start}`);
  if (at < 0) return undefined;
  const tag = html.slice(html.lastIndexOf('<', at), at);
  return /(?:^|[;"\s])color:\s*(#[0-9a-f]{6})/i.exec(tag)?.[1];
}

describe.each(['#222222', '#1f3a5f', '#f3f4f6', '#ffffff'])('on a %s background', (background) => {
  it('writes the greeting, the lead and the intro in a colour that reads on it', async () => {
    const project = fixtureProject({
      config: {
        brand: { name: 'Test Weekly', primaryColor: '#1f3a5f', accentColor: '#e8590c', backgroundColor: background },
      },
      manifest: { intro: 'Intro of the week.' },
    });
    const { summaries, manifest } = project.issue;
    const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
    const compiled = await (await createRenderer(project)).compile(variant);
    const { html } = compiled.personalise(reader);
    for (const start of ['Hi Ada,', 'For CTO this week', 'Intro of the week.']) {
      const colour = colourOf(html, start);
      expect(colour, start).toBeDefined();
      expect(contrast(colour!, background), `${start} in ${colour}`).toBeGreaterThanOrEqual(4.5);
    }
    expect(compiled.problems.filter((p) => /contrast|WCAG/i.test(p.message))).toEqual([]);
  });
});
