import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createFieldTokens, FIELD_NAMES } from '../../src/render/_personal.js';
import { createRenderer, type PersonalFields } from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

const reader = (overrides: Partial<PersonalFields> = {}): PersonalFields => ({
  email: 'reader@example.com',
  name: 'Ada',
  unsubscribeUrl: 'https://secret.example/unsubscribe?token=abc',
  preferencesUrl: 'https://secret.example/preferences?token=abc',
  viewOnlineUrl: 'https://secret.example/archive/2026-W48/',
  ...overrides,
});

async function render(project: ReturnType<typeof fixtureProject>, fields = reader()) {
  const { summaries, manifest } = project.issue;
  const renderer = await createRenderer(project);
  const compiled = await renderer.compile(
    buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), undefined),
  );
  return compiled.personalise(fields);
}

/** Every token shape content could try: the fixed tokens of earlier versions, and this version's shape. */
const TOKENS = FIELD_NAMES.flatMap((name) => [`__rcf7q_${name}_7q__`, `__rc0123456789abcdef_${name}__`]);

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('placeholder text in content', () => {
  it.each(TOKENS)('renders %s literally in every content field', async (token) => {
    const project = fixtureProject({
      summaries: [
        {
          id: 'tricky',
          roles: ['CTO'],
          title: `Title ${token}`,
          summary: `Summary ${token} end.`,
          takeaway: `Takeaway ${token}`,
          principles: [`Principle ${token}`],
          topics: [`topic-${token}`],
          source: `Source ${token}`,
        },
      ],
      manifest: {
        title: `Issue ${token}`,
        intro: `Intro ${token}`,
        editorNote: `Note ${token}`,
        preheader: `Preheader ${token}`,
      },
    });
    const baseline = await render(fixtureProject({ summaries: [{ id: 'tricky', roles: ['CTO'] }] }));
    const { html, text } = await render(project);
    for (const part of ['Title', 'Summary', 'Takeaway', 'Principle', 'Source', 'Issue', 'Intro', 'Note']) {
      expect(html, part).toContain(`${part} ${token}`);
      expect(text, part).toContain(`${part} ${token}`);
    }
    expect(html).toContain(`topic-${token}`);
    expect(html).toContain(`Preheader ${token}`);
    // The reader's values appear exactly where the templates put them, no more often.
    for (const value of ['secret.example', 'Ada']) {
      expect(count(html, value), value).toBe(count(baseline.html, value));
      expect(count(text, value), value).toBe(count(baseline.text, value));
    }
  });

  it.each(TOKENS)('greets a reader whose name is %s by that name', async (token) => {
    const { html, text } = await render(fixtureProject(), reader({ name: token }));
    expect(html).toContain(`Hi ${token},`);
    expect(text).toContain(`Hi ${token},`);
    expect(count(html + text, 'secret.example/unsubscribe')).toBe(
      count(
        (await render(fixtureProject())).html + (await render(fixtureProject())).text,
        'secret.example/unsubscribe',
      ),
    );
  });
});

describe('field tokens', () => {
  it('differ from one render to the next', () => {
    const seen = new Set(Array.from({ length: 50 }, () => createFieldTokens().sentinel.unsubscribe));
    expect(seen.size).toBe(50);
  });

  it('split only at their own render’s tokens', () => {
    const mine = createFieldTokens();
    const other = createFieldTokens();
    const compiled = `a ${mine.sentinel.greetingName} b ${other.sentinel.unsubscribe} c`;
    expect(mine.split(compiled)).toEqual(['a ', 'greetingName', ` b ${other.sentinel.unsubscribe} c`]);
  });
});
